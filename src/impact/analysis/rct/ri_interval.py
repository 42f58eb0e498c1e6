"""Confidence intervals by inverting the randomisation test (constant additive effect).

Under the sharp hypothesis that treatment adds ``τ`` to everyone's outcome, ``y − τ·z`` (with
``z`` the observed assignment) is what everyone's outcome would have been under control, and is
the same whatever the assignment. The hypothesis is tested exactly as the sharp null of no
effect, on ``y − τ·z``, with the *same* assignment draws for every ``τ``; the confidence
interval is the set of ``τ`` not rejected at ``1 − level`` (Rosenbaum 2002, ch. 2; ri2's
``sharp_hypothesis``). Shifting the re-drawn outcomes by ``τ·w`` instead gives the same test
for both statistics here, because the coefficient moves by ``τ`` and the residuals not at all.

Both statistics are cheap in ``τ``: with ``w̃`` a draw's assignment residualised on the other
regressors, ``b(τ) = b_y − τ·b_z`` (``b_z`` the coefficient of the observed ``z`` on ``w``) and
the HC2 variance is ``A − 2τB + τ²C`` (sums of ``w̃² e_y e_z / (1 − h)``), so every draw keeps
five numbers and a p-value at any ``τ`` costs one pass over them.

Search: from the estimate (where p = 1) outward in steps of half the observed HC2 standard
error until the p-value is ≤ ``1 − level`` (at most :data:`MAX_STEPS` steps, else the bound is
infinite), then bisection between the last step not rejected and the first rejected one until
they are less than :data:`TOLERANCE` apart (in outcome units: 1e-8 percentage points); the bound
reported is the last ``τ`` not rejected. The p-value is a step function of ``τ``, so this finds
the outermost change point next to the first rejected step of the walk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Bisection stops when the bracket is narrower than this (outcome units; 1 = 100 pp).
TOLERANCE = 1e-10
#: Steps of half a standard error tried in each direction before a bound is called infinite.
MAX_STEPS = 400
_CHUNK_ELEMENTS = 250_000


@dataclass(frozen=True)
class Moments:
    """Per draw: ``b_y``, ``b_z`` and the HC2 variance pieces ``A``, ``B``, ``C``."""

    b_y: np.ndarray
    b_z: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray

    def statistic(self, tau: float, studentised: bool) -> np.ndarray:
        """The statistic of every draw on the outcome ``y − τ·z``."""
        coef = self.b_y - tau * self.b_z
        if not studentised:
            return coef
        var = np.maximum(self.a - 2 * tau * self.b + tau * tau * self.c, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return coef / np.sqrt(var)  # perfect fit: ±inf; 0/0: NaN (undefined)


def moments(assignments: np.ndarray, y: np.ndarray, z: np.ndarray, others: np.ndarray) -> Moments:
    """:class:`Moments` of every row of ``assignments`` (draws × n, 0/1) for outcome ``y``.

    ``z`` is the observed assignment of the same rows, ``others`` the other regressors
    (intercept, stratum dummies, covariates), of full column rank.
    """
    q, _ = np.linalg.qr(others)
    y_res = y - q @ (q.T @ y)
    z_res = z - q @ (q.T @ z)
    one_minus_hw = 1.0 - np.einsum("ij,ij->i", q, q)
    parts = []
    chunk = max(1, _CHUNK_ELEMENTS // max(1, y.size))
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, assignments.shape[0], chunk):
            wt = assignments[start : start + chunk].astype(float)
            wt -= (wt @ q) @ q.T
            ss = np.einsum("ij,ij->i", wt, wt)
            ss[ss <= 1e-12] = np.nan
            b_y, b_z = (wt @ y_res) / ss, (wt @ z_res) / ss
            e_y = y_res - b_y[:, None] * wt
            e_z = z_res - b_z[:, None] * wt
            one_minus_h = one_minus_hw - wt * wt / ss[:, None]
            weight = wt * wt / one_minus_h / (ss * ss)[:, None]
            weight[(one_minus_h <= 1e-10).any(axis=1)] = np.nan
            parts.append(
                (
                    b_y,
                    b_z,
                    np.einsum("ij,ij->i", weight, e_y * e_y),
                    np.einsum("ij,ij->i", weight, e_y * e_z),
                    np.einsum("ij,ij->i", weight, e_z * e_z),
                )
            )
    return Moments(*(np.concatenate([p[k] for p in parts]) for k in range(5)))


def p_value(
    tau: float,
    observed: Moments,
    null: Moments,
    studentised: bool,
    weights: np.ndarray | None,
) -> float:
    """Two-sided RI p-value of the sharp hypothesis ``τ`` (exact when ``weights`` is given)."""
    obs = abs(float(observed.statistic(tau, studentised)[0]))
    stats = null.statistic(tau, studentised)
    ok = ~np.isnan(stats)
    extreme = np.abs(stats) >= obs * (1 - 1e-10)
    if weights is not None:
        return float(np.sum(weights[ok & extreme]) / np.sum(weights[ok]))
    used = int(ok.sum())
    return (1 + int(np.sum(extreme & ok))) / (1 + used)


def invert(
    observed: Moments,
    null: Moments,
    studentised: bool,
    weights: np.ndarray | None,
    level: float,
) -> tuple[float, float]:
    """The interval of ``τ`` not rejected at ``1 − level`` (±inf when a bound is not found)."""
    alpha = 1.0 - level
    estimate = float(observed.b_y[0])
    step = max(float(np.sqrt(observed.a[0])), 1e-6) / 2

    def rejected(tau: float) -> bool:
        return p_value(tau, observed, null, studentised, weights) <= alpha

    bounds = []
    for sign in (-1.0, 1.0):
        inside = estimate
        outside = None
        for k in range(1, MAX_STEPS + 1):
            tau = estimate + sign * k * step
            if rejected(tau):
                outside = tau
                break
            inside = tau
        if outside is None:
            bounds.append(sign * np.inf)
            continue
        while abs(outside - inside) > TOLERANCE:
            middle = (inside + outside) / 2
            if rejected(middle):
                outside = middle
            else:
                inside = middle
        bounds.append(inside)
    return bounds[0], bounds[1]
