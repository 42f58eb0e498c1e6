"""The steps of :func:`~impact.analysis.rct.analysis.analyse_rct`: checks, estimates, settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
from .randomisation import RandomisationResult, Statistic
from .randomisation import randomisation_test as run_ri

#: The step components (seed 001, p. 18), used when ``components=None`` and present in the data.
DEFAULT_COMPONENTS = STEP_COMPONENTS


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


def _randomisation_inference(
    data: pd.DataFrame,
    everything: list[str],
    arm: str,
    strata: str | None,
    cluster: str | None,
    statistic: Statistic,
    draws: int,
    seed: int | None,
) -> tuple[RandomisationResult | None, list[str]]:
    """RI p-values of every outcome, or none (with a note) for a clustered design."""
    if cluster is not None:
        return None, ["randomisation inference skipped: clustered design (cluster given)"]
    ri = run_ri(
        data, everything, arm=arm, strata=strata, statistic=statistic, draws=draws, seed=seed
    )
    return ri, []


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


def _flow_and_balance(
    data: pd.DataFrame,
    primary: str,
    covariates: Sequence[str],
    strata: str | None,
    arm: str,
    reason_column: str | None,
) -> tuple[ConsortFlow, BalanceResult]:
    """The CONSORT flow and the balance table (empty without covariates) of the primary sample."""
    flow = consort_flow(data, arm=arm, analysed=primary, reason_column=reason_column)
    bal = (
        balance(data, covariates, arm=arm, strata=strata, analysed=primary)
        if covariates
        else (BalanceResult(pd.DataFrame(), pd.DataFrame()))
    )
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
    }
