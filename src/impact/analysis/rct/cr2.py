"""Cluster-robust covariance: CR2 (Bell–McCaffrey) with Satterthwaite degrees of freedom.

One implementation, used by the OLS of :mod:`~impact.analysis.rct.models` and by the 2SLS of
:mod:`~impact.analysis.rct.iv`. With ``X`` the design (for 2SLS: the first-stage fitted
design), ``M = (X'X)⁻¹``, ``e`` the residuals and ``g`` the clusters:

* **CR2** (Bell & McCaffrey 2002): ``V = M Σ_g X_g' A_g e_g e_g' A_g X_g M`` with
  ``A_g = (I − X_g M X_g')^(−1/2)``, the symmetric (pseudo-)inverse square root; eigenvalues
  below 1e-12 are treated as zero, as in ``estimatr``.
* **Satterthwaite degrees of freedom** per coefficient ``p`` under the working model of
  independent, homoskedastic errors (Bell & McCaffrey 2002; Imbens & Kolesár 2016;
  Pustejovsky & Tipton 2018): with ``G`` the n × J matrix whose column ``g`` is
  ``(I − H)_{·g} A_g X_g M e_p``, ``df = tr(G'G)² / tr((G'G)²)``. ``G'G`` is formed without
  the n × n hat matrix: ``G'G = diag(|u_g|²) − W' M W`` with ``u_g = A_g X_g M e_p`` and
  ``W_{·g} = X_g' u_g``.
* **Tests of several coefficients** (:func:`wald_test_htz`): the Wald statistic with the CR2
  covariance and the HTZ small-sample correction of Pustejovsky & Tipton (2018), as
  ``clubSandwich::Wald_test(test = "HTZ")``.
* **CR1** (``"stata"``): ``G/(G−1)·(N−1)/(N−K)`` times the CR0 sandwich, ``G − 1`` degrees of
  freedom for every coefficient.

These equal ``estimatr::lm_robust(se_type = "CR2")`` / ``iv_robust`` and
``clubSandwich::coef_test(vcov = "CR2", test = "Satterthwaite")`` (strata fixed effects as
dummy columns of ``X``); see ``tests/reference/cace.R``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy import stats

#: Eigenvalues of ``I − H_gg`` below this are treated as zero (pseudo-inverse), as estimatr.
EIGEN_TOL = 1e-12


@dataclass(frozen=True)
class ClusterCovariance:
    """A cluster-robust covariance matrix and its degrees of freedom per coefficient.

    For CR2, ``blocks`` (each cluster's ``A_g X_g M``), ``xs`` (each cluster's ``X_g``) and
    ``bread`` (``M``) are kept for tests of linear combinations (:func:`wald_test_htz`).
    """

    cov: np.ndarray
    df: np.ndarray
    n_clusters: int
    blocks: tuple[np.ndarray, ...] = ()
    xs: tuple[np.ndarray, ...] = ()
    bread: np.ndarray | None = None


def _inv_sqrt(matrix: np.ndarray) -> np.ndarray:
    """Symmetric inverse square root; eigenvalues below :data:`EIGEN_TOL` are set to zero."""
    values, vectors = np.linalg.eigh(matrix)
    scale = np.zeros_like(values)
    keep = values > EIGEN_TOL
    scale[keep] = 1.0 / np.sqrt(values[keep])
    return (vectors * scale) @ vectors.T


def _groups(cluster: np.ndarray) -> list[np.ndarray]:
    """Row indices of each cluster, in order of the sorted cluster codes."""
    codes, _ = pd.factorize(pd.Series(cluster), sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(order, bounds)


def _satterthwaite(blocks: list[np.ndarray], xs: list[np.ndarray], bread: np.ndarray):
    """Degrees of freedom of every coefficient from the per-cluster ``A_g X_g M`` blocks."""
    k = bread.shape[0]
    norms = np.array([np.sum(b * b, axis=0) for b in blocks])  # J × k: |u_g|² per coefficient
    w = np.stack([x.T @ b for x, b in zip(xs, blocks, strict=True)], axis=1)  # k × J × k
    df = np.empty(k)
    for p in range(k):
        wp = w[:, :, p]
        gtg = np.diag(norms[:, p]) - wp.T @ bread @ wp
        df[p] = np.trace(gtg) ** 2 / np.sum(gtg * gtg)
    return df


def cluster_covariance(
    x: np.ndarray, resid: np.ndarray, cluster: np.ndarray, kind: str = "CR2"
) -> ClusterCovariance:
    """CR2 (with Satterthwaite df) or Stata CR1 (df G − 1) covariance of least squares.

    Parameters
    ----------
    x : ndarray, n × k
        The design (full column rank). For 2SLS, the first-stage fitted design.
    resid : ndarray, n
        Residuals (for 2SLS: ``y − X β`` with the original, not fitted, regressors).
    cluster : ndarray, n
        Cluster labels or codes.
    kind : {"CR2", "stata"}
        Which estimator.

    Returns
    -------
    ClusterCovariance
    """
    x = np.asarray(x, dtype=float)
    resid = np.asarray(resid, dtype=float)
    bread = np.linalg.inv(x.T @ x)
    groups = _groups(np.asarray(cluster))
    n, k = x.shape
    n_clusters = len(groups)
    xs = [x[g] for g in groups]
    if kind == "stata":
        scores = np.array([xg.T @ resid[g] for xg, g in zip(xs, groups, strict=True)])
        factor = n_clusters / (n_clusters - 1) * (n - 1) / (n - k)
        cov = factor * bread @ (scores.T @ scores) @ bread
        return ClusterCovariance(cov, np.full(k, float(n_clusters - 1)), n_clusters)
    blocks: list[np.ndarray] = []
    scores = np.empty((n_clusters, k))
    for j, (xg, g) in enumerate(zip(xs, groups, strict=True)):
        adjust = _inv_sqrt(np.eye(len(g)) - xg @ bread @ xg.T)
        scores[j] = xg.T @ (adjust @ resid[g])
        blocks.append(adjust @ xg @ bread)
    cov = bread @ (scores.T @ scores) @ bread
    df = _satterthwaite(blocks, xs, bread)
    return ClusterCovariance(cov, df, n_clusters, tuple(blocks), tuple(xs), bread)


@dataclass(frozen=True)
class ClusterFit:
    """OLS with a cluster-robust covariance; read by :func:`~.models.coefficient`.

    Offers what the RCT code reads from statsmodels results: ``params``, ``bse``,
    ``cov_params()``, ``model.exog_names``, plus ``df_by_coefficient`` (the degrees of
    freedom of each coefficient) and ``cov_type``.
    """

    params: np.ndarray
    bse: np.ndarray
    covariance: np.ndarray
    df_by_coefficient: np.ndarray
    names: tuple[str, ...]
    cov_type: str
    n_clusters: int
    detail: ClusterCovariance | None = None

    @property
    def model(self) -> SimpleNamespace:
        """The regressors' names, where statsmodels keeps them."""
        return SimpleNamespace(exog_names=list(self.names))

    def cov_params(self) -> np.ndarray:
        """The covariance matrix of the coefficients."""
        return self.covariance


