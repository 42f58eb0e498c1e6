"""The steps of :func:`~impact.analysis.rct.analysis.analyse_rct`: checks, estimates, settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from impact.errors import InputError
from impact.i18n import Lang, check_lang
from impact.indicators.components import STEP_COMPONENTS
from impact.validation import check_choice

from .balance import BalanceResult, balance
from .components import ComponentsResult, component_associations
from .consort import ConsortFlow, consort_flow
from .design import Adjustment, SeType, require_columns, treatment_indicator
from .heterogeneity import HeterogeneityResult, heterogeneity
from .itt import IttResult
from .multiple import MultipleTestingResult, adjust_pvalues, westfall_young
from .procedure import Declaration, RandomisationProcedure
from .randomisation import RandomisationResult, Statistic, default_declaration
from .randomisation import randomisation_test as run_ri
from .wild import FEW_CLUSTERS, WildBootstrapResult, wild_cluster_bootstrap

#: The step components (seed 001, p. 18), used when ``components=None`` and present in the data.
DEFAULT_COMPONENTS = STEP_COMPONENTS
#: Take-up column of the indicator table (started the programme); complier balance uses it.
TAKE_UP = "started"


def _checked_request(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    covariates: Sequence[str],
    strata: str | None,
    subgroups: Sequence[str],
    components: Sequence[str] | None,
    arm: str,
    adjustments: Sequence[Adjustment],
    main_specification: Adjustment | None,
    lang: Lang,
) -> tuple[Sequence[str], Adjustment]:
    """Check :func:`analyse_rct`'s request; return the components and the main specification."""
    check_lang(lang)
    if not outcomes:
        raise InputError("analyse_rct: give at least one outcome column")
    treatment_indicator(data, arm)
    if components is None:
        components = [c for c in DEFAULT_COMPONENTS if c in data.columns]
    require_columns(data, [*outcomes, *components, *covariates, *subgroups, strata], "analysis")
    main = main_specification or ("lin" if covariates else "unadjusted")
    check_choice("main_specification", main, Adjustment)
    if main not in adjustments:
        raise InputError(f"main_specification {main!r} must be one of adjustments {adjustments}")
    return components, main


def _multiple_testing(
    effects: IttResult,
    main: Adjustment,
    outcomes: Sequence[str],
    components: Sequence[str],
    ri: RandomisationResult | None,
) -> list[MultipleTestingResult]:
    """Holm/BH (and Westfall–Young with RI) per family: the outcomes, the other components."""
    est = effects.tidy()
    main_p = est[est["specification"] == main].set_index("outcome")["p_value"]
    families = {"outcomes": list(outcomes)}
    rest = [c for c in components if c not in outcomes]
    if rest:
        families["components"] = rest
    multiple: list[MultipleTestingResult] = []
    for fam, members in families.items():
        multiple.append(adjust_pvalues(main_p[members], family=fam))
        if ri is not None:
            multiple.append(westfall_young(ri, members, family=fam))
    return multiple


def declared_procedure(
    data: pd.DataFrame,
    randomisation: Declaration | None,
    strata: str | None,
    cluster: str | None,
    arm: str,
) -> tuple[Declaration, list[str]]:
    """The declared procedure, or the default: blocked by ``strata``, keeping the observed
    numbers treated — by cluster when ``cluster`` is given and no cluster has both arms."""
    if randomisation is not None:
        return randomisation, []
    if cluster is None:
        return default_declaration(strata), []
    z = treatment_indicator(data, arm)
    if pd.Series(z).groupby(data[cluster].to_numpy()).nunique().max() > 1:
        return default_declaration(strata), [
            f"clusters {cluster!r} hold both arms, so people (not clusters) were randomised: "
            "randomisation inference re-draws people; declare the procedure to change this"
        ]
    nested = strata is not None and data.groupby(cluster)[strata].nunique().max() <= 1
    note = [f"every cluster {cluster!r} is in one arm: randomisation inference re-draws clusters"]
    if nested:
        return Declaration("blocked_and_clustered", blocks=strata, clusters=cluster), note
    return Declaration("clustered", blocks=None, clusters=cluster), note


def _randomisation_inference(
    data: pd.DataFrame,
    everything: list[str],
    arm: str,
    strata: str | None,
    declaration: Declaration,
    statistic: Statistic,
    draws: int,
    seed: int | None,
    confidence_level: float,
) -> tuple[RandomisationResult, list[str]]:
    """RI p-values and test-inversion CIs of every outcome, re-drawn by ``declaration``."""
    ri = run_ri(
        data, everything, arm=arm, strata=strata, statistic=statistic, draws=draws, seed=seed,
        procedure=declaration, confidence_level=confidence_level,
    )  # fmt: skip
    return ri, [f"randomisation procedure: {ri.procedure}"]


