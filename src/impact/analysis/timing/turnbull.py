"""Turnbull's NPMLE of the cumulative share employed from interval-censored job starts.

A job first reported at the 5-month follow-up by someone who had no job at 2 months started
somewhere in ``(2, 5]``; the waves do not say where. Turnbull (1976) finds the distribution
that makes these intervals most likely. The probability mass can only sit on the *innermost
intervals* (a left end of some interval followed by a right end of some interval with no
other end between); how it spreads inside one is not identified, so the share employed is
known at the ends of the innermost intervals (here: at the wave months), not between them.

The estimate is computed by the self-consistency (EM) iteration until the masses change by
less than ``tol`` (default ``1e-12``). R's ``survfit(Surv(l, u, type = "interval2") ~ 1)``
runs the same iteration but stops when the curve changes by less than ``5e-5``, and it places
each innermost interval's jump at its midpoint; ``survival_at(..., midpoint=True)`` gives that
curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.errors import AnalysisError, InputError
from impact.results import Result

TURNBULL_COLUMNS = ["lower", "upper", "mass", "employed_share"]


def innermost_intervals(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """The innermost intervals ``(a, b]`` of the observed intervals ``(lower, upper]``.

    ``upper = inf`` is a right-censored observation; its ``(a, inf)`` is the last innermost
    interval when no interval ends after ``a``.
    """
    ends = np.concatenate([lower, upper])
    # at a tie a right end sorts before a left end: (0, 2] and (2, 5] do not overlap
    is_left = np.concatenate([np.ones(len(lower)), np.zeros(len(upper))])
    order = np.lexsort((is_left, ends))
    ends, is_left = ends[order], is_left[order]
    pairs = (is_left[:-1] == 1) & (is_left[1:] == 0)
    inner = np.column_stack([ends[:-1][pairs], ends[1:][pairs]])
    return np.unique(inner, axis=0)


def npmle(
    lower: np.ndarray, upper: np.ndarray, *, tol: float = 1e-12, max_iter: int = 100_000
) -> tuple[np.ndarray, np.ndarray, int]:
    """Turnbull NPMLE: innermost intervals, their masses and the iterations used.

    Raises
    ------
    AnalysisError
        No convergence within ``max_iter`` iterations.
    """
    inner = innermost_intervals(lower, upper)
    member = (inner[None, :, 0] >= lower[:, None]) & (inner[None, :, 1] <= upper[:, None])
    a = member.astype(float)
    mass = np.full(len(inner), 1.0 / len(inner))
    for iteration in range(1, max_iter + 1):
        new = mass * ((a / (a @ mass)[:, None]).sum(axis=0) / len(lower))
        if np.max(np.abs(new - mass)) < tol:
            return inner, new, iteration
        mass = new
    raise AnalysisError(f"Turnbull estimate did not converge in {max_iter} iterations")


@dataclass(frozen=True)
class Turnbull(Result):
    """Turnbull NPMLE of the cumulative share employed, by group.

    Attributes
    ----------
    table : DataFrame
        ``group``, ``lower``, ``upper`` (innermost interval ``(lower, upper]``), ``mass`` and
        ``employed_share`` (cumulative share employed by ``upper``).
    iterations : dict
        EM iterations per group.
    """

    table: pd.DataFrame
    iterations: dict
    title: str = "Cumulative share employed (Turnbull, interval-censored)"

    def tidy(self) -> pd.DataFrame:
        """One row per group and innermost interval."""
        return self.table.copy()

    def survival_at(self, group: str, months, *, midpoint: bool = False) -> np.ndarray:
        """Share still without a job at ``months``.

        Mass inside an innermost interval counts once the month reaches its upper end (NaN
        inside an interval where the value is not identified), or with ``midpoint=True`` at
        its midpoint, as R's ``survfit`` draws it.
        """
        part = self.table[self.table["group"] == group]
        lo, hi = part["lower"].to_numpy(float), part["upper"].to_numpy(float)
        mass = part["mass"].to_numpy(float)
        months = np.asarray(months, float)
        if midpoint:
            point = np.where(np.isfinite(hi), (lo + hi) / 2.0, np.inf)
            return 1.0 - (mass[None, :] * (point[None, :] <= months[:, None])).sum(axis=1)
        done = (mass[None, :] * (hi[None, :] <= months[:, None])).sum(axis=1)
        inside = ((lo[None, :] < months[:, None]) & (months[:, None] < hi[None, :])).any(axis=1)
        return np.where(inside, np.nan, 1.0 - done)


def check_intervals(lower: np.ndarray, upper: np.ndarray) -> None:
    """Raise :class:`InputError` for intervals that are not ``0 ≤ lower < upper ≤ inf``."""
    bad = ~(np.isfinite(lower) & (lower >= 0) & (upper > lower))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"interval-censored times: {int(bad.sum())} interval(s) are not 0 ≤ lower < upper "
            f"(first: row {i + 1}, lower {lower[i]}, upper {upper[i]}); give the last month "
            "without a job as lower and the first month with one as upper (inf if none)"
        )


def turnbull(intervals: pd.DataFrame, *, tol: float = 1e-12) -> Turnbull:
    """Turnbull NPMLE by group from ``group``, ``interval_lower`` and ``interval_upper``.

    Raises
    ------
    InputError
        An interval with ``lower`` ≥ ``upper`` or a negative or missing ``lower``.
    AnalysisError
        Nobody to analyse or no convergence.
    """
    if intervals.empty:
        raise AnalysisError("Turnbull estimate: nobody to analyse")
    parts, iterations = [], {}
    for group, part in intervals.groupby("group", sort=True):
        lower = part["interval_lower"].to_numpy(float)
        upper = part["interval_upper"].to_numpy(float)
        check_intervals(lower, upper)
        inner, mass, its = npmle(lower, upper, tol=tol)
        iterations[str(group)] = its
        parts.append(
            pd.DataFrame(
                {
                    "group": str(group),
                    "lower": inner[:, 0],
                    "upper": inner[:, 1],
                    "mass": mass,
                    "employed_share": np.cumsum(mass),
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    table["group"] = table["group"].astype("string")
    return Turnbull(table, iterations)
