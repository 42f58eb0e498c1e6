"""Hazard models of time to first job: discrete-time logit and Cox proportional hazards.

*Discrete-time hazard.* The follow-ups observe employment only at the waves, so time is cut
into the intervals between wave months — with the default months (0, 2, 5, 7): ``[0, 2]``,
``(2, 5]``, ``(5, 7]``. Each analysed person contributes one row per interval in which they
were at risk (person-period data): ``job = 1`` in the interval where the job was seen, 0
before. A logit of ``job`` on interval dummies (the baseline hazard), the group and the
covariates is fitted with standard errors clustered by person (statsmodels ``cov_type =
"cluster"``, the CR1 small-sample factor ``G/(G−1)·(N−1)/(N−K)`` as ``sandwich::vcovCL``'s
``HC1``). Exponentiated coefficients are odds ratios of the interval hazard.

*Cox model.* statsmodels :class:`~statsmodels.duration.hazard_regression.PHReg` on the
imputed event times with Efron's method for ties (R ``coxph``'s default); exponentiated
coefficients are hazard ratios. Ties are many (jobs seen at the same wave), so the
discrete-time model is the more natural one for these data; the Cox model is a check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg

from impact.errors import AnalysisError
from impact.results import Result

from .design import build_design

MODEL_COLUMNS = [
    "model",
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "ratio",
    "ratio_lower",
    "ratio_upper",
    "n_persons",
    "n_rows",
    "n_events",
]


def person_periods(persons: pd.DataFrame, boundaries: Sequence[float]) -> pd.DataFrame:
    """Expand analysed people into one row per interval at risk.

    Parameters
    ----------
    persons : DataFrame
        Output of ``job_times`` (``included`` rows used; index kept in ``row``).
    boundaries : sequence of float
        Upper ends of the intervals (the later wave months, ascending).

    Returns
    -------
    DataFrame
        ``row`` (index of ``persons``), ``period`` (1-based interval number), ``period_end``,
        ``job`` (0/1).
    """
    ends = np.asarray(sorted(boundaries), float)
    rows = []
    used = persons[persons["included"]]
    for index, time, event, lower in zip(
        used.index, used["time"], used["event"], used["interval_lower"], strict=True
    ):
        if event == 1:
            # the job falls in the first interval ending at or after its time, and after the
            # last wave at which the person had no job
            k = int(np.searchsorted(ends, max(time, lower), side="left"))
            if k < len(ends) and ends[k] <= lower:
                k += 1
            k = min(k, len(ends) - 1)
            last, job = k, 1
        else:
            last, job = int(np.searchsorted(ends, time, side="right")) - 1, 0
        for j in range(last + 1):
            rows.append((index, j + 1, ends[j], int(job and j == last)))
    return pd.DataFrame(rows, columns=["row", "period", "period_end", "job"])


def _table(model: str, names, params, bse, z_crit, n_persons, n_rows, n_events) -> pd.DataFrame:
    params = np.asarray(params, float)
    bse = np.asarray(bse, float)
    statistic = params / bse
    return pd.DataFrame(
        {
            "model": model,
            "term": list(names),
            "estimate": params,
            "std_error": bse,
            "statistic": statistic,
            "p_value": 2.0 * stats.norm.sf(np.abs(statistic)),
            "ratio": np.exp(params),
            "ratio_lower": np.exp(params - z_crit * bse),
            "ratio_upper": np.exp(params + z_crit * bse),
            "n_persons": n_persons,
            "n_rows": n_rows,
            "n_events": n_events,
        }
    )


@dataclass(frozen=True)
class HazardModels(Result):
    """Coefficients of the discrete-time logit and the Cox model.

    Attributes
    ----------
    coefficients : DataFrame
        :data:`MODEL_COLUMNS`; ``model`` is ``discrete_logit`` or ``cox``; ``ratio`` is the
        odds ratio (logit) or hazard ratio (Cox).
    group_terms : list of str
        The terms comparing groups (e.g. ``arm[treatment]``).
    notes : list of str
        Rows dropped for missing covariates, dropped constant terms.
    """

    coefficients: pd.DataFrame
    group_terms: list[str]
    notes: list[str] = field(default_factory=list)
    title: str = "Hazard models: time to first job"

    def tidy(self) -> pd.DataFrame:
        """All coefficients (:data:`MODEL_COLUMNS`)."""
        return self.coefficients[MODEL_COLUMNS].copy()

    def group_effects(self) -> pd.DataFrame:
        """Only the group terms of both models."""
        t = self.tidy()
        return t[t["term"].isin(self.group_terms)].reset_index(drop=True)

    def summary(self) -> str:
        """The group terms as odds and hazard ratios."""
        lines = [self.title]
        for r in self.group_effects().itertuples():
            kind = "odds ratio" if r.model == "discrete_logit" else "hazard ratio"
            lines.append(
                f"  {r.model}: {r.term} {kind} {r.ratio:.2f} "
                f"[{r.ratio_lower:.2f}, {r.ratio_upper:.2f}], p = {r.p_value:.3f}"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _discrete_time_logit(
    kept: pd.DataFrame, matrix: pd.DataFrame, boundaries: Sequence[float], z_crit: float
) -> pd.DataFrame:
    """Logit of a job in each person-period on period dummies and the design, clustered by
    person."""
    periods = person_periods(kept, boundaries)
    dummies = pd.get_dummies(periods["period"], prefix="period", dtype=float)
    dummies.columns = [f"period[{c.split('_')[1]}]" for c in dummies.columns]
    x = pd.concat(
        [dummies.reset_index(drop=True), matrix.loc[periods["row"]].reset_index(drop=True)],
        axis=1,
    )
    try:
        logit = sm.Logit(periods["job"].to_numpy(float), x).fit(
            disp=0, cov_type="cluster", cov_kwds={"groups": periods["row"].to_numpy()}
        )
    except (np.linalg.LinAlgError, ValueError) as exc:  # perfect separation and friends
        raise AnalysisError(f"discrete-time hazard model could not be estimated: {exc}") from exc
    return _table(
        "discrete_logit",
        x.columns,
        logit.params,
        logit.bse,
        z_crit,
        len(kept),
        len(periods),
        int(periods["job"].sum()),
    )


def _cox(kept: pd.DataFrame, matrix: pd.DataFrame, z_crit: float) -> pd.DataFrame:
    """Cox proportional hazards on the design (Efron ties)."""
    cox_fit = PHReg(
        kept["time"].to_numpy(float),
        matrix.to_numpy(float),
        status=kept["event"].to_numpy(int),
        ties="efron",
    ).fit(disp=0)
    return _table(
        "cox",
        matrix.columns,
        cox_fit.params,
        cox_fit.bse,
        z_crit,
        len(kept),
        len(kept),
        int(kept["event"].sum()),
    )


def hazard_models(
    persons: pd.DataFrame,
    panel: pd.DataFrame,
    *,
    boundaries: Sequence[float],
    covariates: Sequence[str] = (),
    group_name: str = "arm",
    confidence_level: float = 0.95,
) -> HazardModels:
    """Fit the discrete-time logit (cluster-robust by person) and the Cox model.

    Parameters
    ----------
    persons : DataFrame
        Output of ``job_times`` (same index as ``panel``).
    panel : DataFrame
        The linked panel holding the ``covariates``.
    boundaries : sequence of float
        Interval ends of the discrete-time model (the later wave months).
    covariates : sequence of str
        Baseline covariates.
    group_name : str
        Name of the group terms.
    confidence_level : float
        Level of the ratio intervals.

    Returns
    -------
    HazardModels

    Raises
    ------
    AnalysisError
        Fewer than two groups, no jobs, or a model that cannot be estimated (separation).
    """
    used = persons[persons["included"]]
    if used["group"].nunique() < 2:
        raise AnalysisError(
            f"hazard models compare groups; found only {sorted(used['group'].unique())}"
        )
    design = build_design(panel.loc[used.index], used["group"], group_name, covariates)
    notes = list(design.notes)
    if design.n_missing:
        notes.append(f"{design.n_missing} person(s) left out for a missing covariate")
    kept = used.loc[design.matrix.index]
    if kept["event"].sum() == 0:
        raise AnalysisError("hazard models: nobody among the analysed got a job")
    z_crit = stats.norm.ppf(0.5 + confidence_level / 2.0)

    discrete = _discrete_time_logit(kept, design.matrix, boundaries, z_crit)
    cox = _cox(kept, design.matrix, z_crit)
    if not np.all(np.isfinite(discrete["std_error"])) or not np.all(np.isfinite(cox["std_error"])):
        raise AnalysisError(
            "hazard models: some standard errors are not finite (too few jobs for the number "
            "of covariates); drop covariates"
        )
    return HazardModels(pd.concat([discrete, cox], ignore_index=True), design.group_terms, notes)
