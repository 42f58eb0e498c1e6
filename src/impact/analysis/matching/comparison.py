"""``register_comparison``: matched comparison of register outcomes under several specifications."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact.engines.selection import Engine
from impact.engines.sessions import EngineSession
from impact.errors import InputError
from impact.escaping import write_csv
from impact.figures import save_figure
from impact.i18n import LANGUAGES, check_lang
from impact.outputs import result_folder
from impact.outputs.result_texts import write_summary_and_settings
from impact.results import Result

from .figures import event_study_figure, love_plot, rates_figure, specifications_figure
from .inputs import OUTCOMES, check_months, check_persons
from .matcher import match_persons
from .sensitivity import sensitivity_sentence, sensitivity_table
from .spec import (
    DEFAULT_COARSEN,
    DEFAULT_EXACT,
    Cutpoints,
    MatchSpec,
    Method,
    resolve_specifications,
)
from .specification import SpecificationResult, analyse_specification, everyone

log = logging.getLogger(__name__)

ESTIMATORS = ("end_difference", "adjusted", "did")


@dataclass(frozen=True)
class RegisterComparison(Result):
    """Register-based matched comparison: unmatched and matched estimates side by side.

    Attributes
    ----------
    specifications : dict
        ``{name: SpecificationResult}``; ``main`` first, then the alternatives.
    unmatched : SpecificationResult
        The naive comparison with every external person (weights 1).
    outcome : str
        ``employed`` or ``wage_income``.
    end_month, reference_month : int
    settings : dict
    """

    specifications: dict[str, SpecificationResult]
    unmatched: SpecificationResult
    outcome: str
    end_month: int
    reference_month: int
    settings: dict = field(default_factory=dict)
    title: str = "Register comparison (matched)"

    @property
    def main(self) -> SpecificationResult:
        """The main specification."""
        return self.specifications["main"]

    def tidy(self) -> pd.DataFrame:
        """One row per specification × estimator (``unmatched`` first), with max |SMD| after."""
        parts = []
        for result in [self.unmatched, *self.specifications.values()]:
            t = result.tidy()
            t["method"] = "none" if result is self.unmatched else result.matched.spec.method
            t["max_abs_smd"] = result.balance.max_abs_smd
            counts = result.matched.tidy().set_index("group")
            t["n_intervention"] = int(counts.loc["intervention", "n_matched"])
            t["n_comparison"] = int(counts.loc["external", "n_matched"])
            parts.append(t)
        out = pd.concat(parts, ignore_index=True)
        for column in ("specification", "estimator", "method"):
            out[column] = out[column].astype("string")
        return out

    def balance_table(self) -> pd.DataFrame:
        """Balance of every specification stacked (``specification`` column first)."""
        return pd.concat(
            [r.balance.tidy().assign(specification=n) for n, r in self.specifications.items()],
            ignore_index=True,
        )[["specification", *self.main.balance.tidy().columns]]

    def sensitivity_table(self) -> pd.DataFrame:
        """E-values and Rosenbaum bounds per matched specification × estimator."""
        return sensitivity_table(self.specifications)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The published tables: the estimates (``""``) and their sensitivity."""
        return {"": self.tidy(), "sensitivity": self.sensitivity_table()}

    def sentence(self, lang: str = "en") -> str:
        """The main estimate's sensitivity to unmeasured confounding, in plain language."""
        return sensitivity_sentence(self.sensitivity_table(), lang)

    def summary(self) -> str:
        """The main estimate, the naive one, and how the estimate moves across specifications."""
        unit = "percentage points" if self.outcome == "employed" else "SEK"
        scale = 100.0 if self.outcome == "employed" else 1.0

        def fmt(row) -> str:
            low, high = scale * row["ci_lower"], scale * row["ci_upper"]
            return (
                f"{scale * row['estimate']:+.1f} {unit} [{low:+.1f}, {high:+.1f}], "
                f"p = {row['p_value']:.3f}"
            )

        t = self.tidy()
        end = t[t["estimator"] == "end_difference"].set_index("specification")
        adj = t[t["estimator"] == "adjusted"].set_index("specification")
        lines = [
            self.title,
            f"Outcome: {self.outcome} in month {self.end_month} (study start = month 0).",
            self.main.matched.summary(),
            self.main.balance.summary(),
            f"Main estimate (difference at study end): {fmt(end.loc['main'])}",
            f"  adjusted for the matching variables: {fmt(adj.loc['main'])}",
            f"Unmatched comparison (all external persons): {fmt(end.loc['unmatched'])}",
            "Sensitivity to the matching choice:",
        ]
        for name, result in self.specifications.items():
            lines.append(
                f"  {name} ({result.matched.spec.describe()}): {fmt(end.loc[name])}; "
                f"max |SMD| {result.balance.max_abs_smd:.3f}"
            )
        spread = end.drop(index="unmatched")["estimate"]
        lines.append(
            f"Across matched specifications the estimate ranges from {scale * spread.min():+.1f} "
            f"to {scale * spread.max():+.1f} {unit}. Matching removes only differences in the "
            "matched register variables; selection into the programme on anything else "
            "(motivation, networks, language) is not removed, so this is a comparison, not a "
            "randomised effect."
        )
        lines.append(self.sentence("en"))
        return "\n".join(lines)

    def write(
        self,
        directory: str | os.PathLike[str],
        *,
        languages: Sequence[str] = LANGUAGES,
        formats: Sequence[str] = ("png", "svg"),
    ) -> Path:
        """Write tables (CSV), figures and a summary into ``directory`` (replaced atomically).

        Files: ``register_comparison.csv`` (tidy), ``balance.csv``, ``matched_counts.csv``,
        ``sensitivity.csv`` (E-values, Rosenbaum bounds), ``matched_set_<spec>.csv``
        (person_id, group, weight, subclass), ``rates_<spec>.csv``,
        ``event_study_<spec>.csv``, ``summary.txt``, ``settings.json``; figures per language:
        ``love_plot_<spec>_<lang>``, ``rates_<spec>_<lang>``, ``event_study_main_<lang>``,
        ``specifications_<lang>``.
        """
        for lang in languages:
            check_lang(lang, "languages")
        level = float(self.settings.get("confidence_level", 0.95))
        with result_folder(directory) as out:
            self._write_tables(out)
            for lang in languages:
                self._write_figures(out, lang, formats, level)
            write_summary_and_settings(out, self.summary(), self.settings)
        return Path(directory)

    def _write_tables(self, out: Path) -> None:
        """The CSV tables of :meth:`write`."""
        write_csv(self.tidy(), out / "register_comparison.csv", index=False)
        write_csv(self.balance_table(), out / "balance.csv", index=False)
        write_csv(self.sensitivity_table(), out / "sensitivity.csv", index=False)
        counts = [r.matched.tidy().assign(specification=n) for n, r in self.specifications.items()]
        write_csv(pd.concat(counts, ignore_index=True), out / "matched_counts.csv", index=False)
        write_csv(self.unmatched.rates, out / "rates_unmatched.csv", index=False)
        for name, result in self.specifications.items():
            columns = ["person_id", "group", "weight", "subclass"]
            matched = result.matched.persons
            write_csv(
                matched.loc[matched["weight"] > 0, columns],
                out / f"matched_set_{name}.csv",
                index=False,
            )
            write_csv(result.rates, out / f"rates_{name}.csv", index=False)
            write_csv(result.events, out / f"event_study_{name}.csv", index=False)

    def _write_figures(self, out: Path, lang: str, formats: Sequence[str], level: float) -> None:
        """The figures of :meth:`write` in one language."""
        for name, result in self.specifications.items():
            save_figure(
                love_plot(result.balance.tidy(), lang, result.balance.threshold),
                out / f"love_plot_{name}_{lang}",
                formats,
            )
            save_figure(
                rates_figure(result.rates, lang, outcome=self.outcome, level=level),
                out / f"rates_{name}_{lang}",
                formats,
            )
        save_figure(
            event_study_figure(self.main.events, lang, reference_month=self.reference_month),
            out / f"event_study_main_{lang}",
            formats,
        )
        save_figure(
            specifications_figure(self.tidy(), lang),
            out / f"specifications_{lang}",
            formats,
        )


