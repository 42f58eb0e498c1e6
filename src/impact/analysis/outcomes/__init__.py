"""Programme outcomes: shares with Wilson CIs, gender comparison, targets, response, attribution,
trajectories, small-cell suppression and the outcome figures.

Start with :func:`programme_outcomes` (every table and figure of a funder's report in one call)
or :func:`outcomes_by_round` (one bundle for the project and one per round); the parts are public
too. These are **outcomes**, not effects. See ``docs/outcomes.md``.
"""

from .attribution import ATTRIBUTION_COLUMNS, DEFAULT_ATTRIBUTION, Attribution, attribution
from .comparison import (
    COMPARISON_COLUMNS,
    DEFAULT_COVARIATES,
    GroupComparison,
    compare_groups,
    gender_comparison,
)
from .disclosure_check import assert_publishable
from .figures import (
    plot_attribution,
    plot_components,
    plot_shares,
    plot_targets,
    plot_trajectories,
)
from .programme import HEADLINE_COLUMNS, ProgrammeOutcomes, outcomes_by_round, programme_outcomes
from .response import RESPONSE_COLUMNS, ResponseRates, response_rates
from .shares import SHARE_COLUMNS, IndicatorShares, indicator_shares
from .suppression import DisclosureError, SuppressionRules, suppress_small_cells
from .targets import TARGET_COLUMNS, TargetAttainment, target_attainment
from .trajectories import DEFAULT_ITEMS, TRAJECTORY_COLUMNS, Trajectories, trajectories

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "COMPARISON_COLUMNS",
    "DEFAULT_ATTRIBUTION",
    "DEFAULT_COVARIATES",
    "DEFAULT_ITEMS",
    "HEADLINE_COLUMNS",
    "RESPONSE_COLUMNS",
    "SHARE_COLUMNS",
    "TARGET_COLUMNS",
    "TRAJECTORY_COLUMNS",
    "Attribution",
    "DisclosureError",
    "GroupComparison",
    "IndicatorShares",
    "ProgrammeOutcomes",
    "ResponseRates",
    "SuppressionRules",
    "TargetAttainment",
    "Trajectories",
    "assert_publishable",
    "attribution",
    "compare_groups",
    "gender_comparison",
    "indicator_shares",
    "outcomes_by_round",
    "plot_attribution",
    "plot_components",
    "plot_shares",
    "plot_targets",
    "plot_trajectories",
    "programme_outcomes",
    "response_rates",
    "suppress_small_cells",
    "target_attainment",
    "trajectories",
]