def _wild_bootstrap(
    data: pd.DataFrame,
    everything: list[str],
    arm: str,
    strata: str | None,
    cluster: str | None,
    covariates: Sequence[str],
    seed: int | None,
) -> tuple[WildBootstrapResult | None, list[str]]:
    """The wild cluster bootstrap p-values when there are fewer than 30 clusters."""
    if cluster is None:
        return None, []
    n_clusters = data[cluster].nunique()
    if n_clusters >= FEW_CLUSTERS:
        return None, [f"{n_clusters} clusters: no wild cluster bootstrap (only below 30)"]
    wild = wild_cluster_bootstrap(
        data, everything, cluster=cluster, arm=arm, strata=strata, covariates=covariates,
        seed=seed,
    )  # fmt: skip
    return wild, [
        f"{n_clusters} clusters (< {FEW_CLUSTERS}): wild cluster bootstrap p-values "
        "(Webb weights, null imposed, CR1 t-statistic, additive covariates)"
    ]


def _components_to_job(
    data: pd.DataFrame,
    components: Sequence[str],
    job: str,
    model: dict[str, Any],
    confidence_level: float,
) -> ComponentsResult | None:
    """Component → job associations, when there are components besides ``job`` and a job."""
    others = [c for c in components if c != job]
    if not others or job not in data.columns:
        return None
    return component_associations(
        data, others, outcome=job, **model, confidence_level=confidence_level
    )


def _declared_draws(data: pd.DataFrame, arm: str, inference: dict[str, Any]):
    """Assignments re-drawn by the analysis's randomisation procedure (declared, or the
    default: blocked by the strata, observed counts kept) for the balance RI p; None without
    draws."""
    procedure = inference.get("procedure")
    if procedure is None or not inference["ri_draws"]:
        return None
    bound = RandomisationProcedure.from_data(data, procedure, arm=arm)
    return bound.draw(np.random.default_rng(inference["seed"]), int(inference["ri_draws"]))


def _flow_and_balance(
    data: pd.DataFrame,
    primary: str,
    covariates: Sequence[str],
    strata: str | None,
    arm: str,
    reason_column: str | None,
    inference: dict[str, Any],
) -> tuple[ConsortFlow, BalanceResult]:
    """The CONSORT flow and the balance table (empty without covariates) of the primary sample.

    ``inference`` holds ``se_type``, ``cluster``, ``ri_draws`` and ``seed`` of the analysis;
    the balance tests use the same standard errors (cluster-robust with a cluster). When the
    table records take-up (``started``), the complier means of each arm are added.
    """
    flow = consort_flow(data, arm=arm, analysed=primary, reason_column=reason_column)
    if not covariates:
        return flow, BalanceResult(pd.DataFrame(), pd.DataFrame())
    cluster = inference["cluster"]
    se_type = inference["se_type"]
    bal = balance(
        data, covariates, arm=arm, strata=strata, analysed=primary, se_type=se_type,
        cluster=cluster, ri_draws=inference["ri_draws"], seed=inference["seed"],
        assignments=_declared_draws(data, arm, inference),
        take_up=TAKE_UP if TAKE_UP in data.columns and data[TAKE_UP].notna().any() else None,
    )  # fmt: skip
    return flow, bal


def _subgroups_and_components(
    data: pd.DataFrame,
    outcomes: Sequence[str],
    subgroups: Sequence[str],
    components: Sequence[str],
    job: str,
    arm: str,
    covariates: Sequence[str],
    strata: str | None,
    se_type: SeType,
    cluster: str | None,
    confidence_level: float,
) -> tuple[dict[str, HeterogeneityResult], ComponentsResult | None]:
    """Heterogeneity per subgroup column and the component → job associations, with the
    ITT's ``se_type`` and ``cluster``."""
    model: dict[str, Any] = {
        "arm": arm,
        "covariates": covariates,
        "strata": strata,
        "se_type": se_type,
        "cluster": cluster,
    }
    het = {
        g: heterogeneity(data, list(outcomes), g, **model, confidence_level=confidence_level)
        for g in subgroups
    }
    return het, _components_to_job(data, components, job, model, confidence_level)


def _settings(
    outcomes: Sequence[str],
    components: Sequence[str],
    covariates: Sequence[str],
    strata: str | None,
    subgroups: Sequence[str],
    job: str,
    adjustments: Sequence[Adjustment],
    main: Adjustment,
    se_type: SeType,
    cluster: str | None,
    ri_draws: int,
    ri_statistic: Statistic,
    seed: int | None,
    confidence_level: float,
    lang: Lang,
    notes: list[str],
    procedure: Declaration | None = None,
) -> dict[str, Any]:
    """The request as recorded in ``settings.json``."""
    return {
        "outcomes": list(outcomes),
        "components": list(components),
        "covariates": list(covariates),
        "strata": strata,
        "subgroups": list(subgroups),
        "job": job,
        "adjustments": list(adjustments),
        "main_specification": main,
        "se_type": se_type,
        "cluster": cluster,
        "ri_draws": ri_draws,
        "ri_statistic": ri_statistic,
        "seed": seed,
        "confidence_level": confidence_level,
        "lang": lang,
        "notes": notes,
        "randomisation_procedure": procedure.describe() if procedure is not None else None,
        "randomisation": procedure.to_dict() if procedure is not None else None,
    }
