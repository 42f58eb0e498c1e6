"""Confidence intervals and tests for proportions: small pure functions behind outcome tables.

* :func:`wilson_interval` — Wilson score interval for one proportion (Wilson 1927), the interval
  R's ``prop.test(x, n, correct = FALSE)`` reports.
* :func:`difference_interval` — interval for a difference of two independent proportions:
  Newcombe's hybrid score interval (Newcombe 1998, method 10) or the Wald interval.
* :func:`two_by_two_test` — Pearson's χ² test (no continuity correction) or Fisher's exact test
  for a 2×2 table, chosen by Cochran's rule on the expected counts.
* :func:`binomial_test_against` — exact binomial test of an observed share against a target.

All functions work on plain integers / arrays and return small named results, never bare tuples.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
from scipy import stats

from impact.errors import ImpactError
from impact.validation import check_level

DifferenceMethod = Literal["newcombe", "wald"]
TestRule = Literal["cochran", "fisher", "chisq"]

DIFFERENCE_METHODS: tuple[str, ...] = ("newcombe", "wald")
TEST_RULES: tuple[str, ...] = ("cochran", "fisher", "chisq")

#: Cochran's rule for a 2×2 table: use χ² only when every expected count is at least this.
COCHRAN_MIN_EXPECTED = 5.0


class Interval(NamedTuple):
    """A confidence interval (arrays when the inputs were arrays)."""

    low: float | np.ndarray
    high: float | np.ndarray


class TableTest(NamedTuple):
    """The outcome of :func:`two_by_two_test`.

    Attributes
    ----------
    test : {"fisher", "chisq", "none"}
        The test whose p-value is in ``p_value`` ("none" when a margin is empty).
    p_value : float
        Two-sided p-value of the chosen test.
    p_fisher : float
        Two-sided p-value of Fisher's exact test (always computed).
    p_chisq : float
        p-value of Pearson's χ² test without continuity correction (NaN when a margin is empty).
    chisq : float
        Pearson's χ² statistic (1 degree of freedom).
    min_expected : float
        The smallest expected count under independence.
    """

    test: str
    p_value: float
    p_fisher: float
    p_chisq: float
    chisq: float
    min_expected: float


class BinomialTest(NamedTuple):
    """Exact binomial test of a share against a target value.

    Attributes
    ----------
    p_two_sided : float
        H1: the true share differs from the target.
    p_below : float
        H1: the true share is below the target (one-sided).
    p_above : float
        H1: the true share is above the target (one-sided).
    """

    p_two_sided: float
    p_below: float
    p_above: float


def z_value(level: float) -> float:
    """Two-sided standard normal quantile for a confidence ``level`` (1.959964 for 0.95)."""
    return float(stats.norm.ppf(1.0 - (1.0 - check_level(level)) / 2.0))


def wilson_interval(successes, n, level: float = 0.95) -> Interval:
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes, n : int or array of int
        Number of successes and of trials (``0 <= successes <= n``). Where ``n == 0`` the
        interval is NaN (no information).
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    Interval
        ``low`` and ``high``, clipped to [0, 1]; equal to R's
        ``prop.test(x, n, correct = FALSE)$conf.int``.

    Notes
    -----
    With :math:`\\hat p = x/n` and :math:`z` the normal quantile,

    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *JASA* 22, 209–212.
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    if np.any(x < 0) or np.any(x > m):
        raise ImpactError("Wilson interval: successes must lie between 0 and n")
    z = z_value(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / m
        denom = 1.0 + z * z / m
        centre = (p + z * z / (2.0 * m)) / denom
        half = z * np.sqrt(p * (1.0 - p) / m + z * z / (4.0 * m * m)) / denom
        low = np.where(m > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(m > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    # exact bounds at the edges (avoid 1e-17 rounding noise)
    low = np.where(x == 0, 0.0, low)
    high = np.where((x == m) & (m > 0), 1.0, high)
    low = np.where(m > 0, low, np.nan)
    if low.ndim == 0:
        return Interval(float(low), float(high))
    return Interval(low, high)


def difference_interval(
    x1: int, n1: int, x2: int, n2: int, level: float = 0.95, method: DifferenceMethod = "newcombe"
) -> Interval:
    """Confidence interval for ``x1/n1 - x2/n2`` (two independent proportions).

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Successes and trials in the two groups (both ``n`` > 0).
    level : float
        Confidence level.
    method : {"newcombe", "wald"}
        ``"newcombe"``: the hybrid score interval (Newcombe 1998, method 10) built from the two
        Wilson intervals; it keeps good coverage with small groups and shares near 0 or 1.
        ``"wald"``: the textbook :math:`d \\pm z\\,SE` interval (poor near 0/1 and small n).

    Returns
    -------
    Interval

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine* 17, 873–890.
    """
    if method not in DIFFERENCE_METHODS:
        raise ImpactError(
            f"difference CI method must be one of {', '.join(DIFFERENCE_METHODS)}, got {method!r}"
        )
    if n1 <= 0 or n2 <= 0:
        raise ImpactError("difference interval needs at least one observation in each group")
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    if method == "wald":
        z = z_value(level)
        se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        return Interval(float(max(d - z * se, -1.0)), float(min(d + z * se, 1.0)))
    l1, u1 = wilson_interval(x1, n1, level)
    l2, u2 = wilson_interval(x2, n2, level)
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Interval(float(low), float(high))


def two_by_two_test(x1: int, n1: int, x2: int, n2: int, rule: TestRule = "cochran") -> TableTest:
    """Test independence of group and outcome in the 2×2 table ``[[x1, n1-x1], [x2, n2-x2]]``.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Successes and trials in the two groups.
    rule : {"cochran", "fisher", "chisq"}
        ``"cochran"`` (default): Pearson's χ² test when every expected count is at least 5
        (Cochran's rule for a 2×2 table), otherwise Fisher's exact test. ``"fisher"`` /
        ``"chisq"`` force one test.

    Returns
    -------
    TableTest
        Both p-values are always reported; ``test``/``p_value`` name the one chosen. When a
        margin is empty (nobody, or everybody, has the outcome) the groups cannot differ:
        ``test`` is ``"none"``, ``p_value`` and ``p_fisher`` are 1 and χ² is NaN.

    Notes
    -----
    χ² matches R's ``chisq.test(m, correct = FALSE)``; Fisher matches ``fisher.test(m)``
    (two-sided, summing the probabilities of tables no more likely than the observed one).
    """
    if rule not in TEST_RULES:
        raise ImpactError(f"test rule must be one of {', '.join(TEST_RULES)}, got {rule!r}")
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float)
    if np.any(table < 0):
        raise ImpactError("2×2 table: successes must lie between 0 and n in each group")
    rows, cols, total = table.sum(axis=1), table.sum(axis=0), table.sum()
    if total == 0 or np.any(rows == 0) or np.any(cols == 0):
        min_expected = 0.0 if total == 0 else float(np.min(np.outer(rows, cols) / total))
        return TableTest("none", 1.0, 1.0, float("nan"), float("nan"), min_expected)
    expected = np.outer(rows, cols) / total
    chisq = float(np.sum((table - expected) ** 2 / expected))
    p_chisq = float(stats.chi2.sf(chisq, df=1))
    p_fisher = float(stats.fisher_exact(table.astype(int), alternative="two-sided").pvalue)
    min_expected = float(expected.min())
    if rule == "cochran":
        chosen = "chisq" if min_expected >= COCHRAN_MIN_EXPECTED else "fisher"
    else:
        chosen = rule
    p_value = p_chisq if chosen == "chisq" else p_fisher
    return TableTest(chosen, p_value, p_fisher, p_chisq, chisq, min_expected)


def binomial_test_against(successes: int, n: int, target: float) -> BinomialTest:
    """Exact binomial test of ``successes`` out of ``n`` against the share ``target``.

    The two-sided p-value sums the probabilities of outcomes no more likely than the observed
    one (as R's ``binom.test``); the one-sided p-values are the binomial tail probabilities.
    """
    if n <= 0:
        raise ImpactError("binomial test needs at least one observation")
    if not 0.0 < target < 1.0:
        raise ImpactError(f"a target share must lie strictly between 0 and 1, got {target!r}")
    two = stats.binomtest(successes, n, target, alternative="two-sided").pvalue
    below = stats.binomtest(successes, n, target, alternative="less").pvalue
    above = stats.binomtest(successes, n, target, alternative="greater").pvalue
    return BinomialTest(float(two), float(below), float(above))
