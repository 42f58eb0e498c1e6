"""Fine–Gray regression of the subdistribution hazard of one event type.

Fine & Gray (1999): people who had a *competing* event stay in the risk set after it, with
the weight ``G(t−) / G(T_j−)`` (``G`` = Kaplan–Meier of the censoring distribution), so the
coefficients describe the cumulative incidence directly: ``exp(β)`` is a subdistribution
hazard ratio. Estimation maximises the weighted partial likelihood by Newton–Raphson; the
variance is the published sandwich ``Ω⁻¹ Σ (η_i + ψ_i)(η_i + ψ_i)' Ω⁻¹``, where ``ψ_i``
accounts for the estimated censoring weights. Matches R's ``cmprsk::crr`` (one censoring
group, fixed covariates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from impact.errors import AnalysisError
from impact.results import Result


def censoring_left_limit(time: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """Kaplan–Meier of the censoring times, just before each of ``time`` (``G(t−)``)."""
    grid = np.unique(time)
    at_risk = len(time) - np.searchsorted(np.sort(time), grid, side="left")
    n_cens = np.bincount(np.searchsorted(grid, time[censored]), minlength=len(grid))
    g_after = np.cumprod(1.0 - n_cens / at_risk)
    g_before = np.concatenate([[1.0], g_after[:-1]])
    return g_before[np.searchsorted(grid, time)]


def _weights(time: np.ndarray, status: np.ndarray, g_minus: np.ndarray, fail_times: np.ndarray):
    """Risk-set weights: rows are the distinct failure times, columns the people."""
    at_risk = time[None, :] >= fail_times[:, None]
    g_fail = np.interp(fail_times, time, g_minus)  # G(t−) of a failure time (it is a data time)
    competing = (status == 2)[None, :] & ~at_risk
    return np.where(at_risk, 1.0, np.where(competing, g_fail[:, None] / g_minus[None, :], 0.0))


def _sums(w: np.ndarray, x: np.ndarray, beta: np.ndarray):
    risk = w * np.exp(x @ beta)[None, :]
    s0 = risk.sum(axis=1)
    xbar = (risk @ x) / s0[:, None]
    return risk, s0, xbar


def _newton(x, w, d, fail_x, tol: float, max_iter: int) -> np.ndarray:
    beta = np.zeros(x.shape[1])
    for _ in range(max_iter):
        risk, s0, xbar = _sums(w, x, beta)
        score = fail_x - d @ xbar
        s2 = np.einsum("kj,ja,jb->kab", risk / s0[:, None], x, x)
        info = np.einsum("k,kab->ab", d, s2 - np.einsum("ka,kb->kab", xbar, xbar))
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError as error:
            raise AnalysisError(
                "Fine–Gray model cannot be estimated: the covariates are collinear or do not "
                "vary among the people at risk"
            ) from error
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            return beta
    raise AnalysisError(
        f"Fine–Gray model did not converge in {max_iter} iterations (separated data?)"
    )


def _psi(time, status, x, w, d, fail_times, risk, s0, xbar):
    """Influence of the estimated censoring weights on the score (``ψ_i``)."""
    n, p = x.shape
    cens_times = np.unique(time[status == 0])
    q = np.zeros((len(cens_times), p))
    comp = status == 2
    for m, u in enumerate(cens_times):
        rows = fail_times >= u
        cols = comp & (time < u)
        if not rows.any() or not cols.any():
            continue
        r = risk[np.ix_(rows, cols)] * (d[rows] / s0[rows])[:, None]
        q[m] = (r @ x[cols]).sum(axis=0) - (r.sum(axis=1)[:, None] * xbar[rows]).sum(axis=0)
    y = n - np.searchsorted(np.sort(time), cens_times, side="left")
    n_c = np.bincount(np.searchsorted(cens_times, time[status == 0]), minlength=len(cens_times))
    step = np.cumsum(-q * (n_c / y**2)[:, None], axis=0)
    upto = np.searchsorted(cens_times, time, side="right") - 1
    psi = np.where((upto >= 0)[:, None], step[np.maximum(upto, 0)], 0.0)
    own = status == 0
    psi[own] += q[upto[own]] / y[upto[own]][:, None]
    return psi


def fine_gray_fit(
    time: np.ndarray,
    status: np.ndarray,
    x: np.ndarray,
    *,
    tol: float = 1e-10,
    max_iter: int = 50,
) -> tuple[np.ndarray, np.ndarray]:
    """Fine–Gray coefficients and their sandwich covariance.

    Parameters
    ----------
    time : array
        Event or censoring times.
    status : array of int
        1 = event of interest, 2 = competing event, 0 = censored.
    x : 2-d array
        Covariates (no intercept).

    Returns
    -------
    (beta, covariance)
    """
    time = np.asarray(time, float)
    status = np.asarray(status, int)
    x = np.asarray(x, float)
    if not (status == 1).any():
        raise AnalysisError("Fine–Gray model: no events of the type of interest")
    g_minus = censoring_left_limit(time, status == 0)
    order = np.argsort(time, kind="stable")
    fail_times, d = np.unique(time[status == 1], return_counts=True)
    w = _weights(time[order], status[order], g_minus[order], fail_times)
    x_sorted, status_sorted, time_sorted = x[order], status[order], time[order]
    fail_x = x[status == 1].sum(axis=0)
    d = d.astype(float)
    beta = _newton(x_sorted, w, d, fail_x, tol, max_iter)
    risk, s0, xbar = _sums(w, x_sorted, beta)
    s2 = np.einsum("kj,ja,jb->kab", risk / s0[:, None], x_sorted, x_sorted)
    omega = np.einsum("k,kab->ab", d, s2 - np.einsum("ka,kb->kab", xbar, xbar))
    k_of = np.searchsorted(fail_times, time_sorted)
    eta = np.where((status_sorted == 1)[:, None], x_sorted - xbar[np.minimum(k_of, len(d) - 1)], 0)
    eta -= np.einsum("kj,k,kja->ja", risk, d / s0, x_sorted[None, :, :] - xbar[:, None, :])
    psi = _psi(time_sorted, status_sorted, x_sorted, w, d, fail_times, risk, s0, xbar)
    infl = eta + psi
    bread = np.linalg.inv(omega)
    return beta, bread @ (infl.T @ infl) @ bread.T


@dataclass(frozen=True)
class FineGray(Result):
    """Fine–Gray models, one per event type of interest.

    ``tidy()``: ``event``, ``term``, ``estimate`` (log subdistribution hazard ratio),
    ``std_error``, ``statistic``, ``p_value``, ``hazard_ratio``, ``ratio_lower``,
    ``ratio_upper`` and ``n``.
    """

    table: pd.DataFrame
    group_terms: list[str]
    notes: list[str]
    title: str = "Fine–Gray subdistribution hazards"

    def tidy(self) -> pd.DataFrame:
        """One row per event type and term."""
        return self.table.copy()

    def group_effects(self) -> pd.DataFrame:
        """Only the group (arm) terms."""
        return self.table[self.table["term"].isin(self.group_terms)].reset_index(drop=True)


def fine_gray(
    events: pd.DataFrame,
    design: pd.DataFrame,
    *,
    states: list[str],
    group_terms: list[str],
    confidence_level: float = 0.95,
) -> FineGray:
    """A Fine–Gray model for each event type in ``states`` with at least one event.

    Parameters
    ----------
    events : DataFrame
        ``time`` and ``event_type`` of the modelled people (index as ``design``).
    design : DataFrame
        Covariate matrix (group dummies and covariates, no intercept).
    states : list of str
        Competing event types; any other type is censoring.
    group_terms : list of str
        The design columns that are group dummies.
    """
    z = float(stats.norm.ppf(0.5 + confidence_level / 2.0))
    kind = events["event_type"].astype(str).to_numpy()
    time = events["time"].to_numpy(float)
    rows, notes = [], []
    for state in states:
        status = np.where(kind == state, 1, np.where(np.isin(kind, states), 2, 0))
        if not (status == 1).any():
            notes.append(f"no Fine–Gray model for {state!r}: no such events")
            continue
        beta, cov = fine_gray_fit(time, status, design.to_numpy(float))
        se = np.sqrt(np.diag(cov))
        rows.append(
            pd.DataFrame(
                {
                    "event": state,
                    "term": list(design.columns),
                    "estimate": beta,
                    "std_error": se,
                    "statistic": beta / se,
                    "p_value": 2 * stats.norm.sf(np.abs(beta / se)),
                    "hazard_ratio": np.exp(beta),
                    "ratio_lower": np.exp(beta - z * se),
                    "ratio_upper": np.exp(beta + z * se),
                    "n": len(time),
                }
            )
        )
    if not rows:
        raise AnalysisError("Fine–Gray models: no events of any type")
    table = pd.concat(rows, ignore_index=True)
    for column in ("event", "term"):
        table[column] = table[column].astype("string")
    return FineGray(table, list(group_terms), notes)
