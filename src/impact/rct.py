"""Randomised studies (public API): CONSORT flow, balance, ITT, second tests, multiplicity.

``impact.rct`` is the public face of :mod:`impact.analysis.rct`; the names in ``__all__`` are
the API, everything else in ``impact.analysis`` is internal. See ``docs/rct.md``.

* :func:`analyse_rct` — every part below in one call, with ``write(directory)``;
* :func:`consort_flow`, :func:`balance` — the flow of participants and baseline balance;
* :func:`itt` — intention-to-treat effects (HC2 standard errors, Lin adjustment);
* :func:`randomisation_test`, :func:`fisher_tests` — randomisation inference, exact tests;
* :func:`adjust_pvalues`, :func:`westfall_young` — multiple testing;
* :func:`heterogeneity`, :func:`component_associations` — subgroups, components → job;
* :func:`consort_figure`, :func:`effects_figure`, :func:`subgroup_figure` — figures.
"""

from impact.analysis.rct import (
    BalanceResult,
    ComponentsResult,
    ConsortFlow,
    FisherResult,
    HeterogeneityResult,
    IttResult,
    MultipleTestingResult,
    RandomisationResult,
    RctAnalysis,
    adjust_pvalues,
    analyse_rct,
    balance,
    component_associations,
    consort_figure,
    consort_flow,
    effects_figure,
    fisher_tests,
    heterogeneity,
    itt,
    randomisation_test,
    subgroup_figure,
    westfall_young,
)

__all__ = [
    "BalanceResult",
    "ComponentsResult",
    "ConsortFlow",
    "FisherResult",
    "HeterogeneityResult",
    "IttResult",
    "MultipleTestingResult",
    "RandomisationResult",
    "RctAnalysis",
    "adjust_pvalues",
    "analyse_rct",
    "balance",
    "component_associations",
    "consort_figure",
    "consort_flow",
    "effects_figure",
    "fisher_tests",
    "heterogeneity",
    "itt",
    "randomisation_test",
    "subgroup_figure",
    "westfall_young",
]
