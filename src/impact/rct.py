"""Randomised studies (public API): CONSORT flow, balance, ITT, second tests, multiplicity.

``impact.rct`` is the public face of :mod:`impact.analysis.rct`; the names in ``__all__`` are
the API, everything else in ``impact.analysis`` is internal. See ``docs/rct.md``.

* :func:`analyse_rct` — every part below in one call, with ``write(directory)``;
* :func:`consort_flow`, :func:`balance` — the flow of participants and baseline balance;
* :func:`consort_checklist` — the CONSORT 2025 checklist filled from the analysis;
* :func:`itt` — intention-to-treat effects (HC2 standard errors, CR2 with a cluster, Lin
  adjustment);
* :func:`cace` — the effect on those who take part when offered (CACE by 2SLS), the first
  stage and the complier characteristics;
* :func:`randomisation_test`, :func:`fisher_tests` — randomisation inference (re-drawn by the
  declared procedure, :class:`RandomisationProcedure`, with test-inversion CIs), exact tests;
* :func:`wild_cluster_bootstrap` — wild cluster bootstrap p-values for few clusters;
* :func:`adjust_pvalues`, :func:`westfall_young` — multiple testing;
* :func:`heterogeneity`, :func:`component_associations` — subgroups, components → job;
* :func:`consort_figure`, :func:`effects_figure`, :func:`subgroup_figure`,
  :func:`cace_figure`, :func:`balance_figure` (love plot) — figures;
* :func:`cost_effectiveness`, :func:`cost_per_outcome` — cost per additional person with an
  outcome (Fieller and bootstrap intervals, impact per 100,000 SEK; ``docs/cost.md``).
"""

from impact.analysis.cost import CostEffectiveness, cost_effectiveness, cost_per_outcome
from impact.analysis.rct.analysis import RctAnalysis, analyse_rct
from impact.analysis.rct.balance import BalanceResult, balance
from impact.analysis.rct.cace import CaceResult, cace
from impact.analysis.rct.checklist import ConsortChecklist, consort_checklist
from impact.analysis.rct.components import ComponentsResult, component_associations
from impact.analysis.rct.consort import ConsortFlow, consort_flow
from impact.analysis.rct.figures import (
    balance_figure,
    consort_figure,
    effects_figure,
    subgroup_figure,
)
from impact.analysis.rct.figures_cace import cace_figure
from impact.analysis.rct.heterogeneity import HeterogeneityResult, heterogeneity
from impact.analysis.rct.itt import IttResult, itt
from impact.analysis.rct.multiple import MultipleTestingResult, adjust_pvalues, westfall_young
from impact.analysis.rct.procedure import Declaration, RandomisationProcedure
from impact.analysis.rct.randomisation import (
    FisherResult,
    RandomisationResult,
    fisher_tests,
    randomisation_test,
)
from impact.analysis.rct.wild import WildBootstrapResult, wild_cluster_bootstrap

__all__ = [
    "analyse_rct",
    "consort_flow",
    "consort_checklist",
    "balance",
    "itt",
    "cace",
    "randomisation_test",
    "fisher_tests",
    "wild_cluster_bootstrap",
    "adjust_pvalues",
    "westfall_young",
    "heterogeneity",
    "component_associations",
    "consort_figure",
    "effects_figure",
    "subgroup_figure",
    "cace_figure",
    "balance_figure",
    "cost_effectiveness",
    "cost_per_outcome",
    "RctAnalysis",
    "ConsortFlow",
    "ConsortChecklist",
    "BalanceResult",
    "IttResult",
    "CaceResult",
    "RandomisationResult",
    "FisherResult",
    "WildBootstrapResult",
    "Declaration",
    "RandomisationProcedure",
    "MultipleTestingResult",
    "HeterogeneityResult",
    "ComponentsResult",
    "CostEffectiveness",
]
