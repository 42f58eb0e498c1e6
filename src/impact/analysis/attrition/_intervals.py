"""Confidence intervals for partially identified effects (bounds).

``imbens_manski`` covers the *effect* with the stated probability (Imbens & Manski 2004);
``bounds`` covers the whole identified interval, ``[lower − z·se_lower, upper + z·se_upper]``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import optimize, stats

CiMethod = Literal["imbens_manski", "bounds"]


def imbens_manski_critical_value(width: float, se_max: float, confidence_level: float) -> float:
    """Return ``c`` solving ``Φ(c + width/se_max) − Φ(−c) = confidence_level`` (Imbens–Manski).

    ``c`` lies between the one-sided and the two-sided normal critical values.
    """
    if se_max <= 0 or not np.isfinite(se_max):
        return float(stats.norm.ppf(0.5 + confidence_level / 2))
    ratio = max(width, 0.0) / se_max

    def gap(c: float) -> float:
        return stats.norm.cdf(c + ratio) - stats.norm.cdf(-c) - confidence_level

    return float(optimize.brentq(gap, 0.0, 20.0, xtol=1e-12))


def interval(
    lower: float, upper: float, se_l: float, se_u: float, level: float, method: CiMethod
) -> tuple[float, float]:
    """Return the CI ``(low, high)`` around the bounds ``[lower, upper]``."""
    if method == "imbens_manski":
        c = imbens_manski_critical_value(upper - lower, max(se_l, se_u), level)
    else:
        c = float(stats.norm.ppf(0.5 + level / 2))
    return lower - c * se_l, upper + c * se_u
