"""Programme outcomes (public API): shares with confidence intervals, targets, comparisons.

``impact.outcomes`` is the public face of :mod:`impact.analysis.outcomes`; the names in
``__all__`` are the API, everything else in ``impact.analysis`` is internal. These are
**outcomes**, not effects: nothing here compares with what would have happened without the
programme. See ``docs/outcomes.md``.

* :func:`programme_outcomes` — every part below in one call (what the funder reports use);
* :func:`indicator_shares` — shares with Wilson intervals, overall and by group;
* :func:`gender_comparison` — women vs men: difference, test, covariate-adjusted difference;
* :func:`target_attainment` — targets against observed shares;
* :func:`response_rates` — respondents, response and linked rates;
* :func:`attribution` — did the programme contribute, as participants see it;
* :func:`trajectories` — shares across the waves;
* :func:`plot_shares` — a figure of shares with their intervals;
* :func:`programme_costs` — cost per participant and per participant reaching an outcome
  (descriptive, not an effect; ``docs/cost.md``).
"""

from impact.analysis.cost import ProgrammeCosts, programme_costs
from impact.analysis.outcomes import (
    Attribution,
    GroupComparison,
    IndicatorShares,
    ProgrammeOutcomes,
    ResponseRates,
    TargetAttainment,
    Trajectories,
    attribution,
    gender_comparison,
    indicator_shares,
    programme_outcomes,
    response_rates,
    target_attainment,
    trajectories,
)
from impact.analysis.outcomes.figures import plot_shares

__all__ = [
    "programme_outcomes",
    "indicator_shares",
    "gender_comparison",
    "target_attainment",
    "response_rates",
    "attribution",
    "trajectories",
    "plot_shares",
    "programme_costs",
    "ProgrammeOutcomes",
    "IndicatorShares",
    "GroupComparison",
    "TargetAttainment",
    "ResponseRates",
    "Attribution",
    "Trajectories",
    "ProgrammeCosts",
]
