"""Lee (2009) bounds and randomisation inference, vectorised across simulated trials.

:func:`lee` repeats :func:`impact.attrition.lee_bounds` for a binary outcome (one cell, analytic
standard errors, Imbens–Manski interval) on every row at once: the fractional trimmed means of
0/1 outcomes have the closed form ``max(0, m − p) / (1 − p)`` and ``min(1, m / (1 − p))``, and
the delta-method gradient over the six multinomial shares (ones, zeros, missing per arm) is
taken by the same central differences. :func:`ri_pvalues` re-draws the assignment by the
declared procedure (complete randomisation of participants or of whole clusters) and compares
the absolute difference in means among respondents, ``p = (1 + #{|T*| ≥ |T|}) / (1 + draws)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

_STEP = 1e-6


@dataclass(frozen=True)
class Bounds:
    """Lee bounds per trial: ``lower``, ``upper``, their SEs and the Imbens–Manski CI."""

    lower: np.ndarray
    upper: np.ndarray
    se_lower: np.ndarray
    se_upper: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray


def _bounds_of(theta: np.ndarray, trimmed: np.ndarray) -> np.ndarray:
    """Bounds from shares ``theta[trial, arm, (ones, zeros, missing)]`` (arm 0 = control)."""
    rows = np.arange(theta.shape[0])
    tr, ot = theta[rows, trimmed], theta[rows, 1 - trimmed]
    resp_tr, resp_ot = tr[:, 0] + tr[:, 1], ot[:, 0] + ot[:, 1]
    q_tr, q_ot = resp_tr / tr.sum(axis=1), resp_ot / ot.sum(axis=1)
    p = np.maximum(0.0, 1.0 - q_ot / q_tr)
    m = tr[:, 0] / resp_tr
    low = np.maximum(0.0, (m - p) / (1.0 - p))
    high = np.minimum(1.0, m / (1.0 - p))
    mu = ot[:, 0] / resp_ot
    treat_trimmed = trimmed == 1
    return np.stack([
        np.where(treat_trimmed, low - mu, mu - high),
        np.where(treat_trimmed, high - mu, mu - low),
    ])  # fmt: skip


def imbens_manski(width, se_max, level: float, iterations: int = 80) -> np.ndarray:
    """Critical values ``c`` with ``Φ(c + width / se_max) − Φ(−c) = level`` (by bisection)."""
    two_sided = float(ndtri(0.5 + level / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.maximum(width, 0.0) / se_max
    low, high = np.zeros_like(ratio), np.full_like(ratio, 20.0)
    for _ in range(iterations):
        mid = (low + high) / 2
        above = ndtr(mid + ratio) - ndtr(-mid) > level
        high, low = np.where(above, mid, high), np.where(above, low, mid)
    usable = (se_max > 0) & np.isfinite(se_max)
    return np.where(usable, (low + high) / 2, two_sided)


def lee(y, observed, treated, level: float = 0.95) -> Bounds:
    """Lee bounds of the ITT for always-responders, analytic SEs, Imbens–Manski CI."""
    ones = observed & (y == 1)
    zeros = observed & (y == 0)
    counts = np.stack([
        np.stack([(c * (treated == arm)).sum(axis=1) for c in (ones, zeros, ~observed)], axis=1)
        for arm in (0, 1)
    ], axis=1).astype(float)  # fmt: skip
    n_arm = np.array([(treated == 0).sum(), (treated == 1).sum()], dtype=float)
    theta = counts / n_arm[None, :, None]
    q = (theta[:, :, 0] + theta[:, :, 1]) / theta.sum(axis=2)
    trimmed = (q[:, 1] >= q[:, 0]).astype(int)
    point = _bounds_of(theta, trimmed)
    flat = theta.reshape(len(theta), -1)
    grads = np.zeros((2, *flat.shape))
    for j in range(flat.shape[1]):
        up, down = flat.copy(), flat.copy()
        up[:, j] += _STEP
        down[:, j] -= _STEP
        grads[:, :, j] = (
            _bounds_of(up.reshape(theta.shape), trimmed)
            - _bounds_of(down.reshape(theta.shape), trimmed)
        ) / (2 * _STEP)
    variance = np.zeros((2, len(theta)))
    for arm in (0, 1):
        t = theta[:, arm]
        cov = (np.einsum("ti,ij->tij", t, np.eye(3)) - t[:, :, None] * t[:, None, :]) / n_arm[arm]
        g = grads[:, :, 3 * arm : 3 * arm + 3]
        variance += np.einsum("bti,tij,btj->bt", g, cov, g)
    se = np.sqrt(np.maximum(variance, 0.0))
    defined = (counts[:, :, :2].sum(axis=2) >= 2).all(axis=1)
    c = imbens_manski(point[1] - point[0], se.max(axis=0), level)
    out = [point[0], point[1], se[0], se[1], point[0] - c * se[0], point[1] + c * se[1]]
    return Bounds(*(np.where(defined, v, np.nan) for v in out))


def ri_counts(y, observed, treated, assignments, block=None) -> tuple[np.ndarray, np.ndarray]:
    """Per trial: re-draws at least as extreme as the observed statistic, and re-draws usable.

    ``assignments`` has shape ``(trials, draws, n)`` (or ``(draws, n)``, shared by all trials).
    The statistic is the absolute coefficient of the assignment in ``y ~ treated`` among
    respondents (the difference in means), with block fixed effects when ``block`` is given,
    as :func:`impact.rct.randomisation_test` with ``statistic="coefficient"``; re-draws that
    leave no assignment variation are not usable. ``extreme`` is −1 where the observed
    statistic is undefined.
    """
    r = observed.astype(float)
    member = np.ones((len(treated), 1)) if block is None else (
        block[:, None] == np.unique(block)[None, :]).astype(float)  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        size = r @ member
        y_res = (y - ((r * y) @ member / size) @ member.T) * r

        def statistic(z: np.ndarray) -> np.ndarray:
            # z is 0/1: Σ r (z − z̄_block)² = Σ r z − Σ_block (Σ r z)² / n_block, and the
            # numerator needs no centring of z because y_res sums to 0 within each block
            per_block = z @ (r[:, :, None] * member[None])
            spread = per_block.sum(axis=2) - (per_block**2 / size[:, None, :]).sum(axis=2)
            spread[spread <= 1e-12] = np.nan
            return np.abs((z @ y_res[:, :, None])[:, :, 0] / spread)

        actual = statistic(np.broadcast_to(treated, (len(y), 1, len(treated))).astype(float))
        null = statistic(np.broadcast_to(assignments, (len(y), *assignments.shape[-2:])))
    usable = np.isfinite(null)
    extreme = (usable & (null >= actual * (1 - 1e-10))).sum(axis=1)
    extreme = np.where(np.isfinite(actual[:, 0]), extreme, -1)
    return extreme, usable.sum(axis=1)


def _redraw(units: np.ndarray, groups: np.ndarray, trials: int, draws: int, rng) -> np.ndarray:
    """Complete randomisation within each group of units, as many treated as now (0/1 floats).

    The keys of each group are drawn in turn (``trials × draws × group size``), as
    :func:`impact.analysis.rct.randomisation.permuted_assignments` draws them per stratum.
    """
    z = np.zeros((trials, draws, len(units)))
    for group in np.unique(groups):
        idx = np.flatnonzero(groups == group)
        n_treated = int(units[idx].sum())
        keys = rng.random((trials, draws, idx.size))
        cut = np.partition(keys, n_treated - 1, axis=2)[:, :, n_treated - 1 : n_treated]
        contiguous = idx[-1] - idx[0] + 1 == idx.size  # a slice is much faster to fill
        z[:, :, slice(idx[0], idx[-1] + 1) if contiguous else idx] = keys <= cut
    return z


def ri_pvalues(
    y, observed, treated, cluster, rng: np.random.Generator, draws: int, block=None
) -> np.ndarray:
    """Randomisation-inference p-value per trial (``draws`` re-draws by the declared procedure).

    Re-draws are complete randomisations of the same number of participants within each block
    (or of whole clusters when ``cluster`` is given); ``p = (1 + extreme) / (1 + usable)`` as
    :func:`impact.rct.randomisation_test` with Monte Carlo draws; NaN when undefined.
    """
    if cluster is not None:
        first = np.unique(cluster, return_index=True)[1]
        z = _redraw(treated[first], np.zeros(first.size), len(y), draws, rng)[:, :, cluster]
    else:
        groups = np.zeros(len(treated)) if block is None else block
        z = _redraw(treated, groups, len(y), draws, rng)
    extreme, usable = ri_counts(y, observed, treated, z, block)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(extreme >= 0, (1.0 + extreme) / (1.0 + usable), np.nan)