def fit_clustered(
    y: np.ndarray, design: pd.DataFrame, cluster: np.ndarray, kind: str = "CR2"
) -> ClusterFit:
    """OLS of ``y`` on ``design`` with a CR2 or Stata CR1 covariance (see the module notes)."""
    x = design.to_numpy(dtype=float)
    params, *_ = np.linalg.lstsq(x, np.asarray(y, dtype=float), rcond=None)
    cc = cluster_covariance(x, y - x @ params, cluster, kind)
    with np.errstate(invalid="ignore"):
        bse = np.sqrt(np.diag(cc.cov))
    return ClusterFit(params, bse, cc.cov, cc.df, tuple(design.columns), kind, cc.n_clusters, cc)


def _p_array(cc: ClusterCovariance, constraints: np.ndarray) -> np.ndarray:
    """``P[i, j]`` (J × J) = ``G_i' G_j`` for constraint rows ``i, j`` (see the module notes)."""
    u = [b @ constraints.T for b in cc.blocks]  # per cluster: n_g × q
    w = np.stack([x.T @ ug for x, ug in zip(cc.xs, u, strict=True)], axis=1)  # k × J × q
    q = constraints.shape[0]
    p = np.empty((q, q, len(u), len(u)))
    for i in range(q):
        for j in range(q):
            p[i, j] = (
                np.diag([ug[:, i] @ ug[:, j] for ug in u]) - w[:, :, i].T @ cc.bread @ (w[:, :, j])
            )
    return p


def wald_test_htz(fit: ClusterFit, constraints: np.ndarray) -> dict[str, float]:
    """Wald test of ``C β = 0`` with the CR2 covariance and the HTZ small-sample correction.

    Pustejovsky & Tipton (2018), as ``clubSandwich::Wald_test(test = "HTZ")``: with ``Q`` the
    Wald statistic and ``ν = q(q+1) / Σ_st Var_st`` (the variances of the normalised
    covariance estimator under the working model), ``F = (ν − q + 1)/ν · Q/q`` on ``q`` and
    ``ν − q + 1`` degrees of freedom. With one constraint this is the square of the
    Satterthwaite t-test.

    Returns
    -------
    dict
        ``f_statistic``, ``df_num``, ``df_denom``, ``p_value``.
    """
    c = np.atleast_2d(np.asarray(constraints, dtype=float))
    q = c.shape[0]
    est = c @ fit.params
    wald = float(est @ np.linalg.solve(c @ fit.covariance @ c.T, est))
    p = _p_array(fit.detail, c)
    omega = np.trace(p, axis1=2, axis2=3)
    values, vectors = np.linalg.eigh(omega)
    root = (vectors / np.sqrt(values)) @ vectors.T
    b = np.einsum("si,ijgh,jt->stgh", root, p, root)
    var = np.empty((q, q))
    for s_ in range(q):
        for t in range(q):
            var[s_, t] = np.sum(b[s_, t] * b[t, s_]) + np.sum(b[s_, s_] * b[t, t])
    nu = q * (q + 1) / var.sum()
    df_denom = nu - q + 1
    f = max(df_denom / nu, 0.0) * wald / q
    p_value = float(stats.f.sf(f, q, df_denom)) if df_denom > 0 else float("nan")
    return {"f_statistic": f, "df_num": float(q), "df_denom": df_denom, "p_value": p_value}
