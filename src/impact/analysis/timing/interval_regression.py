"""Interval-censored regression of the time to a first job: parametric AFT models.

An accelerated failure time (AFT) model says ``log T = x'β + σ·W``: a coefficient ``β`` for
the treatment arm multiplies the typical time to a job by ``exp(β)`` (below 1 = faster).
``W`` follows the extreme-value distribution (**Weibull** model) or the logistic
distribution (**log-logistic** model). Each person contributes the probability of their
interval — ``S(lower) − S(upper)`` for a job seen between two waves, ``1 − S(upper)`` when
``lower`` is programme start (0), ``S(lower)`` when no job was seen — so no start month is
imputed.

The log-likelihood is maximised with :func:`scipy.optimize.minimize` (analytic gradient) and
polished by Newton steps; standard errors come from the inverse of the observed information
(numerical derivative of the analytic gradient) for ``(β, log σ)``, as R's
``survreg(Surv(l, u, type = "interval2") ~ …, dist = "weibull" | "loglogistic")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from impact.errors import AnalysisError
from impact.results import Result

Distribution = Literal["weibull", "loglogistic"]


def _survival_density(w: np.ndarray, dist: str) -> tuple[np.ndarray, np.ndarray]:
    """``S(w)`` and ``f(w)`` of the standard error distribution (0 at ±inf)."""
    with np.errstate(over="ignore", invalid="ignore"):
        if dist == "weibull":
            ew = np.exp(w)
            surv = np.exp(-ew)
            dens = ew * surv
        else:
            surv = 1.0 / (1.0 + np.exp(w))
            dens = surv * (1.0 - surv)
    dens = np.where(np.isfinite(w), dens, 0.0)
    surv = np.where(w == -np.inf, 1.0, np.where(w == np.inf, 0.0, surv))
    return surv, dens


def _pieces(theta, x, log_l, log_u, dist):
    beta, log_sigma = theta[:-1], theta[-1]
    sigma = np.exp(log_sigma)
    eta = x @ beta
    a = (log_l - eta) / sigma
    b = (log_u - eta) / sigma
    s_a, f_a = _survival_density(a, dist)
    s_b, f_b = _survival_density(b, dist)
    return sigma, a, b, s_a, f_a, s_b, f_b


def negative_loglik(theta, x, log_l, log_u, dist) -> tuple[float, np.ndarray]:
    """Minus the interval log-likelihood and its gradient in ``(β, log σ)``."""
    sigma, a, b, s_a, f_a, s_b, f_b = _pieces(theta, x, log_l, log_u, dist)
    prob = s_a - s_b
    if np.any(prob <= 0):
        return np.inf, np.zeros_like(theta)
    with np.errstate(invalid="ignore"):
        af = np.where(np.isfinite(a), a * f_a, 0.0)
        bf = np.where(np.isfinite(b), b * f_b, 0.0)
    d_eta = (f_a - f_b) / sigma / prob
    d_log_sigma = (af - bf) / prob
    grad = np.concatenate([x.T @ d_eta, [d_log_sigma.sum()]])
    return -float(np.log(prob).sum()), -grad


def _hessian(theta, args, step: float = 1e-5) -> np.ndarray:
    k = len(theta)
    h = np.zeros((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = step
        h[:, j] = negative_loglik(theta + e, *args)[1] - negative_loglik(theta - e, *args)[1]
        h[:, j] /= 2 * step
    return (h + h.T) / 2.0


def aft_fit(
    x: np.ndarray, lower: np.ndarray, upper: np.ndarray, dist: Distribution = "weibull"
) -> tuple[np.ndarray, np.ndarray, float]:
    """Maximum-likelihood AFT fit to intervals ``(lower, upper]`` (lower 0 = left-censored,
    upper inf = right-censored).

    Returns
    -------
    (theta, covariance, loglik)
        ``theta`` is ``(β, log σ)``; ``covariance`` its inverse observed information.
    """
    with np.errstate(divide="ignore"):
        log_l, log_u = np.log(lower), np.log(upper)
    args = (x, log_l, log_u, dist)
    ends = np.where(np.isfinite(upper), upper, lower)
    start = np.zeros(x.shape[1] + 1)
    start[0] = np.log(np.mean(ends[ends > 0])) if (ends > 0).any() else 0.0
    fit = optimize.minimize(
        negative_loglik,
        start,
        args=args,
        jac=True,
        method="BFGS",
        options={"gtol": 1e-10, "maxiter": 2000},
    )
    theta = fit.x
    try:
        for _ in range(20):
            grad = negative_loglik(theta, *args)[1]
            step = np.linalg.solve(_hessian(theta, args), grad)
            theta = theta - step
            if np.max(np.abs(step)) < 1e-12:
                break
        value, grad = negative_loglik(theta, *args)
        covariance = np.linalg.inv(_hessian(theta, args))
    except np.linalg.LinAlgError as error:
        raise AnalysisError(
            f"the {dist} AFT model cannot be estimated (singular "
            "information: collinear covariates?)"
        ) from error
    if not np.isfinite(value) or np.max(np.abs(grad)) > 1e-6:
        raise AnalysisError(f"the {dist} AFT model did not converge (gradient {grad})")
    return theta, covariance, -value


@dataclass(frozen=True)
class IntervalRegression(Result):
    """Interval-censored AFT models of the time to a first job.

    ``tidy()``: ``model``, ``term``, ``estimate`` (log-time coefficient; ``log(scale)`` for
    σ), ``std_error``, ``statistic``, ``p_value``, ``ci_lower``, ``ci_upper``,
    ``time_ratio`` (``exp(estimate)``, the factor on the typical time) and ``n``.
    """

    table: pd.DataFrame
    loglik: dict
    title: str = "Interval-censored regression (AFT)"

    def tidy(self) -> pd.DataFrame:
        """One row per model and term."""
        return self.table.copy()


def interval_regression(
    x: pd.DataFrame,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    distributions: tuple[Distribution, ...] = ("weibull", "loglogistic"),
    confidence_level: float = 0.95,
) -> IntervalRegression:
    """Fit the AFT models on the design ``x`` (an intercept is added) and the intervals.

    Raises
    ------
    AnalysisError
        A model that does not converge.
    """
    design = np.column_stack([np.ones(len(x)), x.to_numpy(float)])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise AnalysisError(
            f"the AFT models cannot be estimated: the covariates {list(x.columns)} are "
            "collinear (one is a combination of the others); leave one out"
        )
    terms = ["(Intercept)", *x.columns, "log(scale)"]
    z = float(stats.norm.ppf(0.5 + confidence_level / 2.0))
    rows, loglik = [], {}
    for dist in distributions:
        theta, cov, ll = aft_fit(design, np.asarray(lower, float), np.asarray(upper, float), dist)
        se = np.sqrt(np.diag(cov))
        loglik[dist] = ll
        rows.append(
            pd.DataFrame(
                {
                    "model": dist,
                    "term": terms,
                    "estimate": theta,
                    "std_error": se,
                    "statistic": theta / se,
                    "p_value": 2 * stats.norm.sf(np.abs(theta / se)),
                    "ci_lower": theta - z * se,
                    "ci_upper": theta + z * se,
                    "time_ratio": np.exp(theta),
                    "n": len(design),
                }
            )
        )
    table = pd.concat(rows, ignore_index=True)
    for column in ("model", "term"):
        table[column] = table[column].astype("string")
    return IntervalRegression(table, loglik)
