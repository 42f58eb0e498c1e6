"""Two-stage least squares with robust standard errors, as ``estimatr::iv_robust``.

One endogenous regressor (take-up ``d``), one instrument (random assignment ``z``) and
exogenous regressors ``W`` (intercept, stratum dummies, covariates):

* first stage: ``d`` on ``[1, z, W]`` by OLS, fitted ``d̂``;
* second stage: ``β = (X̂'X̂)⁻¹ X̂'y`` with ``X̂ = [1, d̂, W]``; residuals ``e = y − Xβ`` use
  the *observed* ``X = [1, d, W]``;
* covariance: the sandwich of the second stage with ``X̂`` as the design and ``e`` as the
  residuals — HC0–HC3 (leverages of ``X̂``; ``n − k`` degrees of freedom) or cluster-robust
  CR2 / Stata CR1 from :mod:`~impact.analysis.rct.cr2`;
* first-stage F: the robust Wald statistic of ``z`` in the first stage with the same
  covariance type, ``π̂² / V(π̂)`` — what ``iv_robust(..., diagnostics = TRUE)`` reports as
  the weak-instrument test (``diagnostic_first_stage_fstatistic``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cr2 import cluster_covariance

#: Covariance types of :func:`robust_covariance`; the last two need clusters.
HC_TYPES = ("HC0", "HC1", "HC2", "HC3")
CLUSTER_TYPES = ("CR2", "stata")


def robust_covariance(
    x: np.ndarray, resid: np.ndarray, se_type: str, cluster: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Sandwich covariance of least squares and the degrees of freedom of each coefficient.

    Parameters
    ----------
    x : ndarray, n × k
        The design (for 2SLS the fitted design ``X̂``).
    resid : ndarray, n
        Residuals.
    se_type : {"HC0", "HC1", "HC2", "HC3", "CR2", "stata"}
        Heteroskedasticity-robust (``n − k`` df) or cluster-robust (see :mod:`.cr2`).
    cluster : ndarray, optional
        Cluster labels, for ``"CR2"`` and ``"stata"``.
    """
    if se_type in CLUSTER_TYPES:
        cc = cluster_covariance(x, resid, cluster, se_type)
        return cc.cov, cc.df
    n, k = x.shape
    bread = np.linalg.inv(x.T @ x)
    omega = resid**2
    if se_type == "HC1":
        omega = omega * n / (n - k)
    elif se_type in ("HC2", "HC3"):
        leverage = np.einsum("ij,jk,ik->i", x, bread, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            omega = omega / (1 - leverage) ** (1 if se_type == "HC2" else 2)
    cov = bread @ (x.T * omega) @ x @ bread
    return cov, np.full(k, float(n - k))


@dataclass(frozen=True)
class IvFit:
    """A 2SLS fit: coefficients of ``[1, d, W]``, their SEs and df, the first stage and the
    reduced form (the ITT of the same model: ``y`` on ``[1, z, W]``, same covariance type)."""

    params: np.ndarray
    bse: np.ndarray
    df: np.ndarray
    first_stage: float
    first_stage_f: float
    reduced_form: float
    reduced_form_se: float
    reduced_form_df: float


def fit_2sls(
    y: np.ndarray,
    d: np.ndarray,
    z: np.ndarray,
    exog: np.ndarray,
    se_type: str,
    cluster: np.ndarray | None = None,
) -> IvFit:
    """Just-identified 2SLS of ``y`` on ``d`` instrumented by ``z``, with exogenous ``exog``.

    Parameters
    ----------
    y, d, z : ndarray, n
        Outcome, endogenous regressor (take-up 0/1) and instrument (assignment 0/1).
    exog : ndarray, n × m
        Exogenous regressors; the first column is the intercept.
    se_type : str
        One of :data:`HC_TYPES` or :data:`CLUSTER_TYPES`.
    cluster : ndarray, optional
        Cluster labels (cluster-robust types).

    Returns
    -------
    IvFit
        ``params[1]`` is the effect of ``d`` (the CACE / LATE).
    """
    instruments = np.column_stack([exog[:, :1], z, exog[:, 1:]])
    pi, *_ = np.linalg.lstsq(instruments, d, rcond=None)
    fitted = instruments @ pi
    fs_cov, _ = robust_covariance(instruments, d - fitted, se_type, cluster)
    first_stage_f = float(pi[1] ** 2 / fs_cov[1, 1]) if fs_cov[1, 1] > 0 else float("nan")
    rf, *_ = np.linalg.lstsq(instruments, y, rcond=None)
    rf_cov, rf_df = robust_covariance(instruments, y - instruments @ rf, se_type, cluster)
    x_hat = np.column_stack([exog[:, :1], fitted, exog[:, 1:]])
    x_obs = np.column_stack([exog[:, :1], d, exog[:, 1:]])
    beta, *_ = np.linalg.lstsq(x_hat, y, rcond=None)
    cov, df = robust_covariance(x_hat, y - x_obs @ beta, se_type, cluster)
    with np.errstate(invalid="ignore"):
        bse = np.sqrt(np.diag(cov))
    rf_se = float(np.sqrt(rf_cov[1, 1])) if rf_cov[1, 1] > 0 else float("nan")
    return IvFit(beta, bse, df, float(pi[1]), first_stage_f, float(rf[1]), rf_se, float(rf_df[1]))
