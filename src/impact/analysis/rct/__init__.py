"""Analysis of randomised studies: CONSORT flow, balance, ITT, CACE, second tests, multiplicity.

Start with :func:`analyse_rct`, which runs everything and returns an :class:`RctAnalysis`
with a ``write(directory)`` method; the parts are public too. See ``docs/rct.md``.
"""

from .analysis import DEFAULT_COMPONENTS, DEFAULT_COVARIATES, RctAnalysis, analyse_rct
from .balance import BalanceResult, balance
from .cace import CaceResult, cace
from .components import ComponentsResult, component_associations
from .consort import ConsortFlow, consort_flow
from .design import Adjustment, RctWarning, SeType
from .figures import consort_figure, effects_figure, subgroup_figure
from .heterogeneity import HeterogeneityResult, heterogeneity
from .itt import IttResult, itt
from .multiple import MultipleTestingResult, adjust_pvalues, westfall_young
from .randomisation import FisherResult, RandomisationResult, fisher_tests, randomisation_test
from .tables import results_table

__all__ = [
    "DEFAULT_COMPONENTS",
    "DEFAULT_COVARIATES",
    "Adjustment",
    "BalanceResult",
    "CaceResult",
    "ComponentsResult",
    "ConsortFlow",
    "FisherResult",
    "HeterogeneityResult",
    "IttResult",
    "MultipleTestingResult",
    "RandomisationResult",
    "RctAnalysis",
    "RctWarning",
    "SeType",
    "adjust_pvalues",
    "analyse_rct",
    "balance",
    "cace",
    "component_associations",
    "consort_figure",
    "consort_flow",
    "effects_figure",
    "fisher_tests",
    "heterogeneity",
    "itt",
    "randomisation_test",
    "results_table",
    "subgroup_figure",
    "westfall_young",
]