def register_comparison(
    persons: pd.DataFrame,
    months: pd.DataFrame,
    *,
    exact: Sequence[str] = DEFAULT_EXACT,
    coarsen: Mapping[str, Cutpoints] | None = None,
    method: Method = "nearest",
    ratio: int = 3,
    replace: bool = False,
    caliper: float | None = None,
    specifications: Mapping[str, MatchSpec | Mapping] | None = None,
    outcome: str = "employed",
    end_month: int | None = None,
    reference_month: int = 0,
    confidence_level: float = 0.95,
    engine: Engine = "pandas",
    session: EngineSession | None = None,
) -> RegisterComparison:
    """Compare intervention members with matched external persons in the register.

    Parameters
    ----------
    persons : DataFrame
        ``register_persons`` (``person_id``, ``group`` intervention/external, matching
        variables).
    months : DataFrame
        ``register_months`` (``person_id``, ``month``, ``employed``, ``wage_income``).
    exact : sequence of str
        Variables matched exactly (default sex, citizenship, county, education level,
        immigration period, employment at start).
    coarsen : mapping, optional
        Further variables → cutpoints (default birth year in 3-year bins); see
        :class:`~impact.analysis.matching.spec.MatchSpec` for their role in each method.
    method : {"exact", "cem", "nearest", "propensity"}
        Main specification's method (default nearest neighbour, as the 3:1 register check).
    ratio : int
        Controls per member (nearest/propensity).
    replace : bool
        Matching with replacement (nearest/propensity).
    caliper : float, optional
        Propensity caliper in standard deviations of the score.
    specifications : mapping, optional
        Alternative specifications ``{name: MatchSpec or options}`` run beside the main one;
        default: CEM on the same variables and propensity 3:1 with a 0.2 SD caliper.
    outcome : {"employed", "wage_income"}
        Monthly register outcome.
    end_month : int, optional
        Month of the end-of-study comparison (default the last month in ``months``).
    reference_month : int
        Last pre-period month for the DiD and the event study (default 0, study start).
    confidence_level : float
    engine : {"pandas", "duckdb", "spark"}
        Where the exact and CEM specifications make their cells (:func:`match_persons`); the
        result is the same on every engine.
    session : EngineSession, optional
        An open session of ``engine`` (default: one opened per specification).

    Returns
    -------
    RegisterComparison
    """
    main = MatchSpec(
        method=method,
        exact=tuple(exact),
        coarsen=dict(DEFAULT_COARSEN if coarsen is None else coarsen),
        ratio=ratio,
        replace=replace,
        caliper=caliper,
    )
    specs = resolve_specifications(main, specifications)
    if outcome not in OUTCOMES:
        raise InputError(f"outcome must be one of {', '.join(OUTCOMES)}; got {outcome!r}")
    if not 0.0 < float(confidence_level) < 1.0:
        raise InputError(f"confidence_level must be between 0 and 1; got {confidence_level!r}")
    all_vars = list(dict.fromkeys(v for s in specs.values() for v in s.variables))
    checked = check_persons(persons, all_vars)
    long = check_months(months, checked, outcome)
    end = int(long["month"].max()) if end_month is None else int(end_month)
    if end not in set(long["month"]):
        raise InputError(f"end_month {end} is not a month of register_months")
    options = {
        "end_month": end,
        "reference_month": int(reference_month),
        "level": float(confidence_level),
        "share": outcome == "employed",
    }
    results = {
        name: analyse_specification(
            name, match_persons(persons, spec, engine=engine, session=session), long, **options
        )
        for name, spec in specs.items()
    }
    naive = everyone(results["main"].matched)
    unmatched = analyse_specification("unmatched", naive, long, **options)
    settings = {
        "specifications": {n: s.as_dict() for n, s in specs.items()},
        "outcome": outcome,
        "end_month": end,
        "reference_month": int(reference_month),
        "confidence_level": float(confidence_level),
        "months": [int(long["month"].min()), int(long["month"].max())],
    }
    log.info("register comparison: %d specifications", len(results))
    return RegisterComparison(results, unmatched, outcome, end, int(reference_month), settings)
