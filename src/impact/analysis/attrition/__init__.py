"""Attrition analysis for randomised studies.

Rates per stage and arm, the What Works Clearinghouse attrition standard, tests of differential
attrition, inverse-probability-of-response weighting, Lee and Manski bounds, and a one-page
summary combining them. See ``docs/attrition.md``.
"""

from ._intervals import imbens_manski_critical_value
from ._trimming import trimmed_mean
from .attrition_tests import (
    ResponseByCovariate,
    ResponseDifferenceTest,
    response_by_arm_test,
    response_by_covariate,
)
from .bounds import LeeBounds, lee_bounds
from .figures import bounds_figure, response_by_stage_figure, weights_figure
from .ipw import IPWResult, effective_sample_size, ipw_itt
from .manski import ManskiBounds, manski_bounds
from .rates import AttritionRates, attrition_rates
from .regression import AttritionRegression, differential_attrition_regression
from .summary import AttritionSummary, attrition_summary
from .wwc import WWCClassification, classify_attrition, max_differential, wwc_boundaries

__all__ = [
    "AttritionRates",
    "AttritionRegression",
    "AttritionSummary",
    "IPWResult",
    "LeeBounds",
    "ManskiBounds",
    "ResponseByCovariate",
    "ResponseDifferenceTest",
    "WWCClassification",
    "attrition_rates",
    "attrition_summary",
    "bounds_figure",
    "classify_attrition",
    "differential_attrition_regression",
    "effective_sample_size",
    "imbens_manski_critical_value",
    "ipw_itt",
    "lee_bounds",
    "manski_bounds",
    "max_differential",
    "response_by_arm_test",
    "response_by_covariate",
    "response_by_stage_figure",
    "trimmed_mean",
    "weights_figure",
    "wwc_boundaries",
]
