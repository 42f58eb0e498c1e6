"""Covariate-adjusted group difference: logistic regression and its average marginal effect.

The model is ``logit P(y = 1) = β0 + β1·[group = a] + γ'covariates`` fitted by maximum
likelihood (statsmodels GLM, binomial family, model-based covariance — the same fit as R's
``glm(family = binomial)``). The adjusted difference reported is the **average marginal
effect** of the group: the mean over the people in the model of the predicted probability with
the group indicator set to 1 minus the prediction with it set to 0,

.. math:: \\mathrm{AME} = \\frac1n\\sum_i \\big[\\Lambda(x_i^{(1)}\\beta) -
          \\Lambda(x_i^{(0)}\\beta)\\big],

on the percentage-point scale of the raw difference. Its standard error comes from the delta
method with the analytic gradient

.. math:: g = \\frac1n\\sum_i \\big[\\Lambda'(x_i^{(1)}\\beta)\\,x_i^{(1)} -
          \\Lambda'(x_i^{(0)}\\beta)\\,x_i^{(0)}\\big]

and :math:`SE = \\sqrt{g^\\top V g}`; the CI and p-value are normal (Wald) on that SE.

References
----------
Williams, R. (2012). Using the margins command to estimate and interpret adjusted predictions
and marginal effects. *Stata Journal* 12(2), 308–331.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from impact.analysis.outcomes.proportions import z_value
from impact.errors import InputError, Problem

#: Fewer events (or non-events) per model parameter than this triggers a caution.
MIN_EVENTS_PER_PARAMETER = 10


class AdjustedDifference(NamedTuple):
    """Average marginal effect of group ``a`` vs ``b`` from a logistic regression.

    Attributes
    ----------
    estimate, se, ci_low, ci_high, p_value : float
        AME, delta-method SE, normal CI and two-sided p-value (NaN when the model failed; the
        reason is in ``note``).
    n : int
        People in the model (complete cases).
    events_per_parameter : float
        min(events, non-events) / number of parameters.
    note : str
        Empty when the model was fitted normally, otherwise why no estimate is given.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    events_per_parameter: float
    note: str


def covariate_matrix(frame: pd.DataFrame, covariates: Sequence[str], source: str) -> pd.DataFrame:
    """Numeric design columns for ``covariates``: numbers as-is, text/categories as dummies.

    Raises
    ------
    InputError
        When a covariate column is missing from ``frame``.
    """
    missing = [c for c in covariates if c not in frame.columns]
    if missing:
        raise InputError(
            f"{source} lacks covariate columns",
            [Problem(source=source, column=c, expected="a covariate column") for c in missing],
        )
    parts = []
    for name in covariates:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_numeric_dtype(column):
            parts.append(column.astype("Float64").rename(name))
        else:
            text = column.astype("string")
            dummies = pd.get_dummies(text, prefix=name, drop_first=True, dtype=float)
            dummies = dummies.astype("Float64")
            dummies[text.isna()] = pd.NA
            parts.append(dummies)
    if not parts:
        return pd.DataFrame(index=frame.index)
    return pd.concat(parts, axis=1)


def _failed(n: int, epp: float, note: str) -> AdjustedDifference:
    nan = float("nan")
    return AdjustedDifference(nan, nan, nan, nan, nan, n, epp, note)


def logistic_ame(
    outcome: pd.Series, in_group_a: pd.Series, covariates: pd.DataFrame, level: float = 0.95
) -> AdjustedDifference:
    """Fit the logistic model and return the AME of ``in_group_a`` with a delta-method SE.

    Parameters
    ----------
    outcome : Series of bool
        The indicator (NA rows dropped).
    in_group_a : Series of bool
        True for group ``a``, False for group ``b``.
    covariates : DataFrame
        Numeric covariate columns (from :func:`covariate_matrix`); rows with any NA are dropped.
    level : float
        Confidence level.

    Returns
    -------
    AdjustedDifference
    """
    data = pd.concat([outcome.rename("_y"), in_group_a.rename("_a"), covariates], axis=1).dropna()
    n = len(data)
    y = data["_y"].astype(float).to_numpy()
    group = data["_a"].astype(float).to_numpy()
    cov = data.drop(columns=["_y", "_a"]).astype(float)
    cov = cov.loc[:, cov.nunique() > 1]  # constant covariates carry no information
    design = np.column_stack([np.ones(n), group, cov.to_numpy()])
    k = design.shape[1]
    events = float(min(y.sum(), n - y.sum())) if n else 0.0
    epp = events / k
    if n == 0 or y.min() == y.max():
        return _failed(n, epp, "no variation in the outcome among complete cases")
    if group.min() == group.max():
        return _failed(n, epp, "only one group among complete cases")
    if np.linalg.matrix_rank(design) < k:
        return _failed(n, epp, "covariates are collinear with the group")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.GLM(y, design, family=sm.families.Binomial()).fit()
        except (PerfectSeparationError, np.linalg.LinAlgError, ValueError) as error:
            return _failed(n, epp, f"logistic regression failed: {error}")
    kinds = {w.category for w in caught}
    if PerfectSeparationWarning in kinds:
        return _failed(n, epp, "perfect separation: the model cannot be estimated")
    if ConvergenceWarning in kinds or not fit.converged:
        return _failed(n, epp, "logistic regression did not converge")
    beta = np.asarray(fit.params, dtype=float)
    vcov = np.asarray(fit.cov_params(), dtype=float)
    x1, x0 = design.copy(), design.copy()
    x1[:, 1], x0[:, 1] = 1.0, 0.0
    p1 = 1.0 / (1.0 + np.exp(-(x1 @ beta)))
    p0 = 1.0 / (1.0 + np.exp(-(x0 @ beta)))
    ame = float(np.mean(p1 - p0))
    gradient = ((p1 * (1 - p1))[:, None] * x1 - (p0 * (1 - p0))[:, None] * x0).mean(axis=0)
    se = float(np.sqrt(gradient @ vcov @ gradient))
    z = z_value(level)
    p_value = float(2 * stats.norm.sf(abs(ame / se))) if se > 0 else float("nan")
    return AdjustedDifference(ame, se, ame - z * se, ame + z * se, p_value, n, epp, "")
