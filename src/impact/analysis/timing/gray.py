"""Gray's test: do the cumulative incidence curves of one event type differ between groups?

Gray (1988) compares the *subdistribution hazards* of the event of interest between ``K``
groups with a weighted log-rank-type score; the statistic ``s' V⁻¹ s`` is chi-square with
``K − 1`` degrees of freedom. This module computes the score and its variance as published
(weight ``(1 − F(t−))^ρ``, default ``ρ = 0``) and matches R's
``cmprsk::cuminc(ftime, fstatus, group)$Tests``. Stratified (e.g. by the randomisation
stratum), the score and its variance are computed within each stratum and summed before the
quadratic form, as ``cuminc(..., strata = )`` does (cmprsk's Fortran ``crstm``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from impact.errors import AnalysisError, InputError
from impact.results import Result


def _time_steps(time: np.ndarray, cause: np.ndarray, index: np.ndarray, n_groups: int):
    """Per distinct time: counts at risk, events of interest, other events by group."""
    grid = np.unique(time)
    pos = np.searchsorted(grid, time)
    risk = np.zeros((len(grid), n_groups))
    d1 = np.zeros((len(grid), n_groups))
    d2 = np.zeros((len(grid), n_groups))
    for g in range(n_groups):
        mine = index == g
        counts = np.bincount(pos[mine], minlength=len(grid))
        risk[:, g] = counts[::-1].cumsum()[::-1]
        d1[:, g] = np.bincount(pos[mine & (cause == 1)], minlength=len(grid))
        d2[:, g] = np.bincount(pos[mine & (cause == 2)], minlength=len(grid))
    return risk, d1, d2


def _variance_terms(state: dict, r, d1, d2, fm, f, fb, skmm, skm, f1m, n1):
    """Add one time's contributions to the score variance accumulators in ``state``."""
    ng = len(r)
    live = r > 0
    h = np.where(live, r / np.where(live, skmm, 1.0), 0.0)
    tr = h.sum()
    a = -fb * np.outer(h, h) / tr
    a[np.diag_indices(ng)] = fb * h * (1.0 - h / tr)
    a[~live, :] = 0.0
    a[:, ~live] = 0.0
    state["c"] += a * n1 / (tr * (1.0 - fm))
    c = state["c"]
    if n1 > 0:
        t4 = np.where(skm > 0, 1.0 - (1.0 - f) / np.where(skm > 0, skm, 1.0), 1.0)
        t5 = 1.0 - (n1 - 1.0) / (tr * skmm - 1.0) if n1 > 1 else np.ones(ng)
        t3 = np.where(live, t5 * skmm * n1 / (tr * np.where(live, r, 1.0)), 0.0)
        state["v3"] += t4 * t4 * t3
        b = a[:-1, :] - t4 * c[:-1, :]
        state["v2"] += b * t4 * t3
        state["v"] += (b * t3) @ b.T
    other = (skm > 0) & (d2 > 0)
    if other.any():
        t4 = np.where(other, (1.0 - f) / np.where(other, skm, 1.0), 0.0)
        t5 = np.where(d2 > 1, 1.0 - (d2 - 1.0) / np.where(r > 1, r - 1.0, 1.0), 1.0)
        t3 = np.where(other, t5 * skmm**2 * d2 / np.where(live, r, 1.0) ** 2, 0.0)
        state["v3"] += t4 * t4 * t3
        b = t4 * c[:-1, :]
        state["v2"] -= b * t4 * t3
        state["v"] += (b * t3) @ b.T


