"""Fieller's confidence set for a ratio, and what it means for a cost per additional outcome.

For θ = a / b (a the cost, b the effect) with estimates, variances v_a, v_b and covariance
v_ab, Fieller's set is every θ with (a − θ·b)² ≤ t²·(v_a − 2θ·v_ab + θ²·v_b), i.e. the θ where
A·θ² − 2B·θ + C ≤ 0 with A = b² − t²v_b, B = a·b − t²v_ab and C = a² − t²v_a (Fieller 1954;
Willan & O'Brien 1996 for cost-effectiveness). With a known cost (v_a = 0) it is exactly the
set {a/δ : δ in the effect's t interval}:

* ``bounded``: the effect's interval excludes zero (A > 0), one finite interval;
* ``exclusive``: it includes zero (A < 0, discriminant > 0), two rays (−∞, r₁] ∪ [r₂, ∞);
* ``unbounded``: every value (A < 0, discriminant ≤ 0; only possible with an uncertain cost).

:func:`positive_cost_interval` turns the set into what a funder can read: a cost per
additional outcome is only a number where the effect is positive, so a ray to infinity is
"no finite upper limit", never a negative or infinite number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from scipy import stats

__all__ = [
    "FiellerSet",
    "cost_reading",
    "critical_value",
    "fieller_set",
    "positive_cost_interval",
]

SetKind = Literal["bounded", "exclusive", "unbounded"]
#: How a cost per additional outcome's interval reads: two finite limits; a lower limit and
#: no finite upper one (the effect's interval includes zero); or no positive cost at all
#: (the effect's whole interval is at or below zero).
IntervalKind = Literal["bounded", "no_upper_limit", "not_positive", "unbounded"]


def critical_value(level: float, df: float | None) -> float:
    """Two-sided critical value: Student t on ``df`` degrees of freedom (normal without)."""
    upper = 0.5 + level / 2
    if df is None or not math.isfinite(df):
        return float(stats.norm.ppf(upper))
    return float(stats.t.ppf(upper, df))


@dataclass(frozen=True)
class FiellerSet:
    """Fieller's confidence set for a ratio.

    ``bounded``: [low, high]; ``exclusive``: (−∞, low] ∪ [high, ∞); ``unbounded``: every
    value (low and high are NaN).
    """

    kind: SetKind
    low: float
    high: float


def fieller_set(
    numerator: float,
    denominator: float,
    var_denominator: float,
    *,
    var_numerator: float = 0.0,
    covariance: float = 0.0,
    crit: float,
) -> FiellerSet:
    """Fieller's set for ``numerator / denominator`` at critical value ``crit``.

    Parameters
    ----------
    numerator, denominator : float
        The two estimates (cost, effect).
    var_denominator, var_numerator, covariance : float
        Their sampling variances and covariance (a known cost has variance 0).
    crit : float
        Critical value (see :func:`critical_value`).

    Returns
    -------
    FiellerSet
    """
    t2 = crit * crit
    a_coef = denominator**2 - t2 * var_denominator
    b_coef = numerator * denominator - t2 * covariance
    c_coef = numerator**2 - t2 * var_numerator
    disc = b_coef * b_coef - a_coef * c_coef
    if a_coef > 0:
        root = math.sqrt(max(disc, 0.0))
        return FiellerSet("bounded", (b_coef - root) / a_coef, (b_coef + root) / a_coef)
    if a_coef < 0 and disc > 0:
        root = math.sqrt(disc)
        first, second = (b_coef + root) / a_coef, (b_coef - root) / a_coef
        return FiellerSet("exclusive", min(first, second), max(first, second))
    return FiellerSet("unbounded", math.nan, math.nan)


def positive_cost_interval(
    cost: float, effect_low: float, effect_high: float
) -> tuple[IntervalKind, float, float]:
    """The interval of ``cost / effect`` over the effect's interval, where the effect is > 0.

    Equal to Fieller's set with a known cost, restricted to positive effects (the only ones
    with a cost per *additional* outcome).

    Returns
    -------
    (kind, low, high)
        ``bounded``: both limits; ``no_upper_limit``: ``low`` and NaN; ``not_positive``:
        NaN and NaN.
    """
    if not effect_high > 0:
        return "not_positive", math.nan, math.nan
    low = cost / effect_high
    if effect_low > 0:
        return "bounded", low, cost / effect_low
    return "no_upper_limit", low, math.nan


def cost_reading(found: FiellerSet) -> tuple[IntervalKind, float, float]:
    """Fieller's set for cost / effect (cost > 0), read as a cost per additional outcome.

    ``bounded`` (both limits positive); ``no_upper_limit`` (the positive ray [low, ∞) of an
    exclusive set); ``not_positive`` (the whole set is negative: the effect's interval lies
    below zero); ``unbounded`` (no limit at all, possible only with an uncertain cost).
    """
    if found.kind == "bounded":
        if found.low > 0:
            return "bounded", found.low, found.high
        if found.high < 0:
            return "not_positive", math.nan, math.nan
        return "unbounded", math.nan, math.nan
    if found.kind == "exclusive" and found.high > 0:
        return "no_upper_limit", found.high, math.nan
    return "unbounded", math.nan, math.nan
