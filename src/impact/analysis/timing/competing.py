"""``competing_risks``: job, education and leaving the programme as competing first events.

Per person the first event (:func:`~impact.analysis.timing.competing_events.competing_events`),
then by group the Aalen–Johansen cumulative incidence of each event type, Gray's test of
equal cumulative incidence, and Fine–Gray subdistribution hazard models on the group and the
baseline covariates. See ``docs/timing.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from impact.errors import AnalysisError
from impact.results import Result

from ._checks import require_columns
from ._tidy import COMPETING_TIDY_COLUMNS, stack
from .aalen_johansen import CumulativeIncidence, cumulative_incidence
from .competing_events import EVENT_TYPES, competing_events
from .design import build_design
from .episodes import BaselinePolicy, Imputation, check_analysis_inputs
from .fine_gray import FineGray, fine_gray
from .gray import GrayTest, gray_test

#: The competing event types (everything but censoring).
STATES = list(EVENT_TYPES[1:])


@dataclass(frozen=True)
class CompetingRisks(Result):
    """Competing first events: cumulative incidence, Gray's test, Fine–Gray models.

    Attributes
    ----------
    events : DataFrame
        Per-person first event (see ``competing_events``).
    cif : CumulativeIncidence
        Aalen–Johansen curves by group and event type.
    gray : GrayTest or None
        ``None`` with a single group.
    fine_gray : FineGray or None
        ``None`` with a single group.
    wave_months : dict
    settings : dict
    """

    events: pd.DataFrame
    cif: CumulativeIncidence
    gray: GrayTest | None
    fine_gray: FineGray | None
    wave_months: dict[str, float]
    settings: dict = field(default_factory=dict)
    title: str = "Competing first events: job, education, left the programme"

    def at_waves(self) -> pd.DataFrame:
        """Cumulative incidence of each event type at the wave months, by group."""
        return self.cif.at(sorted(self.wave_months.values()))

    def tidy(self) -> pd.DataFrame:
        """Stacked: ``cumulative_incidence`` at the wave months, ``gray`` tests and
        ``fine_gray`` group terms (``estimate`` = subdistribution hazard ratio)."""
        at = self.at_waves()
        analysed = self.events.groupby("group")["person_id"].count()
        parts = [
            at.assign(
                part="cumulative_incidence",
                event=at["state"],
                term="share",
                n=at["group"].map(analysed),
            )
        ]
        if self.gray is not None:
            g = self.gray.tidy()
            parts.append(g.assign(part="gray", term="chi_square"))
        if self.fine_gray is not None:
            f = self.fine_gray.group_effects()
            parts.append(
                f.assign(
                    part="fine_gray",
                    estimate=f["hazard_ratio"],
                    ci_lower=f["ratio_lower"],
                    ci_upper=f["ratio_upper"],
                )
            )
        return stack(parts, COMPETING_TIDY_COLUMNS)

    def summary(self) -> str:
        """Shares by the last wave per group and event type, Gray's tests, arm effects."""
        last = max(self.wave_months.values())
        lines = [self.title, f"Analysed: {len(self.events)}"]
        for r in self.cif.at([last]).itertuples():
            lines.append(
                f"{r.group}: {100 * r.estimate:.1f} % {r.state} by month {last:g} "
                f"[{100 * r.ci_lower:.1f}, {100 * r.ci_upper:.1f}]"
            )
        if self.gray is not None:
            strat = f", stratified by {self.gray.strata}" if self.gray.strata else ""
            for r in self.gray.tidy().itertuples():
                lines.append(
                    f"Gray's test ({r.event}{strat}): chi2 = {r.statistic:.2f}, "
                    f"df = {r.df}, p = {r.p_value:.3f}"
                )
        if self.fine_gray is not None:
            for r in self.fine_gray.group_effects().itertuples():
                lines.append(
                    f"Fine–Gray ({r.event}): {r.term} subdistribution HR "
                    f"{r.hazard_ratio:.2f} [{r.ratio_lower:.2f}, {r.ratio_upper:.2f}], "
                    f"p = {r.p_value:.3f}"
                )
            lines += [f"  note: {n}" for n in self.fine_gray.notes]
        return "\n".join(lines)

    def figure(self, lang: str = "en"):
        """Stacked cumulative incidence of job, education and leaving by group."""
        from .figures_competing import cumulative_incidence_figure

        return cumulative_incidence_figure(self.cif, self.wave_months, lang)


