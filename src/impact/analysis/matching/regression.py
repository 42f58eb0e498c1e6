"""Weighted least squares with heteroskedasticity- or cluster-robust standard errors.

A small direct implementation (normal equations on the weighted design) because the
person-month panels are long and the designs narrow; results equal R's
``lm(weights = w)`` with ``sandwich::vcovHC(type = "HC1")`` or
``sandwich::vcovCL(cluster = ~person, type = "HC1")`` (checked in
``tests/test_matching_reference.py``). Intervals and p-values use the normal distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from impact.errors import AnalysisError


@dataclass(frozen=True)
class WlsFit:
    """Coefficients and robust covariance of a weighted least-squares fit."""

    params: pd.Series
    cov: pd.DataFrame
    n: int

    def row(self, term: str, level: float = 0.95) -> dict:
        """``estimate``, ``std_error``, ``ci_lower``, ``ci_upper``, ``p_value``, ``n``."""
        est = float(self.params[term])
        se = float(np.sqrt(self.cov.loc[term, term]))
        z = stats.norm.ppf(0.5 + level / 2)
        p = float(2 * stats.norm.sf(abs(est / se))) if se > 0 else float("nan")
        return {
            "estimate": est,
            "std_error": se,
            "ci_lower": est - z * se,
            "ci_upper": est + z * se,
            "p_value": p,
            "n": self.n,
        }


def wls(
    y: np.ndarray, x: pd.DataFrame, w: np.ndarray, clusters: np.ndarray | None = None
) -> WlsFit:
    """Fit ``y ~ x`` (``x`` includes any intercept) with weights ``w`` > 0.

    Parameters
    ----------
    y, w : array
    x : DataFrame
        Design matrix; column names become the coefficient names.
    clusters : array, optional
        Cluster labels: CR1 errors ``G/(G−1)·(N−1)/(N−K)``; without, HC1 ``N/(N−K)``.

    Raises
    ------
    AnalysisError
        Collinear design (e.g. a group with no rows).
    """
    xm = x.to_numpy(float)
    y = np.asarray(y, float)
    w = np.asarray(w, float)
    n, k = xm.shape
    xtw = xm.T * w
    xtwx = xtw @ xm
    if n <= k or np.linalg.matrix_rank(xtwx) < k:
        raise AnalysisError(
            "outcome regression: the design is collinear (too few people in a group or month)"
        )
    bread = np.linalg.inv(xtwx)
    beta = bread @ (xtw @ y)
    scores = xm * (w * (y - xm @ beta))[:, None]
    if clusters is None:
        meat = scores.T @ scores
        factor = n / (n - k)
    else:
        codes, _ = pd.factorize(pd.Series(clusters))
        g = codes.max() + 1
        order = np.argsort(codes, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
        summed = np.add.reduceat(scores[order], starts, axis=0)
        meat = summed.T @ summed
        factor = g / (g - 1) * (n - 1) / (n - k)
    cov = factor * bread @ meat @ bread
    names = list(x.columns)
    return WlsFit(pd.Series(beta, index=names), pd.DataFrame(cov, index=names, columns=names), n)
