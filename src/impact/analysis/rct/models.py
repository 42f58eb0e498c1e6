"""The two regression engines: OLS with robust SEs (as ``estimatr``) and the logit AME.

Both are thin wrappers around statsmodels that return plain numbers for one coefficient, so
the ITT, heterogeneity and component analyses share one tested code path.

* :func:`fit_ols` — ``statsmodels.OLS`` with ``cov_type`` HC0–HC3 and ``use_t=True``: the
  t reference distribution has n − k degrees of freedom, exactly as
  ``estimatr::lm_robust(se_type="HC2")``. ``se_type="stata"`` is cluster-robust CR1 with the
  Stata factor G/(G−1)·(N−1)/(N−K) and G − 1 degrees of freedom, as
  ``lm_robust(se_type="stata")``. ``se_type="CR2"`` is the bias-reduced cluster-robust
  covariance with Satterthwaite (Bell–McCaffrey) degrees of freedom per coefficient
  (:mod:`~impact.analysis.rct.cr2`), as ``lm_robust(se_type="CR2")``: the default with clusters.
* :func:`logit_ame` — logit of the outcome on the same regressors; the average marginal
  effect of a 0/1 regressor is the mean of p(x, d=1) − p(x, d=0) over the sample, with a
  delta-method SE (statsmodels ``get_margeff(at="overall", dummy=True)``). Under complete or
  quasi-complete separation, or when the fit does not converge, the AME is reported as missing
  with a note instead of a meaningless number.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from .cr2 import fit_clustered
from .design import SeType

#: The columns of :meth:`Coefficient.columns`, in order.
ESTIMATE_COLUMNS = [
    "estimate",
    "std_error",
    "df",
    "p_value",
    "conf_low",
    "conf_high",
    "estimate_pp",
]


@dataclass(frozen=True)
class Coefficient:
    """One estimated coefficient with its inference (NaN where not estimable)."""

    estimate: float
    std_error: float
    statistic: float
    df: float
    p_value: float
    conf_low: float
    conf_high: float
    note: str = ""

    def columns(self) -> dict:
        """The :data:`ESTIMATE_COLUMNS`: the inference, and the estimate in points (×100)."""
        return {
            "estimate": self.estimate,
            "std_error": self.std_error,
            "df": self.df,
            "p_value": self.p_value,
            "conf_low": self.conf_low,
            "conf_high": self.conf_high,
            "estimate_pp": 100 * self.estimate,
        }


def missing_coefficient(note: str) -> Coefficient:
    """A coefficient that could not be estimated, with the reason."""
    nan = float("nan")
    return Coefficient(nan, nan, nan, nan, nan, nan, nan, note)


def fit_ols(
    y: np.ndarray,
    design: pd.DataFrame,
    se_type: SeType = "HC2",
    cluster: np.ndarray | None = None,
):
    """Fit OLS with robust covariance; returns the statsmodels results object.

    Parameters
    ----------
    y : ndarray
        Outcome (floats).
    design : DataFrame
        Regressors including the intercept column.
    se_type : {"HC0", "HC1", "HC2", "HC3", "CR2", "stata"}
        Covariance estimator; ``"CR2"`` and ``"stata"`` need ``cluster``.
    cluster : ndarray of int, optional
        Cluster codes for ``"CR2"`` and ``"stata"``.
    """
    if se_type == "CR2":
        return fit_clustered(y, design, cluster, "CR2")
    model = sm.OLS(y, design)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if se_type == "stata":
            return model.fit(cov_type="cluster", cov_kwds={"groups": cluster}, use_t=True)
        return model.fit(cov_type=se_type, use_t=True)


def coefficient(results, name: str, confidence_level: float) -> Coefficient:
    """Extract one coefficient with t-based inference from :func:`fit_ols` results."""
    names = list(results.model.exog_names)
    j = names.index(name)
    est, se = float(np.asarray(results.params)[j]), float(np.asarray(results.bse)[j])
    by_coefficient = getattr(results, "df_by_coefficient", None)
    if by_coefficient is not None:
        df = float(by_coefficient[j])
    else:
        df = float(getattr(results, "df_resid_inference", None) or results.df_resid)
    return t_inference(est, se, df, confidence_level)


def t_inference(est: float, se: float, df: float, confidence_level: float) -> Coefficient:
    """A coefficient with its t statistic, two-sided p-value and CI on ``df`` degrees of
    freedom (SE, t, p and CI missing, with a note, when ``se`` is not positive)."""
    if not np.isfinite(se) or se <= 0:
        nan = float("nan")
        note = "standard error not defined (no residual variation or leverage 1)"
        return Coefficient(est, nan, nan, df, nan, nan, nan, note)
    t = est / se
    crit = stats.t.ppf(0.5 + confidence_level / 2, df)
    return Coefficient(
        est, se, t, df, float(2 * stats.t.sf(abs(t), df)), est - crit * se, est + crit * se
    )


def logit_ame(
    y: np.ndarray, design: pd.DataFrame, name: str, confidence_level: float
) -> Coefficient:
    """Average marginal effect of the 0/1 regressor ``name`` from a logit; NA under separation.

    Parameters
    ----------
    y : ndarray
        0/1 outcome.
    design : DataFrame
        Regressors including the intercept column; ``name`` must be a 0/1 column.
    name : str
        The regressor whose AME is wanted.
    confidence_level : float
        For the normal-theory CI.
    """
    if np.all(y == y[0]):
        return missing_coefficient("logit not estimable: outcome has one value")
    d = design[name].to_numpy()
    for value in (0.0, 1.0):
        ys = y[d == value]
        if ys.size and np.all(ys == ys[0]):
            return missing_coefficient(
                f"logit not estimable: perfect separation (outcome constant where {name}={value:g})"
            )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = sm.Logit(y, design).fit(disp=0, maxiter=200, method="newton")
        except (PerfectSeparationError, np.linalg.LinAlgError) as exc:
            return missing_coefficient(f"logit not estimable: {exc}")
    trouble = (PerfectSeparationWarning, ConvergenceWarning, HessianInversionWarning)
    fitted = res.predict()
    if (
        any(issubclass(w.category, trouble) for w in caught)
        or not res.mle_retvals.get("converged", False)
        or np.any(fitted < 1e-8)
        or np.any(fitted > 1 - 1e-8)
    ):
        return missing_coefficient("logit not estimable: (quasi-)complete separation")
    margeff = res.get_margeff(at="overall", method="dydx", dummy=True)
    idx = list(design.columns).index(name) - 1  # margeff omits the intercept
    est, se = float(margeff.margeff[idx]), float(margeff.margeff_se[idx])
    z = est / se
    crit = stats.norm.ppf(0.5 + confidence_level / 2)
    return Coefficient(
        est, se, z, float("inf"), float(2 * stats.norm.sf(abs(z))), est - crit * se, est + crit * se
    )
