"""Power of the two-sample test of proportions under three normal approximations.

All functions are vectorised over numpy arrays and take the numbers *analysed* per arm and the
variance factor (design effect × (1 − R²)); they never validate (the public solvers do).

Methods
-------
``"unpooled"``
    Wald z-test with the unpooled variance ``p1 q1 / n1 + p0 q0 / n0`` under both the null and
    the alternative. This is the test the package's ITT estimator performs (a difference in
    means with HC2 standard errors), so simulations agree with it. statsmodels:
    ``normal_power_het`` with ``std_null = std_alternative``.
``"pooled"``
    Fleiss' formula: the pooled proportion ``p̄ = (n1 p1 + n0 p0) / (n1 + n0)`` gives the
    variance under the null, the unpooled variance applies under the alternative.
    statsmodels: ``power_proportions_2indep``; R: ``power.prop.test`` (equal arms only;
    ``strict = TRUE`` to count both rejection regions, as here).
``"arcsine"``
    Cohen's ``h = 2 asin √p1 − 2 asin √p0`` with variance ``1/n1 + 1/n0``. R:
    ``pwr::pwr.2p2n.test``; statsmodels: ``NormalIndPower`` with ``effect_size = h``.

Two-sided power counts both rejection regions (as ``pwr`` and statsmodels do); one-sided
power is for the test in the direction of the effect.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from impact.analysis.power.design import Method


def cohens_h(p_treatment: np.ndarray | float, p_control: np.ndarray | float) -> np.ndarray:
    """Cohen's effect size ``h = 2 asin √p_treatment − 2 asin √p_control``."""
    return 2.0 * np.arcsin(np.sqrt(p_treatment)) - 2.0 * np.arcsin(np.sqrt(p_control))


def rate_from_h(h: np.ndarray | float, p_control: np.ndarray | float) -> np.ndarray:
    """The treatment rate at Cohen's ``h`` from ``p_control`` (NaN if beyond 0 or 1)."""
    angle = np.arcsin(np.sqrt(p_control)) + np.asarray(h) / 2.0
    inside = (angle >= 0.0) & (angle <= np.pi / 2.0)
    return np.where(inside, np.sin(np.clip(angle, 0.0, np.pi / 2.0)) ** 2, np.nan)


def critical_value(alpha: float, sides: int) -> float:
    """The standard normal critical value for a ``sides``-sided test at level ``alpha``."""
    return float(ndtri(1.0 - alpha / sides))


def standard_errors(
    p_control: np.ndarray | float,
    p_treatment: np.ndarray | float,
    n_treatment: np.ndarray | float,
    n_control: np.ndarray | float,
    method: Method,
    variance_factor: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The effect on the method's scale and its standard errors under the null and alternative.

    Returns
    -------
    effect, se_null, se_alternative : numpy.ndarray
        ``effect`` is the rate difference (``h`` for the arcsine method).
    """
    p0 = np.asarray(p_control, dtype=float)
    p1 = np.asarray(p_treatment, dtype=float)
    n1 = np.asarray(n_treatment, dtype=float)
    n0 = np.asarray(n_control, dtype=float)
    if method == "arcsine":
        effect = cohens_h(p1, p0)
        se = np.sqrt(variance_factor * (1.0 / n1 + 1.0 / n0))
        return effect, se, se
    effect = p1 - p0
    se_alt = np.sqrt(variance_factor * (p1 * (1.0 - p1) / n1 + p0 * (1.0 - p0) / n0))
    if method == "unpooled":
        return effect, se_alt, se_alt
    pooled = (n1 * p1 + n0 * p0) / (n1 + n0)
    se_null = np.sqrt(variance_factor * pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n0))
    return effect, se_null, se_alt


def power_of_test(
    p_control: np.ndarray | float,
    p_treatment: np.ndarray | float,
    n_treatment: np.ndarray | float,
    n_control: np.ndarray | float,
    *,
    alpha: float,
    sides: int,
    method: Method,
    variance_factor: float = 1.0,
) -> np.ndarray:
    """Probability that the test rejects, given the true rates and the numbers analysed.

    Parameters
    ----------
    p_control, p_treatment : array_like
        True rates in the control and treatment arms (in [0, 1]).
    n_treatment, n_control : array_like
        Numbers analysed per arm (may be non-integer expectations).
    alpha : float
        Significance level.
    sides : {1, 2}
        Two-sided, or one-sided in the direction of the effect.
    method : {"unpooled", "pooled", "arcsine"}
        Variance method (module docstring).
    variance_factor : float
        Design effect × (1 − R²).

    Returns
    -------
    numpy.ndarray
        Power in [0, 1].
    """
    effect, se_null, se_alt = standard_errors(
        p_control, p_treatment, n_treatment, n_control, method, variance_factor
    )
    size = np.abs(effect)
    z = critical_value(alpha, sides)
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = ndtr((size - z * se_null) / se_alt)
        if sides == 1:
            return np.where(se_alt > 0, upper, np.where(size > 0, 1.0, 0.0))
        lower = ndtr((-size - z * se_null) / se_alt)
    return np.where(se_alt > 0, upper + lower, np.where(size > 0, 1.0, 0.0))
