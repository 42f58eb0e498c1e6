"""Worst-case (Manski 1990) bounds on the ITT under attrition.

No assumption on who leaves: every missing outcome is filled with the smallest or the largest
possible value (0 and 1 for binary outcomes). The lower bound is the treated mean filled low
minus the control mean filled high, and conversely; standard errors are those of these
differences of means (sample variances).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.errors import InputError, Problem
from impact.results import Result

from ._common import SOURCE, arm_indicator, check_option, check_probability, outcome_values
from ._intervals import CiMethod, interval


@dataclass(repr=False)
class ManskiBounds(Result):
    """Worst-case (Manski) bounds on the ITT.

    Attributes
    ----------
    outcome : str
    outcome_min, outcome_max : float
        Values imputed for missing outcomes.
    lower, upper, se_lower, se_upper, ci_lower, ci_upper : float
    ci_method : str
    confidence_level : float
    n_assigned_treatment, n_assigned_control, n_observed_treatment, n_observed_control : int
    """

    outcome: str
    outcome_min: float
    outcome_max: float
    lower: float
    upper: float
    se_lower: float
    se_upper: float
    ci_lower: float
    ci_upper: float
    ci_method: str
    confidence_level: float
    n_assigned_treatment: int
    n_assigned_control: int
    n_observed_treatment: int
    n_observed_control: int
    title = "Manski bounds"

    def tidy(self) -> pd.DataFrame:
        """One row with the bounds, SEs, CI and the imputed extremes."""
        return pd.DataFrame([dict(self.__dict__)])

    def summary(self) -> str:
        """One line with the bounds and CI."""
        return (
            f"{self.title} for {self.outcome}: [{self.lower:+.3f}, {self.upper:+.3f}], "
            f"{self.confidence_level:.0%} CI [{self.ci_lower:+.3f}, {self.ci_upper:+.3f}]"
        )


def _outcome_range(
    outcome: str,
    y: np.ndarray,
    obs: np.ndarray,
    binary: bool,
    outcome_min: float | None,
    outcome_max: float | None,
) -> tuple[float, float]:
    """The outcome's range (0–1 for a binary outcome by default), checked against the data."""
    if outcome_min is None and outcome_max is None and binary:
        outcome_min, outcome_max = 0.0, 1.0
    if outcome_min is None or outcome_max is None or not outcome_min < outcome_max:
        raise InputError(
            f"Manski bounds for '{outcome}' need the outcome's range",
            [
                Problem(
                    source="attrition options",
                    column="outcome_min/outcome_max",
                    value=f"{outcome_min}/{outcome_max}",
                    expected="two numbers with min < max (binary outcomes default to 0/1)",
                )
            ],
        )
    outside = obs & ((y < outcome_min) | (y > outcome_max))
    if outside.any():
        raise InputError(
            f"'{outcome}' has values outside [{outcome_min}, {outcome_max}]",
            [
                Problem(
                    source=SOURCE,
                    column=outcome,
                    value=f"{y[outside][0]:g}",
                    expected=f"values between {outcome_min} and {outcome_max}",
                )
            ],
        )
    return outcome_min, outcome_max


def manski_bounds(
    data: pd.DataFrame,
    *,
    outcome: str,
    outcome_min: float | None = None,
    outcome_max: float | None = None,
    ci: CiMethod = "imbens_manski",
    confidence_level: float = 0.95,
) -> ManskiBounds:
    """Compute worst-case bounds by imputing the extremes for missing outcomes.

    Parameters
    ----------
    data : DataFrame
        Indicator table (everyone randomised).
    outcome : str
        Outcome column; binary outcomes default to the range [0, 1].
    outcome_min, outcome_max : float, optional
        Range of the outcome; required for non-binary outcomes.
    ci : {"imbens_manski", "bounds"}
        CI for the effect or for the identified interval.
    confidence_level : float
        Confidence level.

    Returns
    -------
    ManskiBounds
        ``lower = mean_T(Y, missing→min) − mean_C(Y, missing→max)`` and conversely; SEs are
        those of these two differences of means (sample variances).
    """
    check_option("ci", ci, CiMethod)
    check_probability("confidence_level", confidence_level)
    treat = arm_indicator(data)
    y, obs, binary = outcome_values(data, outcome)
    outcome_min, outcome_max = _outcome_range(outcome, y, obs, binary, outcome_min, outcome_max)
    filled_low = np.where(obs, y, outcome_min)
    filled_high = np.where(obs, y, outcome_max)
    t, c = treat == 1, treat == 0

    def diff(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
        se = np.sqrt(np.var(a[t], ddof=1) / t.sum() + np.var(b[c], ddof=1) / c.sum())
        return float(a[t].mean() - b[c].mean()), float(se)

    lower, se_lower = diff(filled_low, filled_high)
    upper, se_upper = diff(filled_high, filled_low)
    ci_lower, ci_upper = interval(lower, upper, se_lower, se_upper, confidence_level, ci)
    return ManskiBounds(
        outcome=outcome,
        outcome_min=float(outcome_min),
        outcome_max=float(outcome_max),
        lower=lower,
        upper=upper,
        se_lower=se_lower,
        se_upper=se_upper,
        ci_lower=float(ci_lower),
        ci_upper=float(ci_upper),
        ci_method=ci,
        confidence_level=confidence_level,
        n_assigned_treatment=int(t.sum()),
        n_assigned_control=int(c.sum()),
        n_observed_treatment=int(obs[t].sum()),
        n_observed_control=int(obs[c].sum()),
    )
