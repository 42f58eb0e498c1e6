"""Aalen–Johansen cumulative incidence of competing first events, with standard errors.

With competing events (job, education, left the programme) the share who have had event
``k`` by month ``t`` is the *cumulative incidence* ``F_k(t) = Σ_{s ≤ t} S(s−) d_k(s) / Y(s)``,
where ``S`` is the Kaplan–Meier probability of no event of any kind, ``d_k(s)`` the events of
type ``k`` at ``s`` and ``Y(s)`` the number still at risk. ``1 − KM`` of one event type (the
other types treated as censoring) over-states it.

Standard errors are the infinitesimal jackknife (IJ) — the square root of the sum over
people of the squared derivative of the estimate with respect to that person's weight —
which is what R's ``survival::survfit`` reports for a multi-state model
(``survfit(Surv(time, factor(status)) ~ group)``, ``std.err``). Intervals use
``survfit``'s default ``conf.type = "log"``: ``F·exp(±z·se/F)``, capped at 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from impact.errors import AnalysisError
from impact.results import Result
from impact.validation import check_level

CIF_COLUMNS = [
    "group",
    "time",
    "state",
    "n_risk",
    "n_events",
    "estimate",
    "std_error",
    "ci_lower",
    "ci_upper",
]


def _counts(time: np.ndarray, kind: np.ndarray, states: list[str]):
    """Distinct times, number at risk and events of each state at each time."""
    grid = np.unique(time)
    pos = np.searchsorted(grid, time)
    at_risk = len(time) - np.searchsorted(np.sort(time), grid, side="left")
    events = np.zeros((len(grid), len(states)))
    for k, state in enumerate(states):
        np.add.at(events[:, k], pos[kind == state], 1.0)
    return grid, pos, at_risk.astype(float), events


def aj_curve(
    time: np.ndarray, kind: np.ndarray, states: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Aalen–Johansen estimate and IJ standard errors for one group.

    Parameters
    ----------
    time : array
        Event or censoring times.
    kind : array of str
        Event type per person; anything not in ``states`` is censoring.
    states : list of str
        The competing event types.

    Returns
    -------
    tuple
        ``grid`` (distinct times), ``n_risk``, ``events`` (times × states), ``cif``
        (times × states) and ``se`` (times × states).
    """
    grid, pos, y, d = _counts(time, kind, states)
    n, m = len(time), len(states)
    d_all = d.sum(axis=1)
    surv_before = np.cumprod(np.concatenate([[1.0], 1.0 - d_all / y]))[:-1]
    cif = np.cumsum(surv_before[:, None] * d / y[:, None], axis=0)
    # influence of each person's weight, carried forward in time
    state_of = np.array([states.index(k) if k in states else -1 for k in kind])
    u_surv = np.zeros(n)
    u_cif = np.zeros((n, m))
    var = np.zeros((len(grid), m))
    for j in range(len(grid)):
        at_risk = (pos >= j).astype(float)
        has_event = ((pos == j) & (state_of >= 0)).astype(float)
        step = surv_before[j] / y[j]
        for k in range(m):
            event_k = ((pos == j) & (state_of == k)).astype(float)
            u_cif[:, k] += u_surv * d[j, k] / y[j] + step * (event_k - d[j, k] * at_risk / y[j])
        u_surv = u_surv * (1.0 - d_all[j] / y[j]) - step * (has_event - d_all[j] * at_risk / y[j])
        var[j] = (u_cif**2).sum(axis=0)
    return grid, y, d, cif, np.sqrt(var)


def _log_interval(est: np.ndarray, se: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = se / est
        lower = est * np.exp(-z * ratio)
        upper = np.minimum(1.0, est * np.exp(z * ratio))
    flat = (est <= 0.0) | (se <= 0.0)
    return np.where(flat, est, lower), np.where(flat, est, upper)


@dataclass(frozen=True)
class CumulativeIncidence(Result):
    """Cumulative incidence of each competing event by group (Aalen–Johansen).

    Attributes
    ----------
    table : DataFrame
        :data:`CIF_COLUMNS`: one row per group, distinct time and state.
    states : list of str
        The competing event types.
    confidence_level : float
    """

    table: pd.DataFrame
    states: list[str]
    confidence_level: float = 0.95
    title: str = "Cumulative incidence (Aalen–Johansen)"

    def tidy(self) -> pd.DataFrame:
        """The full table (:data:`CIF_COLUMNS`)."""
        return self.table.copy()

    def at(self, months) -> pd.DataFrame:
        """Estimates at ``months`` (the last step at or before each month), by group and state."""
        rows = []
        for (group, state), part in self.table.groupby(["group", "state"], sort=False):
            idx = np.searchsorted(part["time"].to_numpy(), np.asarray(months, float), "right") - 1
            for month, i in zip(months, idx, strict=True):
                values = part.iloc[i] if i >= 0 else None
                rows.append(
                    {
                        "group": group,
                        "state": state,
                        "month": float(month),
                        "estimate": 0.0 if values is None else values["estimate"],
                        "std_error": 0.0 if values is None else values["std_error"],
                        "ci_lower": 0.0 if values is None else values["ci_lower"],
                        "ci_upper": 0.0 if values is None else values["ci_upper"],
                    }
                )
        return pd.DataFrame(rows)


def cumulative_incidence(
    events: pd.DataFrame,
    *,
    states: list[str],
    confidence_level: float = 0.95,
) -> CumulativeIncidence:
    """Aalen–Johansen cumulative incidence by group.

    Parameters
    ----------
    events : DataFrame
        Analysed people with ``group``, ``time`` and ``event_type`` (types not in ``states``
        are censoring).
    states : list of str
        The competing event types, in table order.
    confidence_level : float
        Level of the pointwise (log-transformed) intervals.

    Raises
    ------
    AnalysisError
        No one to analyse.
    """
    level = check_level(confidence_level, "confidence_level")
    if events.empty:
        raise AnalysisError("cumulative incidence: nobody to analyse")
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    parts = []
    for group, part in events.groupby("group", sort=True):
        kind = part["event_type"].astype(str).to_numpy()
        grid, y, d, cif, se = aj_curve(part["time"].to_numpy(float), kind, states)
        for k, state in enumerate(states):
            lower, upper = _log_interval(cif[:, k], se[:, k], z)
            parts.append(
                pd.DataFrame(
                    {
                        "group": str(group),
                        "time": grid,
                        "state": state,
                        "n_risk": y.astype(int),
                        "n_events": d[:, k].astype(int),
                        "estimate": cif[:, k],
                        "std_error": se[:, k],
                        "ci_lower": lower,
                        "ci_upper": upper,
                    }
                )
            )
    table = pd.concat(parts, ignore_index=True)[CIF_COLUMNS]
    for column in ("group", "state"):
        table[column] = table[column].astype("string")
    return CumulativeIncidence(table, list(states), level)
