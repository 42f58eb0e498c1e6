"""Attrition in randomised studies (public API): rates, WWC standard, tests, IPW, bounds.

``impact.attrition`` is the public face of :mod:`impact.analysis.attrition`; the names in
``__all__`` are the API, everything else in ``impact.analysis`` is internal. See
``docs/attrition.md``.

* :func:`attrition_summary` — every part below on one page;
* :func:`attrition_rates` — response per stage and arm;
* :func:`classify_attrition` — the What Works Clearinghouse attrition standard;
* :func:`response_by_arm_test`, :func:`response_by_covariate`,
  :func:`differential_attrition_regression` — tests of differential attrition;
* :func:`ipw_itt` — the ITT effect weighted by the inverse probability of responding;
* :func:`lee_bounds`, :func:`manski_bounds` — bounds on the effect;
* :func:`bounds_figure`, :func:`response_by_stage_figure`, :func:`weights_figure` — figures.
"""

from impact.analysis.attrition import (
    AttritionRates,
    AttritionRegression,
    AttritionSummary,
    IPWResult,
    LeeBounds,
    ManskiBounds,
    ResponseByCovariate,
    ResponseDifferenceTest,
    WWCClassification,
)
from impact.analysis.attrition.attrition_tests import (
    response_by_arm_test,
    response_by_covariate,
)
from impact.analysis.attrition.bounds import lee_bounds
from impact.analysis.attrition.figures import (
    bounds_figure,
    response_by_stage_figure,
    weights_figure,
)
from impact.analysis.attrition.ipw import ipw_itt
from impact.analysis.attrition.manski import manski_bounds
from impact.analysis.attrition.rates import attrition_rates
from impact.analysis.attrition.regression import differential_attrition_regression
from impact.analysis.attrition.summary import attrition_summary
from impact.analysis.attrition.wwc import classify_attrition

__all__ = [
    "attrition_summary",
    "attrition_rates",
    "classify_attrition",
    "response_by_arm_test",
    "response_by_covariate",
    "differential_attrition_regression",
    "ipw_itt",
    "lee_bounds",
    "manski_bounds",
    "bounds_figure",
    "response_by_stage_figure",
    "weights_figure",
    "AttritionSummary",
    "AttritionRates",
    "WWCClassification",
    "ResponseDifferenceTest",
    "ResponseByCovariate",
    "AttritionRegression",
    "IPWResult",
    "LeeBounds",
    "ManskiBounds",
]
