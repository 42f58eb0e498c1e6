"""The ITT difference with HC2 standard errors, vectorised across many simulated trials.

Each trial is a row of a 2-D array. Without covariates the regression ``y ~ 1 + treated`` has
HC2 standard error equal to the unpooled ("Neyman") standard error with ``n − 1`` denominators,
``sqrt(s1² / n1 + s0² / n0)``, computed here from per-arm sums. With covariates the coefficient
of ``treated`` in ``y ~ 1 + treated + X`` is found by Frisch–Waugh–Lovell: a batched QR
decomposition of ``[1, X]`` residualises ``treated`` and ``y``; the full hat-matrix diagonal is
the ``[1, X]`` leverage plus ``r_i² / Σ r²`` (``r`` the residualised treatment), which gives the
HC2 weights ``1 / (1 − h_ii)``. Participants not observed (attrition) get zero weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ITTDraws:
    """Estimates and HC2 standard errors, one per simulated trial.

    Attributes
    ----------
    estimate : numpy.ndarray
        Difference treated − control (OLS coefficient of the treatment dummy).
    se : numpy.ndarray
        HC2 standard error; NaN where undefined (an arm with fewer than 2 analysed).
    n_treatment, n_control : numpy.ndarray
        Numbers analysed per arm in each trial.
    """

    estimate: np.ndarray
    se: np.ndarray
    n_treatment: np.ndarray
    n_control: np.ndarray


def _as_trials(y: np.ndarray, treated: np.ndarray, observed: np.ndarray | None):
    y = np.atleast_2d(np.asarray(y, dtype=float))
    t = np.broadcast_to(np.asarray(treated, dtype=float), y.shape)
    r = np.ones_like(y) if observed is None else np.broadcast_to(observed, y.shape).astype(float)
    return y, t, r


def itt_hc2(
    y: np.ndarray,
    treated: np.ndarray,
    covariates: np.ndarray | None = None,
    observed: np.ndarray | None = None,
) -> ITTDraws:
    """ITT difference and HC2 SE for each trial (row).

    Parameters
    ----------
    y : array_like, shape (trials, n)
        Outcomes (0/1 for binary outcomes; any real values work).
    treated : array_like, shape (n,) or (trials, n)
        Treatment indicator (1 treated, 0 control).
    covariates : array_like, shape (trials, n, k) or (n, k), optional
        Baseline covariates adjusted for linearly.
    observed : array_like of bool, shape (trials, n) or (n,), optional
        Whether each participant's outcome is observed; others are left out.

    Returns
    -------
    ITTDraws
    """
    y, t, r = _as_trials(y, treated, observed)
    n1 = (r * t).sum(axis=1)
    n0 = (r * (1.0 - t)).sum(axis=1)
    if covariates is None:
        return _neyman(y, t, r, n1, n0)
    x = np.asarray(covariates, dtype=float)
    if x.ndim == 2:
        x = np.broadcast_to(x, (y.shape[0], *x.shape))
    return _fwl_hc2(y, t, r, x, n1, n0)


def _neyman(y, t, r, n1, n0) -> ITTDraws:
    w1, w0 = r * t, r * (1.0 - t)
    with np.errstate(divide="ignore", invalid="ignore"):
        m1 = (w1 * y).sum(axis=1) / n1
        m0 = (w0 * y).sum(axis=1) / n0
        ss1 = (w1 * (y - m1[:, None]) ** 2).sum(axis=1)
        ss0 = (w0 * (y - m0[:, None]) ** 2).sum(axis=1)
        var = ss1 / ((n1 - 1.0) * n1) + ss0 / ((n0 - 1.0) * n0)
    ok = (n1 >= 2) & (n0 >= 2)
    se = np.where(ok, np.sqrt(np.where(ok, var, 0.0)), np.nan)
    return ITTDraws(estimate=np.where(ok, m1 - m0, np.nan), se=se, n_treatment=n1, n_control=n0)


def _fwl_hc2(y, t, r, x, n1, n0) -> ITTDraws:
    base = np.concatenate([np.ones((*y.shape, 1)), x], axis=2) * r[:, :, None]
    q, _ = np.linalg.qr(base)
    leverage_base = (q**2).sum(axis=2)

    def residualise(v: np.ndarray) -> np.ndarray:
        v = v * r
        return v - np.einsum("snp,sp->sn", q, np.einsum("snp,sn->sp", q, v))

    rt = residualise(t)
    ry = residualise(y)
    sxx = (rt**2).sum(axis=1)
    ok = (n1 >= 2) & (n0 >= 2) & (sxx > 1e-12 * np.maximum(n1 + n0, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = (rt * ry).sum(axis=1) / sxx
        resid = (ry - beta[:, None] * rt) * r
        leverage = leverage_base + rt**2 / sxx[:, None]
        weight = np.where(leverage < 1.0 - 1e-12, 1.0 / (1.0 - leverage), np.inf)
        meat = (rt**2 * resid**2 * np.where(rt != 0, weight, 0.0)).sum(axis=1)
        var = meat / sxx**2
    finite = ok & np.isfinite(var)
    se = np.where(finite, np.sqrt(np.where(finite, var, 0.0)), np.nan)
    return ITTDraws(estimate=np.where(finite, beta, np.nan), se=se, n_treatment=n1, n_control=n0)
