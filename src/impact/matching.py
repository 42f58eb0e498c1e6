"""Register-matched comparison (public API): matching, balance, monthly employment outcomes.

``impact.matching`` is the public face of :mod:`impact.analysis.matching`; the names in
``__all__`` are the API, everything else in ``impact.analysis`` is internal. See
``docs/matching.md``.

* :func:`register_comparison` — every specification matched and compared, in one call;
* :func:`match_persons` — one specification (exact, CEM, nearest neighbour, propensity) →
  :class:`MatchedSet`;
* :class:`MatchSpec` — a matching specification;
* :func:`love_plot`, :func:`rates_figure`, :func:`event_study_figure`,
  :func:`specifications_figure` — figures.
"""

from impact.analysis.matching import (
    MatchedSet,
    MatchSpec,
    RegisterComparison,
    SpecificationResult,
    event_study_figure,
    love_plot,
    match_persons,
    rates_figure,
    register_comparison,
    specifications_figure,
)

__all__ = [
    "MatchSpec",
    "MatchedSet",
    "RegisterComparison",
    "SpecificationResult",
    "event_study_figure",
    "love_plot",
    "match_persons",
    "rates_figure",
    "register_comparison",
    "specifications_figure",
]
