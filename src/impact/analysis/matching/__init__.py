"""Register-based matched comparison: exact, CEM, nearest-neighbour and propensity matching,
balance diagnostics and monthly employment outcomes. See ``docs/matching.md``."""

from .balance import Balance, balance_table
from .comparison import RegisterComparison, register_comparison
from .figures import event_study_figure, love_plot, rates_figure, specifications_figure
from .matcher import MatchedSet, match_persons
from .on_engine import MatchedRates
from .outcomes import did, end_difference, event_study, monthly_rates
from .rates import matched_rates
from .spec import DEFAULT_COARSEN, DEFAULT_EXACT, MatchSpec
from .specification import SpecificationResult

__all__ = [
    "DEFAULT_COARSEN",
    "DEFAULT_EXACT",
    "Balance",
    "MatchSpec",
    "MatchedRates",
    "MatchedSet",
    "RegisterComparison",
    "SpecificationResult",
    "balance_table",
    "did",
    "end_difference",
    "event_study",
    "event_study_figure",
    "love_plot",
    "match_persons",
    "matched_rates",
    "monthly_rates",
    "rates_figure",
    "register_comparison",
    "specifications_figure",
]
