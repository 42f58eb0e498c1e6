"""Optional parts of the RCT bundle: attrition, power of the study as run, time to job, register.

``timing`` and ``register`` results come from :mod:`impact.analysis.timing` and
:mod:`impact.analysis.matching`. Any :class:`~impact.results.Result` works; the bundle takes

* tables from ``publishable()`` when the result has it (a DataFrame or a dict of them), else
  from ``tables()`` (dict) or ``tidy()``, with counts in columns named ``n``, ``n_*``,
  ``*_n``, ``events``, ``at_risk`` primary-suppressed;
* figures from ``figures(lang)`` (dict) or ``figure(lang)``, one per language;
* sentences from ``sentence(lang)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from impact.analysis.outcomes.suppression import suppress_small_cells
from impact.i18n import pair, table
from impact.report.bundle import BundleError

_TITLES: dict[str, dict[str, str]] = table("labels.bundles.rct_parts.titles")
_COUNT = re.compile(r"^(n|n_.+|.+_n|events|at_risk|count|count_.+)$")


def write_attrition(w, attrition) -> None:
    """Rates, WWC rating, response tests, attrition regression, IPW/Lee/Manski estimates."""
    if not hasattr(attrition, "wwc") or not hasattr(attrition, "estimates"):
        raise BundleError(
            "attrition: expected an AttritionSummary (impact.analysis.attrition."
            f"attrition_summary), got {type(attrition).__name__}"
        )
    threshold = int(w.data.get("suppression_threshold", 5))
    w.section("attrition")
    rates = attrition.rates.tidy().drop(columns=["stage_label"], errors="ignore").copy()
    counts, deps, additive = [], {}, []
    for arm in ("treatment", "control", "overall"):
        total, resp = f"n_randomised_{arm}", f"n_responded_{arm}"
        counts += [total, resp]
        additive.append((total, (resp, f"n_missing_{arm}")))
        for col in (f"response_rate_{arm}", f"attrition_{arm}", f"attrition_since_baseline_{arm}"):
            if col in rates.columns:
                deps[col] = (total, resp, f"n_missing_{arm}")
    published = suppress_small_cells(rates, counts, deps, threshold, additive=additive)
    w.table("attrition_rates", published, title=_TITLES["attrition_rates"], suppressed=True)
    wwc = attrition.wwc.tidy()
    w.table("wwc", wwc, title=_TITLES["wwc"], suppressed=False)
    chosen = wwc[wwc["chosen"]].iloc[0]
    label = pair("labels.bundles.rct_parts.numbers.attrition")
    w.number("attrition.overall", chosen["overall_attrition"], unit="share", label=label)
    w.number("attrition.differential", chosen["differential_attrition"], unit="share",
             label=label)  # fmt: skip
    w.number("attrition.max_differential", chosen["max_differential"], unit="share", label=label)
    w.number("attrition.rating", str(chosen["rating"]), unit="text", label=label)
    w.number("attrition.boundary", str(chosen["boundary"]), unit="text", label=label)
    tests = pd.concat(
        [attrition.response_test.tidy(), attrition.response_test_exact.tidy()], ignore_index=True
    )
    w.table("response_tests", tests, title=_TITLES["response_tests"], suppressed=False)
    for row in tests.itertuples(index=False):
        w.number(f"attrition.response_test.{row.method}", row.p_value, unit="p", label=label)
    if attrition.regression is not None:
        joint = attrition.regression.joint_tests
        w.table("attrition_joint_tests", joint, title=_TITLES["attrition_joint_tests"],
                suppressed=False)  # fmt: skip
        for row in joint.itertuples(index=False):
            w.number(f"attrition.joint.{row.test}", row.p_value, unit="p", label=label)
    estimates = attrition.estimates()
    w.table("attrition_estimates", estimates, title=_TITLES["attrition_estimates"],
            suppressed=False)  # fmt: skip
    for row in estimates.itertuples(index=False):
        for col in ("estimate", "lower", "upper", "ci_lower", "ci_upper"):
            w.number(f"attrition.{row.outcome}.{row.method}.{col}", getattr(row, col),
                     unit="share", label=label)  # fmt: skip
    w.data["attrition_stage"] = attrition.stage
    tightened = getattr(attrition, "lee_tightened", {})
    w.data["attrition_tighten_by"] = next(
        (b.tighten_by for b in tightened.values()), None
    )  # fmt: skip
    w.data["attrition_outcomes"] = list(dict.fromkeys(estimates["outcome"]))


def _mde_list(power: Any) -> list:
    if isinstance(power, Mapping):
        items = list(power.values())
    elif isinstance(power, Sequence) and not isinstance(power, str):
        items = list(power)
    else:
        items = [power]
    for item in items:
        if not hasattr(item, "detectable") or not hasattr(item, "sentence"):
            raise BundleError(
                "power: expected MDEResult(s) from impact.analysis.power.mde, got "
                f"{type(item).__name__}"
            )
    return items


def write_study_power(w, power: Any) -> None:
    """MDE of the study as run: one table row per outcome × direction, sentences in sv/en."""
    items = _mde_list(power)
    w.section("power")
    table = pd.concat([item.tidy() for item in items], ignore_index=True)
    w.table("study_power", table, title=_TITLES["study_power"], suppressed=False)
    for i, item in enumerate(items):
        w.text(f"power.sentence.{i}", {lang: item.sentence(lang) for lang in ("sv", "en")})
        for found in item.detectable:
            name = item.outcome or f"outcome_{i}"
            w.number(f"power.{name}.{found.direction}.mde_pp", found.mde_pp, unit="pp",
                     label=_TITLES["study_power"])  # fmt: skip
    w.data["power_sentences"] = [f"power.sentence.{i}" for i in range(len(items))]


def _tables_of(result: Any) -> tuple[dict[str, pd.DataFrame], bool]:
    if callable(getattr(result, "publishable", None)):
        found = result.publishable()
        tables = found if isinstance(found, Mapping) else {"": found}
        return dict(tables), True
    if callable(getattr(result, "tables", None)):
        return dict(result.tables()), False
    if callable(getattr(result, "tidy", None)):
        return {"": result.tidy()}, False
    raise BundleError(f"{type(result).__name__}: expected a Result with tidy()")


def _suppress_counts(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    counts = [
        c for c in table.columns
        if _COUNT.match(str(c)) and pd.api.types.is_numeric_dtype(table[c])
        and not pd.api.types.is_bool_dtype(table[c])
    ]  # fmt: skip
    if not counts:
        return table
    return suppress_small_cells(table, counts, None, threshold)


def write_optional(w, name: str, result: Any, threshold: int) -> None:
    """Write an optional section (``timing`` or ``register``) from any Result."""
    tables, already = _tables_of(result)
    w.section(name)
    names = []
    for key, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            continue
        table_name = name if key == "" else f"{name}_{key}"
        frame = frame.drop(columns=[c for c in ("note", "notes") if c in frame.columns])
        published = frame if already else _suppress_counts(frame, threshold)
        title = _TITLES.get(table_name) or {
            "sv": f"{_TITLES[name]['sv']}: {key}", "en": f"{_TITLES[name]['en']}: {key}"
        }  # fmt: skip
        w.table(table_name, published, title=title, suppressed=True)
        names.append(table_name)
    w.data[f"{name}_tables"] = names
    w.data[f"{name}_figures"] = _figures(w, name, result)
    if callable(getattr(result, "sentence", None)):
        w.text(f"{name}.sentence", {lang: result.sentence(lang) for lang in ("sv", "en")})


def _figures(w, name: str, result: Any) -> list[str]:
    per_lang: dict[str, dict[str, Any]] = {}
    for lang in ("sv", "en"):
        if callable(getattr(result, "figures", None)):
            found = result.figures(lang)
            per_lang[lang] = dict(found) if isinstance(found, Mapping) else {"": found}
        elif callable(getattr(result, "figure", None)):
            per_lang[lang] = {"": result.figure(lang)}
        else:
            return []
    names = []
    for key in per_lang["en"]:
        if key not in per_lang["sv"]:
            continue
        fig_name = name if key == "" else f"{name}_{key}"
        w.figure(fig_name, {lang: per_lang[lang][key] for lang in ("sv", "en")},
                 caption=_TITLES.get(fig_name, _TITLES[name]))  # fmt: skip
        names.append(fig_name)
    return names


__all__ = ["write_attrition", "write_optional", "write_study_power"]


_DESIGN_TITLE: dict[str, str] = pair("labels.design.bundle.title")


def write_design_based(w, rct: Any) -> None:
    """The design-based inference table: RI p and its test-inversion CI (percentage points),
    and the wild cluster bootstrap p when there are few clusters; the declared procedure."""
    wide = rct.results_table()
    columns = [c for c in ("ri_p", "ri_conf_low_pp", "ri_conf_high_pp", "wild_p")
               if c in wide.columns]  # fmt: skip
    if "ri_p" not in columns:
        return
    w.table("design_based", wide[["outcome", *columns]], title=_DESIGN_TITLE, suppressed=False)
    w.section("design_based")
    w.data["design_based"] = {
        "randomisation": rct.settings.get("randomisation"),
        "wild_bootstrap": "wild_p" in columns,
    }
