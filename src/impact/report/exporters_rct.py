"""Write the results bundle of the technical report of a randomised study.

Parts: CONSORT flow, balance, ITT (specifications × outcomes, Fisher and randomisation p, Holm,
Benjamini–Hochberg and Westfall–Young adjustments), with a take-up column the effect of taking
part (CACE, :mod:`impact.report.exporters_rct_cace`), heterogeneity by subgroup, components →
job; optional attrition, power of the study as run, time to job and register comparison (see
:mod:`impact.report.exporters_rct_parts`). Count tables are small-cell suppressed with
:func:`impact.analysis.outcomes.suppress_small_cells`; estimates from a subgroup or cell with
fewer than ``threshold`` people in an arm are blanked.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from impact.analysis.outcomes.suppression import suppress_small_cells
from impact.analysis.rct.balance import BalanceResult
from impact.analysis.rct.figures import (
    balance_figure,
    consort_figure,
    effects_figure,
    subgroup_figure,
)
from impact.analysis.rct.labels import BALANCE as _BALANCE
from impact.analysis.rct.labels import LEVELS, OUTCOMES, TEXT
from impact.i18n import table
from impact.report.bundle import BundleError, bundle_writer
from impact.report.exporters_consort import declared_procedure_text, write_consort_checklist
from impact.report.exporters_cost import write_cost, write_declared_power
from impact.report.exporters_rct_cace import write_cace
from impact.report.exporters_rct_parts import (
    write_attrition,
    write_design_based,
    write_optional,
    write_study_power,
)

if TYPE_CHECKING:
    from impact.analysis.attrition import AttritionSummary
    from impact.analysis.power import MDEResult
    from impact.analysis.rct import RctAnalysis

_TITLES: dict[str, dict[str, str]] = table("labels.bundles.rct.titles")
_CAPTIONS: dict[str, dict[str, str]] = table("labels.bundles.rct.captions")
ITT_COLUMNS = (
    "outcome", "specification", "estimate_pp", "conf_low_pp", "conf_high_pp", "p_value",
    "control_mean", "treatment_mean", "n", "n_treatment", "n_control",
)  # fmt: skip


def _labels(w, rct) -> None:
    for ident, texts in OUTCOMES.items():
        w.label(ident, texts)
    for ident, texts in LEVELS.items():
        w.label(ident, texts)
    for key in ("treatment", "control", "total", "unadjusted", "additive", "lin", "logit_ame"):
        w.label(key, TEXT[key])
    for name in rct.settings.get("covariates", []):
        w.label(name, _COVARIATE_LABELS.get(name, {"sv": name, "en": name}))


_COVARIATE_LABELS: dict[str, dict[str, str]] = table("labels.bundles.rct.covariates")


def _consort(w, rct, threshold: int) -> None:
    table = rct.consort.tidy()[
        ["stage", "order", "arm", "n", "n_excluded", "percent_of_randomised"]
    ]
    table = table.copy()
    published = suppress_small_cells(
        table, ["n", "n_excluded"], {"percent_of_randomised": ("n",)}, threshold
    )
    w.table("consort", published, title=_TITLES["consort"], suppressed=True)
    counts = rct.consort.counts()
    for stage in counts.index:
        for arm in ("treatment", "control", "total"):
            if arm in counts.columns:
                value = int(counts.loc[stage, arm])
                shown = value if value == 0 or value >= threshold else None
                w.number(f"consort.{stage}.{arm}", shown, unit="count",
                         label={"sv": f"{stage} ({arm})", "en": f"{stage} ({arm})"})  # fmt: skip
    if all(v == 0 or v >= threshold for v in counts.to_numpy().ravel()):
        w.figure("consort", {lang: consort_figure(rct.consort, lang, small=threshold)
                            for lang in ("sv", "en")},
                 caption=_CAPTIONS["consort"])  # fmt: skip
    w.data["consort_stages"] = [str(s) for s in counts.index]


def _balance(w, rct, threshold: int) -> None:
    table = rct.balance.tidy()
    if table.empty:
        return
    w.section("balance")
    table = table.drop(columns=["note"], errors="ignore").copy()
    categorical = table["level"].fillna("").astype(str) != ""
    for arm in ("treatment", "control"):
        implied = (table[f"mean_{arm}"] * table[f"n_{arm}"]).round()
        table[f"x_{arm}"] = implied.where(categorical, np.nan).astype("Float64")
    dependent = ("mean_treatment", "mean_control", "sd_treatment", "sd_control", "smd",
                 "p_value", "difference", "difference_se", "difference_p")  # fmt: skip
    published = suppress_small_cells(
        table,
        ["n_treatment", "n_control", "x_treatment", "x_control"],
        {c: ("x_treatment", "x_control") for c in dependent if c in table.columns},
        threshold,
    )
    published = published.drop(columns=["x_treatment", "x_control"])
    w.table("balance", published, title=_TITLES["balance"], suppressed=True)
    joint = rct.balance.joint
    if isinstance(joint, pd.DataFrame) and len(joint):
        keep = [c for c in joint.columns if c != "note"]
        w.table("balance_joint", joint[keep], title=_TITLES["balance"], suppressed=False)
        _balance_joint_numbers(w, joint)
    shown = BalanceResult(published.assign(smd=pd.to_numeric(published["smd"])), joint)
    if shown.tidy()["smd"].notna().any():
        w.figure("balance", {lang: balance_figure(shown, lang) for lang in ("sv", "en")},
                 caption=_CAPTIONS["balance"])  # fmt: skip
    w.data["balance_max_abs_smd"] = float(np.nanmax(np.abs(table["smd"].to_numpy(dtype=float))))
    w.data["balance_se"] = "cluster" if (table["se_type"] == "stata").any() else "hc2"
    w.data["balance_samples"] = [str(v) for v in joint["sample"]] if len(joint) else []


def _balance_joint_numbers(w, joint: pd.DataFrame) -> None:
    """The omnibus test of each sample as key numbers (F, p and the randomisation p)."""
    for row in joint.itertuples():
        if pd.isna(getattr(row, "wald_f", np.nan)):
            continue
        sample = str(row.sample)
        label = {lang: f"{_BALANCE['joint_test'][lang]} ({sample})" for lang in ("sv", "en")}
        w.number(f"balance.{sample}.joint_f", float(row.wald_f), unit="number", label=label,
                 n=int(row.n))  # fmt: skip
        w.number(f"balance.{sample}.joint_p", float(row.wald_p), unit="p", label=label)
        ri = getattr(row, "ri_p", np.nan)
        w.number(f"balance.{sample}.joint_ri_p", None if pd.isna(ri) else float(ri), unit="p",
                 label=label)  # fmt: skip


def _itt(w, rct) -> None:
    est = rct.itt.tidy()
    table = est[list(ITT_COLUMNS)].copy()
    wide = rct.results_table()
    extra = [c for c in ("fisher_p", "ri_p", "holm_p", "fdr_bh_p", "westfall_young_p")
             if c in wide.columns]  # fmt: skip
    table = table.merge(wide[["outcome", *extra]], on="outcome", how="left")
    main = rct.settings.get("main_specification", "lin")
    # the multiple-testing adjustments belong to the main specification only
    for col in ("holm_p", "fdr_bh_p", "westfall_young_p"):
        if col in table.columns:
            table.loc[table["specification"] != main, col] = np.nan
    w.table("itt", table, title=_TITLES["itt"], suppressed=False)
    w.table("multiple_testing", rct.multiple_testing_table(), title=_TITLES["multiple_testing"],
            suppressed=False)  # fmt: skip
    for row in table.itertuples(index=False):
        base = f"itt.{row.outcome}.{row.specification}"
        lab = OUTCOMES.get(row.outcome, {"sv": row.outcome, "en": row.outcome})
        w.number(f"{base}.estimate_pp", row.estimate_pp, unit="pp", n=int(row.n), label=lab)
        w.number(f"{base}.conf_low_pp", row.conf_low_pp, unit="pp", n=int(row.n), label=lab)
        w.number(f"{base}.conf_high_pp", row.conf_high_pp, unit="pp", n=int(row.n), label=lab)
        w.number(f"{base}.p_value", row.p_value, unit="p", n=int(row.n), label=lab)
        if row.specification == main:
            for col in extra:
                w.number(f"{col}.{row.outcome}", getattr(row, col), unit="p", label=lab)
    outcomes = list(rct.settings.get("outcomes", []))
    level = float(rct.settings.get("confidence_level", 0.95))
    main_rows = table[(table["specification"] == main) & table["outcome"].isin(outcomes)]
    alpha = 1 - level
    w.data.update(
        {
            "outcomes": outcomes,
            "components": [c for c in rct.settings.get("components", []) if c not in outcomes],
            "specifications": list(dict.fromkeys(table["specification"])),
            "main_specification": main,
            "level": level,
            "alpha": alpha,
            "significant_main": main_rows.loc[main_rows["p_value"] < alpha, "outcome"].tolist(),
            "significant_any_test": sorted(
                set(table.loc[(table["p_value"] < alpha)
                              | (table.get("fisher_p", np.inf) < alpha)
                              | (table.get("ri_p", np.inf) < alpha), "outcome"])
            ),
            "settings": rct.settings,
        }
    )  # fmt: skip
    w.figure("effects", {lang: effects_figure(rct.itt, lang=lang) for lang in ("sv", "en")},
             caption=_CAPTIONS["effects"])  # fmt: skip


def _heterogeneity(w, rct, threshold: int) -> None:
    for group, het in rct.heterogeneity.items():
        table = het.tidy()
        if table.empty:
            continue
        w.section(f"heterogeneity_{group}")
        stats = ("estimate", "std_error", "p_value", "conf_low", "conf_high", "estimate_pp",
                 "conf_low_pp", "conf_high_pp", "control_mean")  # fmt: skip
        published = suppress_small_cells(
            table,
            ["n", "n_treatment", "n_control"],
            {c: ("n_treatment", "n_control") for c in stats if c in table.columns},
            threshold,
            additive=(("n", ("n_treatment", "n_control")),),
        )
        w.table(f"heterogeneity_{group}", published, title=_TITLES["heterogeneity"],
                suppressed=True)  # fmt: skip
        tests = het.tests.drop(columns=["note"], errors="ignore")
        w.table(f"heterogeneity_{group}_tests", tests, title=_TITLES["heterogeneity_tests"],
                suppressed=False)  # fmt: skip
        if not published["suppressed"].any():
            w.figure(f"heterogeneity_{group}",
                     {lang: subgroup_figure(het, lang) for lang in ("sv", "en")},
                     caption=_CAPTIONS["heterogeneity"])  # fmt: skip


def _components(w, rct, threshold: int) -> None:
    if rct.components is None:
        return
    w.section("components")
    table = rct.components.tidy().drop(columns=["note"], errors="ignore").copy()
    stats = [c for c in table.columns if c not in ("component", "outcome", "n", "n_with")]
    published = suppress_small_cells(
        table, ["n", "n_with"], {c: ("n_with", "n_without") for c in stats}, threshold,
        additive=(("n", ("n_with", "n_without")),),
    )  # fmt: skip
    w.table("components_job", published, title=_TITLES["components_job"], suppressed=True)
    w.data["components_job_outcome"] = rct.components.outcome


def write_rct_bundle(
    directory: str | os.PathLike[str],
    *,
    rct: RctAnalysis,
    attrition: AttritionSummary | None = None,
    power: MDEResult | Sequence[MDEResult] | Mapping[str, MDEResult] | None = None,
    timing: Any = None,
    register: Any = None,
    study: Mapping[str, Any],
    provenance: Mapping[str, Any],
    suppression_threshold: int = 5,
    cost: Any = None,
    plan: Any = None,
) -> Path:
    """Write the bundle of the technical RCT report.

    Parameters
    ----------
    directory : path
        Bundle directory (replaced atomically).
    rct : RctAnalysis
        From :func:`impact.analysis.rct.analyse_rct`.
    attrition : AttritionSummary, optional
        From :func:`impact.analysis.attrition.attrition_summary`.
    power : MDEResult, sequence or mapping of MDEResult, optional
        Power / MDE of the study as run (e.g. :func:`impact.analysis.power.mde` with the
        analysed arm sizes), one per outcome.
    timing, register : Result, optional
        Time to job (:mod:`impact.analysis.timing`) and the register comparison
        (:mod:`impact.analysis.matching`): any :class:`~impact.results.Result` whose
        ``tidy()`` is published (plus ``tables()`` / ``figure(lang)`` / ``sentence(lang)``
        when it has them); see :func:`impact.report.exporters_rct_parts.write_optional`.
    study, provenance : mapping
        As for :func:`impact.report.write_programme_bundle`.
    suppression_threshold : int
        Counts from 1 to threshold − 1 are suppressed.
    cost : CostEffectiveness, optional
        Cost per additional outcome (:func:`impact.analysis.cost.cost_effectiveness`), when
        the study file has ``costs:``.
    plan : StudyPlan, optional
        The plan of the design the study file declares (``power:``); without it the power
        section says that no design was declared.

    Returns
    -------
    Path
    """
    if not hasattr(rct, "consort") or not hasattr(rct, "itt"):
        raise BundleError(
            "rct: expected an RctAnalysis (impact.analysis.rct.analyse_rct), got "
            f"{type(rct).__name__}"
        )
    threshold = int(suppression_threshold)
    with bundle_writer(directory, "rct", study=study, provenance=provenance, name="rct") as w:
        w.data["suppression_threshold"] = threshold
        _labels(w, rct)
        _consort(w, rct, threshold)
        _balance(w, rct, threshold)
        _itt(w, rct)
        write_cace(w, rct, threshold)
        write_design_based(w, rct)
        _heterogeneity(w, rct, threshold)
        _components(w, rct, threshold)
        if attrition is not None:
            write_attrition(w, attrition)
        if power is not None:
            write_study_power(w, power)
        write_declared_power(w, plan)
        if cost is not None:
            write_cost(w, cost)
        if timing is not None:
            write_optional(w, "timing", timing, threshold)
        if register is not None:
            write_optional(w, "register", register, threshold)
        write_consort_checklist(w, rct, study=study, threshold=threshold, attrition=attrition,
                                power=power, timing=timing, register=register, cace=rct.cace,
                                procedure=declared_procedure_text(rct))  # fmt: skip
    return Path(directory)
