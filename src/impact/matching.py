"""Register-matched comparison (public API): matching, balance, monthly employment outcomes.

``impact.matching`` is the public face of :mod:`impact.analysis.matching`; the names in
``__all__`` are the API, everything else in ``impact.analysis`` is internal. See
``docs/matching.md``.

* :func:`register_comparison` — every specification matched and compared, in one call;
* :func:`match_persons` — one specification (exact, CEM, nearest neighbour, propensity) →
  :class:`MatchedSet`;
* :func:`matched_rates` — matched monthly employment rates computed inside the engine
  (:class:`MatchedRates`; exact and CEM on DuckDB or Spark);
* :func:`e_value`, :func:`rosenbaum_bounds` — sensitivity to unmeasured confounding
  (:class:`EValueResult`, :class:`RosenbaumResult`);
* :class:`MatchSpec` — a matching specification;
* :func:`love_plot`, :func:`rates_figure`, :func:`event_study_figure`,
  :func:`specifications_figure` — figures.
"""

from impact.analysis.matching.comparison import RegisterComparison, register_comparison
from impact.analysis.matching.evalues import EValueResult, e_value
from impact.analysis.matching.figures import (
    event_study_figure,
    love_plot,
    rates_figure,
    specifications_figure,
)
from impact.analysis.matching.matcher import MatchedSet, match_persons
from impact.analysis.matching.on_engine import MatchedRates
from impact.analysis.matching.rates import matched_rates
from impact.analysis.matching.rosenbaum import RosenbaumResult, rosenbaum_bounds
from impact.analysis.matching.spec import MatchSpec
from impact.analysis.matching.specification import SpecificationResult

__all__ = [
    "register_comparison",
    "match_persons",
    "matched_rates",
    "e_value",
    "rosenbaum_bounds",
    "MatchSpec",
    "love_plot",
    "rates_figure",
    "event_study_figure",
    "specifications_figure",
    "RegisterComparison",
    "SpecificationResult",
    "MatchedSet",
    "MatchedRates",
    "EValueResult",
    "RosenbaumResult",
]