def gray_score(
    time: np.ndarray, cause: np.ndarray, index: np.ndarray, n_groups: int, rho: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Gray's score for the first ``n_groups − 1`` groups and its covariance.

    ``cause`` is 1 for the event of interest, 2 for a competing event, 0 for censoring;
    ``index`` is the group number ``0 … n_groups − 1``.
    """
    risk, d1, d2 = _time_steps(time, cause, index, n_groups)
    ng = n_groups
    f1m, skmm = np.zeros(ng), np.ones(ng)
    fm = 0.0
    score = np.zeros(ng - 1)
    state = {
        "c": np.zeros((ng, ng)),
        "v3": np.zeros(ng),
        "v2": np.zeros((ng - 1, ng)),
        "v": np.zeros((ng - 1, ng - 1)),
    }
    for j in range(risk.shape[0]):
        r, e1, e2 = risk[j], d1[j], d2[j]
        n1 = e1.sum()
        if n1 == 0 and e2.sum() == 0:
            continue
        live = r > 0
        safe = np.where(live, r, 1.0)
        skm = np.where(live, skmm * (r - e1 - e2) / safe, skmm)
        f1 = np.where(live, f1m + skmm * e1 / safe, f1m)
        tr = np.sum(np.where(live, r / skmm, 0.0))
        tq = np.sum(np.where(live, r * (1.0 - f1m) / skmm, 0.0))
        f = fm + n1 / tr
        fb = (1.0 - fm) ** rho
        score += np.where(live, fb * (e1 - n1 * r * (1.0 - f1m) / (skmm * tq)), 0.0)[:-1]
        _variance_terms(state, r, e1, e2, fm, f, fb, skmm, skm, f1m, n1)
        fm, f1m, skmm = f, f1, skm
    c, v3, v2 = state["c"], state["v3"], state["v2"]
    v = state["v"] + (c[:-1] * v3) @ c[:-1].T + c[:-1] @ v2.T + v2 @ c[:-1].T
    return score, v


def stratified_gray_score(
    time: np.ndarray,
    cause: np.ndarray,
    index: np.ndarray,
    n_groups: int,
    strata: np.ndarray,
    rho: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Gray's score and covariance summed over the strata (codes in ``strata``)."""
    score, v = np.zeros(n_groups - 1), np.zeros((n_groups - 1, n_groups - 1))
    for s in np.unique(strata):
        mine = strata == s
        s_score, s_v = gray_score(time[mine], cause[mine], index[mine], n_groups, rho)
        score += s_score
        v += s_v
    return score, v


def _strata_codes(strata: pd.Series | None, events: pd.DataFrame) -> np.ndarray | None:
    """Stratum number of each row of ``events`` (``None`` unstratified); missing values
    are refused."""
    if strata is None:
        return None
    name = str(strata.name) if strata.name is not None else "strata"
    if len(strata) != len(events):
        raise InputError(
            f"strata {name!r}: {len(strata)} values for {len(events)} analysed people; "
            "give one stratum per row"
        )
    missing = strata.isna().to_numpy()
    if missing.any():
        raise InputError(
            f"strata column {name!r}: {int(missing.sum())} analysed people have no stratum; "
            "fill in every person's stratum or leave strata out"
        )
    return np.unique(strata.astype(str).to_numpy(), return_inverse=True)[1]


@dataclass(frozen=True)
class GrayTest(Result):
    """Gray's test for each competing event type (``event``, ``statistic``, ``df``,
    ``p_value``, ``n``; with ``strata`` also a ``strata`` column)."""

    table: pd.DataFrame
    strata: str | None = None
    title: str = "Gray's test of cumulative incidence"

    def tidy(self) -> pd.DataFrame:
        """One row per event type."""
        out = self.table.copy()
        if self.strata:
            out["strata"] = self.strata
        return out


def gray_test(
    events: pd.DataFrame,
    *,
    states: list[str],
    rho: float = 0.0,
    strata: pd.Series | None = None,
) -> GrayTest:
    """Gray's K-sample test of the cumulative incidence of each event type across groups.

    Parameters
    ----------
    events : DataFrame
        Analysed people with ``group``, ``time`` and ``event_type``.
    states : list of str
        The competing event types (anything else is censoring).
    rho : float
        Power of the weight ``(1 − F(t−))^ρ`` (0 as ``cuminc``'s default).
    strata : Series, optional
        Stratum of each row of ``events`` (e.g. the randomisation stratum; its ``name`` is
        reported): the test is then stratified as ``cuminc(..., strata = )``.

    Raises
    ------
    InputError
        ``strata`` of the wrong length or with missing values.
    AnalysisError
        Fewer than two groups.
    """
    labels = sorted(events["group"].astype(str).unique())
    if len(labels) < 2:
        raise AnalysisError(f"Gray's test needs two or more groups; got {labels}")
    index = np.searchsorted(labels, events["group"].astype(str).to_numpy())
    codes = _strata_codes(strata, events)
    time = events["time"].to_numpy(float)
    kind = events["event_type"].astype(str).to_numpy()
    rows = []
    for state in states:
        cause = np.where(kind == state, 1, np.where(np.isin(kind, states), 2, 0))
        df = len(labels) - 1
        if not (cause == 1).any():  # no events of this type: nothing to compare
            rows.append(
                {"event": state, "statistic": np.nan, "df": df, "p_value": np.nan, "n": len(time)}
            )
            continue
        if codes is None:
            score, v = gray_score(time, cause, index, len(labels), rho)
        else:
            score, v = stratified_gray_score(time, cause, index, len(labels), codes, rho)
        try:
            statistic = float(score @ np.linalg.solve(v, score))
        except np.linalg.LinAlgError:  # no variation to test (e.g. all events in one group)
            statistic = np.nan
        rows.append(
            {
                "event": state,
                "statistic": statistic,
                "df": df,
                "p_value": float(stats.chi2.sf(statistic, df)),
                "n": len(time),
            }
        )
    table = pd.DataFrame(rows)
    table["event"] = table["event"].astype("string")
    name = None if strata is None else str(strata.name or "strata")
    return GrayTest(table, name)
