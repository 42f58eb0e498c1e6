"""Log-rank test of equal time-to-job curves across groups (optionally stratified).

The chi-square statistic and p-value come from statsmodels'
:func:`~statsmodels.duration.survfunc.survdiff` (as R's ``survival::survdiff`` with
``rho = 0``); the observed and expected numbers of jobs per group are computed here in the
usual way, summing ``n_group(t) · d(t) / n(t)`` over event times (within strata).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import survdiff

from impact.errors import AnalysisError
from impact.results import Result


def _expected(time: np.ndarray, event: np.ndarray, member: np.ndarray) -> float:
    """Expected events of the ``member`` rows under equal hazards."""
    total = 0.0
    for t in np.unique(time[event == 1]):
        at_risk = time >= t
        d = ((time == t) & (event == 1)).sum()
        total += (at_risk & member).sum() * d / at_risk.sum()
    return total


@dataclass(frozen=True)
class LogRankTest(Result):
    """Log-rank test result.

    Attributes
    ----------
    groups : DataFrame
        ``group``, ``n``, ``observed``, ``expected`` jobs.
    statistic : float
        Chi-square statistic.
    df : int
        Degrees of freedom (groups − 1).
    p_value : float
    strata : str or None
        Stratification column, if any.
    """

    groups: pd.DataFrame
    statistic: float
    df: int
    p_value: float
    strata: str | None = None
    title: str = "Log-rank test: time to first job"

    def tidy(self) -> pd.DataFrame:
        """Per-group counts with the test statistic repeated on every row."""
        out = self.groups.copy()
        out["statistic"] = self.statistic
        out["df"] = self.df
        out["p_value"] = self.p_value
        out["strata"] = self.strata or ""
        return out

    def summary(self) -> str:
        """One line: chi-square, df and p-value."""
        strat = f", stratified by {self.strata}" if self.strata else ""
        return (
            f"{self.title}{strat}: chi2 = {self.statistic:.3f}, df = {self.df}, "
            f"p = {self.p_value:.4f}"
        )


def logrank(persons: pd.DataFrame, *, strata: pd.Series | None = None) -> LogRankTest:
    """Log-rank test across the groups of the analysed people of ``job_times``.

    Parameters
    ----------
    persons : DataFrame
        Output of :func:`~impact.analysis.timing.episodes.job_times`.
    strata : Series, optional
        Stratum of each row of ``persons`` (e.g. the randomisation stratum); its ``name`` is
        reported.

    Returns
    -------
    LogRankTest

    Raises
    ------
    AnalysisError
        Fewer than two groups, or no job at all among the analysed.
    """
    used = persons["included"].to_numpy(bool)
    time = persons["time"].to_numpy(float)[used]
    event = persons["event"].to_numpy(int)[used]
    group = persons["group"].astype(str).to_numpy()[used]
    labels = np.unique(group)
    if len(labels) < 2:
        raise AnalysisError(f"log-rank test needs two groups; found {list(labels)}")
    if event.sum() == 0:
        raise AnalysisError("log-rank test: nobody among the analysed got a job")
    codes = np.searchsorted(labels, group)
    strata_codes = None
    name = None
    if strata is not None:
        name = str(strata.name) if strata.name is not None else "strata"
        values = strata.astype("string").fillna("(missing)").to_numpy(dtype=str)[used]
        strata_codes = np.unique(values, return_inverse=True)[1]
    chi2, p_value = survdiff(time, event, codes, strata=strata_codes)
    rows = []
    for k, label in enumerate(labels):
        member = codes == k
        if strata_codes is None:
            expected = _expected(time, event, member)
        else:
            expected = sum(
                _expected(
                    time[strata_codes == s], event[strata_codes == s], member[strata_codes == s]
                )
                for s in np.unique(strata_codes)
            )
        rows.append(
            {
                "group": label,
                "n": int(member.sum()),
                "observed": int(event[member].sum()),
                "expected": float(expected),
            }
        )
    groups = pd.DataFrame(rows)
    groups["group"] = groups["group"].astype("string")
    return LogRankTest(groups, float(chi2), len(labels) - 1, float(p_value), name)
