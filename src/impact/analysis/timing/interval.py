"""``interval_censored``: the time to a first job as what the waves say — an interval.

A job first reported at a wave started after the last wave without a job and no later than
that wave: ``(interval_lower, interval_upper]`` from
:func:`~impact.analysis.timing.episodes.job_times`; no job seen means "after the last answered
wave" (``upper = inf``). These analyses use only the intervals, not the reported start
months, so they do not depend on how well people remember when a job began:

* the Turnbull NPMLE of the cumulative share employed, by group
  (:mod:`~impact.analysis.timing.turnbull`);
* Weibull and log-logistic AFT regressions on the group and the baseline covariates
  (:mod:`~impact.analysis.timing.interval_regression`).

People counted as having a job at month 0 (``employed_at_baseline="event_at_start"``) have no
interval and are left out here (noted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.errors import AnalysisError, InputError
from impact.results import Result

from ._tidy import TIDY_COLUMNS, stack
from .design import build_design
from .episodes import BaselinePolicy, check_analysis_inputs, job_times
from .interval_regression import Distribution, IntervalRegression, interval_regression
from .turnbull import Turnbull, turnbull


@dataclass(frozen=True)
class IntervalCensored(Result):
    """Interval-censored time to a first job: Turnbull curves and AFT regressions.

    Attributes
    ----------
    intervals : DataFrame
        ``person_id``, ``group``, ``interval_lower``, ``interval_upper`` of the analysed.
    turnbull : Turnbull
    regression : IntervalRegression or None
        ``None`` with a single group.
    wave_months : dict
    settings : dict
    """

    intervals: pd.DataFrame
    turnbull: Turnbull
    regression: IntervalRegression | None
    wave_months: dict[str, float]
    settings: dict = field(default_factory=dict)
    title: str = "Time to first job, interval-censored (Turnbull, AFT)"

    def shares_at_waves(self) -> pd.DataFrame:
        """Cumulative share employed (Turnbull) at each wave month, by group."""
        months = sorted(self.wave_months.values())
        rows = []
        for group in sorted(self.turnbull.table["group"].unique()):
            surv = self.turnbull.survival_at(group, months)
            n = int((self.intervals["group"] == group).sum())
            rows += [
                {"group": group, "month": m, "employed_share": 1.0 - s, "n": n}
                for m, s in zip(months, surv, strict=True)
            ]
        return pd.DataFrame(rows)

    def tidy(self) -> pd.DataFrame:
        """Stacked: ``turnbull`` shares at the wave months and the ``aft_<dist>`` arm terms
        (``estimate`` = time ratio ``exp(β)`` with its interval; ``std_error`` of β)."""
        s = self.shares_at_waves()
        parts = [s.assign(part="turnbull", term="employed_share", estimate=s["employed_share"])]
        if self.regression is not None:
            r = self.regression.tidy()
            r = r[r["term"].isin(self.settings.get("group_terms", []))]
            parts.append(
                r.assign(
                    part="aft_" + r["model"],
                    estimate=r["time_ratio"],
                    ci_lower=np.exp(r["ci_lower"]),
                    ci_upper=np.exp(r["ci_upper"]),
                )
            )
        return stack(parts, TIDY_COLUMNS)

    def summary(self) -> str:
        """Turnbull shares at the last wave and the arm's time ratios."""
        last = max(self.wave_months.values())
        lines = [self.title]
        for r in self.shares_at_waves().itertuples():
            if r.month == last:
                lines.append(
                    f"{r.group}: {100 * r.employed_share:.1f} % employed by month "
                    f"{last:g} (Turnbull)"
                )
        for r in self.tidy().itertuples():
            if str(r.part).startswith("aft_"):
                lines.append(
                    f"{r.part}: {r.term} time ratio {r.estimate:.2f} "
                    f"[{r.ci_lower:.2f}, {r.ci_upper:.2f}], p = {r.p_value:.3f}"
                )
        lines += [f"  note: {n}" for n in self.settings.get("notes", [])]
        return "\n".join(lines)


def _regression(kept, panel, covariates, group_name, distributions, level, notes):
    design = build_design(panel.loc[kept.index], kept["group"], group_name, covariates)
    notes += design.notes
    if design.n_missing:
        notes.append(
            f"{design.n_missing} people with a missing covariate left out of the AFT models"
        )
    rows = kept.loc[design.matrix.index]
    reg = interval_regression(
        design.matrix,
        rows["interval_lower"].to_numpy(float),
        rows["interval_upper"].to_numpy(float),
        distributions=distributions,
        confidence_level=level,
    )
    return reg, design.group_terms


def interval_censored(
    panel: pd.DataFrame,
    *,
    wave_months: Mapping[str, float] | None = None,
    covariates: Sequence[str] = ("age", "education_level", "years_in_sweden"),
    group: str | None = "arm",
    employed_at_baseline: BaselinePolicy = "exclude",
    distributions: Sequence[Distribution] = ("weibull", "loglogistic"),
    confidence_level: float = 0.95,
) -> IntervalCensored:
    """Turnbull curves and interval-censored AFT models of the time to a first job.

    Parameters
    ----------
    panel : DataFrame
        Linked panel or indicator table, as for ``time_to_job``.
    wave_months, covariates, group, employed_at_baseline, confidence_level
        As in ``time_to_job``.
    distributions : sequence of {"weibull", "loglogistic"}
        AFT models to fit.

    Raises
    ------
    InputError
        Missing columns, invalid values or options.
    AnalysisError
        Nobody to analyse, or a model that does not converge.
    """
    level, months = check_analysis_inputs(panel, confidence_level, wave_months, covariates)
    wrong = [d for d in distributions if d not in ("weibull", "loglogistic")]
    if isinstance(distributions, str) or wrong or not distributions:
        raise InputError(
            "distributions must be a non-empty list of 'weibull' and/or 'loglogistic'; "
            f"got {distributions!r}"
        )
    persons = job_times(
        panel,
        wave_months=months,
        group=group,
        employed_at_baseline=employed_at_baseline,
        imputation="right",
    )
    persons.index = panel.index
    analysed = persons[persons["included"].to_numpy(bool)]
    at_zero = analysed["interval_upper"].to_numpy(float) <= 0.0
    notes = (
        [f"{int(at_zero.sum())} people with a job at month 0 left out (no interval)"]
        if at_zero.any()
        else []
    )
    kept = analysed[~at_zero]
    if kept.empty:
        raise AnalysisError("interval-censored analysis: nobody left to analyse")
    tb = turnbull(kept)
    reg, terms = None, []
    if kept["group"].nunique() >= 2:
        reg, terms = _regression(
            kept, panel, covariates, group or "group", tuple(distributions), level, notes
        )
    intervals = kept[["person_id", "group", "interval_lower", "interval_upper"]]
    settings = {
        "wave_months": months,
        "covariates": list(covariates),
        "group": group,
        "distributions": list(distributions),
        "confidence_level": level,
        "group_terms": terms,
        "turnbull_iterations": tb.iterations,
        "notes": notes,
    }
    return IntervalCensored(intervals.reset_index(drop=True), tb, reg, months, settings)


__all__ = ["IntervalCensored", "interval_censored"]