def _models(
    events: pd.DataFrame,
    panel: pd.DataFrame,
    covariates: Sequence[str],
    group_name: str,
    level: float,
    strata: str | None = None,
) -> tuple[GrayTest, FineGray, list[str]]:
    """Gray's tests on everyone analysed (stratified by ``strata`` when given); Fine–Gray
    models on the complete cases."""
    by = panel.loc[events.index, strata] if strata else None
    gray = gray_test(events, states=STATES, strata=by)
    design = build_design(panel.loc[events.index], events["group"], group_name, covariates)
    notes = list(design.notes)
    if design.n_missing:
        notes.append(
            f"{design.n_missing} people with a missing covariate left out of the Fine–Gray models"
        )
    kept = events.loc[design.matrix.index]
    fg = fine_gray(
        kept, design.matrix, states=STATES, group_terms=design.group_terms, confidence_level=level
    )
    return gray, fg, notes + fg.notes


def competing_risks(
    panel: pd.DataFrame,
    *,
    wave_months: Mapping[str, float] | None = None,
    covariates: Sequence[str] = ("age", "education_level", "years_in_sweden"),
    group: str | None = "arm",
    left_month: str | None = "left_month",
    employed_at_baseline: BaselinePolicy = "exclude",
    imputation: Imputation = "reported",
    confidence_level: float = 0.95,
    strata: str | None = None,
) -> CompetingRisks:
    """Job, education and leaving the programme as competing first events, by group.

    Parameters
    ----------
    panel : DataFrame
        Linked panel or indicator table (one row per person): the wave employment columns as
        for :func:`~impact.analysis.timing.analysis.time_to_job`, ``<wave>_in_education``
        (yes/no, optional) and ``left_month`` (optional).
    wave_months, covariates, group, employed_at_baseline, imputation, confidence_level
        As in ``time_to_job``.
    left_month : str or None
        Column with the month the person left the programme early (used when present).
    strata : str, optional
        Column to stratify Gray's test by (e.g. ``stratum``, the randomisation stratum), as
        ``cmprsk::cuminc(..., strata = )``; every analysed person needs a value.

    Returns
    -------
    CompetingRisks

    Raises
    ------
    InputError
        Missing columns, invalid values or options.
    AnalysisError
        Nobody to analyse, or a model that cannot be estimated.
    """
    level, months = check_analysis_inputs(panel, confidence_level, wave_months, covariates)
    if strata is not None:
        require_columns(panel, [strata], "strata")
    events = competing_events(
        panel,
        wave_months=months,
        group=group,
        left_month=left_month,
        employed_at_baseline=employed_at_baseline,
        imputation=imputation,
    )
    events.index = panel.index
    analysed = events[events["included"].to_numpy(bool)]
    if analysed.empty:
        raise AnalysisError("competing risks: nobody left to analyse (see the exclusions)")
    cif = cumulative_incidence(analysed, states=STATES, confidence_level=level)
    gray = fg = None
    notes: list[str] = []
    if analysed["group"].nunique() >= 2:
        gray, fg, notes = _models(analysed, panel, covariates, group or "group", level, strata)
    settings = {
        "wave_months": months,
        "covariates": list(covariates),
        "group": group,
        "left_month": left_month if left_month in panel.columns else None,
        "education_columns": [c for c in panel.columns if c.endswith("_in_education")],
        "employed_at_baseline": employed_at_baseline,
        "imputation": imputation,
        "confidence_level": level,
        "strata": strata,
        "notes": notes,
    }
    counts = analysed["event_type"].value_counts()
    settings["events"] = {k: int(counts.get(k, 0)) for k in EVENT_TYPES}
    return CompetingRisks(analysed.reset_index(drop=True), cif, gray, fg, months, settings)


__all__ = ["STATES", "CompetingRisks", "competing_risks"]
