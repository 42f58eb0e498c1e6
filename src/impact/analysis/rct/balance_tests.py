"""The regression-based balance tests of :func:`impact.analysis.rct.balance` (as ``iebaltab``).

Per covariate (``difference_*`` columns): the covariate regressed on the treatment indicator
with stratum fixed effects, ``x = a + b·z + strata + e``, in the rows where it is observed; the
test of ``b = 0`` uses the declared standard errors — HC2 by default, cluster-robust CR1 with
the Stata small-sample factor (``"stata"``, t with G − 1 df) or CR2 (the default with a cluster:
Bell–McCaffrey with Satterthwaite df, joint test by clubSandwich's HTZ Wald test). This is
Stata ``iebaltab``'s difference test with ``fixedeffect()`` and ``vce()``.

Omnibus (``wald_*`` columns, ``iebaltab``'s ``ftest``): the treatment indicator regressed on all
covariates and the stratum dummies; a Wald F-test that every covariate coefficient is zero with
the same declared covariance, ``F = (Rb)'(R V R')⁻¹(Rb) / q`` on ``(q, n − k)`` df (``G − 1``
with clusters). Its randomisation version (``ri_p``) re-draws the assignment within strata
among all randomised people (the draws of :mod:`.randomisation`), recomputes the HC2 Wald F on
the sample's complete rows and reports ``(1 + #{F* ≥ F}) / (1 + B)``; under the sharp null that
assignment is independent of the covariates this p-value is exact.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .cr2 import wald_test_htz
from .design import SeType
from .models import coefficient, fit_ols

_CHUNK_ELEMENTS = 2_000_000


def difference_test(
    x: np.ndarray,
    z: np.ndarray,
    strata: pd.DataFrame,
    cluster: np.ndarray | None,
    se_type: SeType,
    confidence_level: float = 0.95,
) -> dict:
    """Regression of one covariate on treatment (+ stratum dummies) with the declared SEs.

    Parameters
    ----------
    x : ndarray
        Covariate values (NaN where not observed; those rows are left out).
    z : ndarray
        Treatment indicator of the same rows.
    strata : DataFrame
        Stratum dummies of the same rows (may have no columns).
    cluster : ndarray of int, optional
        Cluster codes (``se_type="stata"``).
    se_type : {"HC0", "HC1", "HC2", "HC3", "stata"}
        Covariance estimator.
    confidence_level : float
        Not reported; kept for the shared coefficient helper.

    Returns
    -------
    dict
        ``difference``, ``difference_se``, ``difference_df``, ``difference_p`` (NaN with a
        ``note`` when not estimable).
    """
    ok = ~np.isnan(x)
    nan = float("nan")
    empty = {"difference": nan, "difference_se": nan, "difference_df": nan, "difference_p": nan}
    if ok.sum() < 3 or z[ok].min() == z[ok].max():
        return empty | {"note": "too few observed values for the regression test"}
    design = pd.concat(
        [
            pd.DataFrame({"(Intercept)": 1.0, "z": z[ok]}, index=strata.index[ok]),
            strata[ok],
        ],
        axis=1,
    )
    keep = design.loc[:, (design != 0).any(axis=0)]  # a stratum with no observed value
    rank = np.linalg.matrix_rank(keep.to_numpy())
    if rank < keep.shape[1] or len(keep) <= keep.shape[1]:
        return empty | {"note": "regression test not possible (collinear design)"}
    groups = None if cluster is None else cluster[ok]
    coef = coefficient(fit_ols(x[ok], keep, se_type, groups), "z", confidence_level)
    return {
        "difference": coef.estimate,
        "difference_se": coef.std_error,
        "difference_df": coef.df,
        "difference_p": coef.p_value,
        "note": coef.note,
    }


def wald_test(
    z: np.ndarray,
    full: pd.DataFrame,
    q: int,
    se_type: SeType,
    cluster: np.ndarray | None,
) -> dict:
    """Robust Wald F-test that the last ``q`` coefficients of ``z ~ full`` are zero."""
    fit = fit_ols(z, full, se_type, cluster)
    constraint = np.zeros((q, full.shape[1]))
    constraint[:, full.shape[1] - q :] = np.eye(q)
    if se_type == "CR2":  # clubSandwich's HTZ test, as the heterogeneity test with clusters
        htz = wald_test_htz(fit, constraint)
        return {
            "wald_f": htz["f_statistic"],
            "wald_df_num": htz["df_num"],
            "wald_df_denom": htz["df_denom"],
            "wald_p": htz["p_value"],
            "wald_se_type": se_type,
        }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wald = fit.f_test(constraint)
    return {
        "wald_f": float(np.squeeze(wald.fvalue)),
        "wald_df_num": float(q),
        "wald_df_denom": float(wald.df_denom),
        "wald_p": float(wald.pvalue),
        "wald_se_type": se_type,
    }


def hc2_wald_statistics(assignments: np.ndarray, full: np.ndarray, q: int) -> np.ndarray:
    """HC2 Wald F of the last ``q`` columns of ``full`` for every row of ``assignments``.

    Parameters
    ----------
    assignments : ndarray (draws × n)
        0/1 treatment of the sample's rows, one draw per row.
    full : ndarray (n × k)
        Intercept, stratum dummies and covariates, full column rank.
    q : int
        Number of tested (trailing) columns.

    Returns
    -------
    ndarray (draws,)
        F statistics (NaN where the covariance is singular).
    """
    n, k = full.shape
    bread = np.linalg.inv(full.T @ full)
    hat = np.einsum("ij,jk,ik->i", full, bread, full)
    scale = 1.0 / np.clip(1.0 - hat, 1e-12, None)
    out = np.full(assignments.shape[0], np.nan)
    chunk = max(1, _CHUNK_ELEMENTS // max(1, n * k))
    tested = slice(k - q, k)
    for start in range(0, assignments.shape[0], chunk):
        y = assignments[start : start + chunk].astype(float)
        coef = y @ full @ bread  # draws × k
        resid = y - coef @ full.T
        weights = resid**2 * scale
        meat = np.einsum("dn,nk,nl->dkl", weights, full, full)
        cov = bread @ meat @ bread
        sub = cov[:, tested, tested]
        b = coef[:, tested]
        for d in range(b.shape[0]):
            try:
                out[start + d] = b[d] @ np.linalg.solve(sub[d], b[d]) / q
            except np.linalg.LinAlgError:
                continue
    return out


def ri_p_value(observed: float, null: np.ndarray) -> tuple[float, int]:
    """``(1 + #{F* ≥ F}) / (1 + B)`` over the finite draws, and ``B``."""
    finite = null[np.isfinite(null)]
    if not np.isfinite(observed) or finite.size == 0:
        return float("nan"), 0
    extreme = int(np.sum(finite >= observed * (1 - 1e-10)))
    return (1 + extreme) / (1 + finite.size), int(finite.size)
