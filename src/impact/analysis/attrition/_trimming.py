"""Lee (2009) trimming: fractional trimmed means, the point bounds and their analytic SEs.

The arithmetic behind :func:`impact.analysis.attrition.lee_bounds` (see :mod:`.bounds` for the
method): :func:`trimmed_mean`, the bounds within each cell of a tightening covariate
(:func:`lee_point`) and their standard errors — the delta method on the multinomial cell
shares for binary outcomes (:func:`binary_se`), Lee (2009, Proposition 3) for continuous ones
(:func:`continuous_se`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from impact.errors import AnalysisError

Keep = Literal["lower", "upper"]


def trimmed_mean(values: np.ndarray, share: float, *, keep: Keep) -> float:
    """Mean of ``values`` after fractionally trimming ``share`` of their mass from one end.

    Parameters
    ----------
    values : array
        Observed outcomes.
    share : float
        Share of the mass to drop, in [0, 1).
    keep : {"lower", "upper"}
        Keep the lower part (drop the largest values) or the upper part.

    Returns
    -------
    float

    Examples
    --------
    >>> trimmed_mean(np.array([0, 0, 1, 1]), 0.25, keep="lower")  # one "1" trimmed
    0.3333333333333333
    """
    return _trimmed(np.asarray(values, dtype=float), share, keep)[0]


def _trimmed(values: np.ndarray, share: float, keep: Keep) -> tuple[float, float, float]:
    """Return the trimmed mean, the variance of the kept mass and the cut-off value."""
    ordered = np.sort(values) if keep == "lower" else -np.sort(values)[::-1]
    n = len(ordered)
    mass = (1.0 - share) * n
    whole = min(int(np.floor(mass + 1e-9)), n)
    frac = mass - whole if whole < n else 0.0
    frac = 0.0 if frac < 1e-9 else frac
    w = np.zeros(n)
    w[:whole] = 1.0
    if whole < n:
        w[whole] = frac
    mean = float(np.sum(w * ordered) / np.sum(w))
    var = float(np.sum(w * (ordered - mean) ** 2) / np.sum(w))
    cut_index = whole if frac > 0 else whole - 1
    sign = 1.0 if keep == "lower" else -1.0
    return sign * mean, var, sign * float(ordered[cut_index])


def lee_point(y, obs, treat, cells, levels) -> dict:
    """Bounds, overall trimming share and per-cell details for given arrays."""
    q = {a: obs[treat == a].mean() for a in (1, 0)}
    trimmed = 1 if q[1] >= q[0] else 0
    other = 1 - trimmed
    n_other_obs = np.sum((treat == other) & obs)
    lower = upper = 0.0
    rows = []
    for level in levels:
        in_cell = cells == level
        tr, ot = in_cell & (treat == trimmed), in_cell & (treat == other)
        if np.sum(tr & obs) == 0 or np.sum(ot & obs) == 0:
            raise AnalysisError(
                f"Cell '{level}' has no respondent in one arm; Lee bounds cannot be tightened "
                "by this covariate (merge categories)."
            )
        q_tr, q_ot = obs[tr].mean(), obs[ot].mean()
        p = max(0.0, 1.0 - q_ot / q_tr)
        low = _trimmed(y[tr & obs], p, "lower")[0]
        high = _trimmed(y[tr & obs], p, "upper")[0]
        mu_ot = y[ot & obs].mean()
        weight = np.sum(ot & obs) / n_other_obs
        cell_lower, cell_upper = (
            (low - mu_ot, high - mu_ot) if trimmed == 1 else (mu_ot - high, mu_ot - low)
        )
        lower += weight * cell_lower
        upper += weight * cell_upper
        rows.append(
            {"cell": str(level), "weight": weight, "trimming_share": p,
             "lower": cell_lower, "upper": cell_upper, "q_trimmed": q_tr, "q_other": q_ot,
             "n_trimmed_arm": int(tr.sum()), "n_other_arm": int(ot.sum())}
        )  # fmt: skip
    naive = y[(treat == 1) & obs].mean() - y[(treat == 0) & obs].mean()
    share = max(0.0, 1.0 - q[other] / q[trimmed])
    return {
        "lower": float(lower),
        "upper": float(upper),
        "naive": float(naive),
        "p": share,
        "trimmed": trimmed,
        "cells": pd.DataFrame(rows),
    }


def _binary_bounds(theta: np.ndarray, trimmed: int) -> np.ndarray:
    """Bounds from cell shares ``theta[arm, cell, (ones, zeros, missing)]`` (arm 0 = control)."""
    other = 1 - trimmed
    ones, zeros = theta[:, :, 0], theta[:, :, 1]
    resp = ones + zeros
    q = resp / theta.sum(axis=2)
    weights = resp[other] / resp[other].sum()
    p = np.maximum(0.0, 1.0 - q[other] / q[trimmed])
    m = ones[trimmed] / resp[trimmed]
    low = np.maximum(0.0, (m - p) / (1.0 - p))
    high = np.minimum(1.0, m / (1.0 - p))
    mu = ones[other] / resp[other]
    if trimmed == 1:
        return np.array([np.sum(weights * (low - mu)), np.sum(weights * (high - mu))])
    return np.array([np.sum(weights * (mu - high)), np.sum(weights * (mu - low))])


def binary_se(y, obs, treat, cells, levels, trimmed) -> tuple[float, float]:
    """Delta-method SEs of binary Lee bounds over the multinomial cell shares of each arm."""
    theta = np.zeros((2, len(levels), 3))
    n = np.zeros(2)
    for arm in (0, 1):
        in_arm = treat == arm
        n[arm] = in_arm.sum()
        for k, level in enumerate(levels):
            rows = in_arm & (cells == level)
            theta[arm, k] = [
                np.sum(rows & obs & (y == 1)),
                np.sum(rows & obs & (y == 0)),
                np.sum(rows & ~obs),
            ]
        theta[arm] /= n[arm]
    flat = theta.ravel()
    grads = np.zeros((2, flat.size))
    for j in range(flat.size):
        h = 1e-6
        up, down = flat.copy(), flat.copy()
        up[j] += h
        down[j] -= h
        grads[:, j] = (
            _binary_bounds(up.reshape(theta.shape), trimmed)
            - _binary_bounds(down.reshape(theta.shape), trimmed)
        ) / (2 * h)
    cov = np.zeros((flat.size, flat.size))
    block = theta.shape[1] * theta.shape[2]
    for arm in (0, 1):
        t = theta[arm].ravel()
        sl = slice(arm * block, (arm + 1) * block)
        cov[sl, sl] = (np.diag(t) - np.outer(t, t)) / n[arm]
    var = np.einsum("ij,jk,ik->i", grads, cov, grads)
    return float(np.sqrt(max(var[0], 0.0))), float(np.sqrt(max(var[1], 0.0)))


def _cell_pieces(y, obs, treat, in_cell, trimmed, cell) -> dict:
    """Trimmed means and their Lee (2009, Prop. 3) variances in one cell (no other-arm term).

    Per kept end: the variance of the trimmed mean, the quantile term and the variance of the
    estimated trimming share — ``leebounds``' ``vb1 + vb2 + vb3``.
    """
    tr, ot = in_cell & (treat == trimmed), in_cell & (treat == 1 - trimmed)
    p, q_tr, q_ot = cell.trimming_share, cell.q_trimmed, cell.q_other
    values = y[tr & obs]
    r_tr = len(values)
    var_p = (1 - p) ** 2 * ((1 - q_ot) / (q_ot * ot.sum()) + (1 - q_tr) / (q_tr * tr.sum()))
    out = {}
    for keep in ("lower", "upper"):
        mean, var_kept, cut = _trimmed(values, p, keep)
        gap = cut - mean
        out[keep] = (
            mean,
            (var_kept + p * gap**2) / (r_tr * (1 - p)) + (gap / (1 - p)) ** 2 * var_p,
        )
    return out


def continuous_se(y, obs, treat, cells, levels, point) -> tuple[float, float]:
    """Analytic SEs of continuous Lee bounds (Lee 2009, Prop. 3).

    One cell (not tightened): the trimmed-mean terms plus the variance of the other arm's mean
    (plug-in moments). Tightened, as Stata ``leebounds … , tight()`` (Tauchmann 2014) combines
    the cells: Σ w_k² V_k over the cells (V_k the trimmed-mean terms), plus the variance from
    estimating the weights, (Σ w_k m_k² − (Σ w_k m_k)²) / n_o with m_k the cell's trimmed
    mean and n_o the other arm's respondents (whose cell shares are the weights), plus the
    variance of the other arm's mean, s² / n_o (n − 1 in s²).
    """
    trimmed, other = point["trimmed"], 1 - point["trimmed"]
    resp_other = y[(treat == other) & obs]
    pieces = [
        _cell_pieces(y, obs, treat, cells == level, trimmed, cell)
        for level, cell in zip(levels, point["cells"].itertuples(), strict=True)
    ]
    weights = point["cells"]["weight"].to_numpy(dtype=float)
    var = {}
    for keep in ("lower", "upper"):
        means = np.array([piece[keep][0] for piece in pieces])
        within = float(np.sum(weights**2 * np.array([piece[keep][1] for piece in pieces])))
        if len(levels) == 1:
            var[keep] = within + np.var(resp_other) / len(resp_other)
            continue
        spread = np.sum(weights * means**2) - np.sum(weights * means) ** 2
        var[keep] = within + spread / len(resp_other) + np.var(resp_other, ddof=1) / len(resp_other)
    # the bound that uses the lower-kept mean is the lower bound when treatment is trimmed
    low, high = (var["lower"], var["upper"]) if trimmed == 1 else (var["upper"], var["lower"])
    return float(np.sqrt(low)), float(np.sqrt(high))
