"""Cost per additional outcome from an effect estimate: Fieller and bootstrap intervals.

:func:`cost_per_outcome` works from any effect with its standard error and degrees of freedom
(an ITT, a CACE): cost ÷ effect with Fieller's interval, a bootstrap percentile interval when
bootstrap draws of the effect are given, and the J-PAL style impact per amount spent.
:func:`cost_effectiveness` does it for a randomised study's data and its ``costs:`` section:
ITT (cost per person offered ÷ ITT) or CACE (cost per participant ÷ CACE).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from impact.analysis.cost.basis import cost_basis, participant_counts
from impact.analysis.cost.bootstrap import EffectDraws, bootstrap_effect
from impact.analysis.cost.fieller import (
    cost_reading,
    critical_value,
    fieller_set,
    positive_cost_interval,
)
from impact.analysis.cost.result import COLUMNS, CostEffectiveness
from impact.analysis.rct.itt import itt
from impact.errors import InputError, Problem
from impact.ingest.config_costs import CostsConfig
from impact.ingest.yamlfile import validated_model
from impact.validation import check_choice, check_level

__all__ = ["cost_effectiveness", "cost_per_outcome", "costs_section"]

Effect = Literal["itt", "cace"]
DEFAULT_SEED = 20231101


def _row(cost, estimate, std_error, df, *, level, cost_se, draws, per_amount) -> dict:
    """The numbers of one outcome (see :data:`~impact.analysis.cost.result.COLUMNS`)."""
    crit = critical_value(level, df)
    low, high = estimate - crit * std_error, estimate + crit * std_error
    found = fieller_set(cost, estimate, std_error**2, var_numerator=cost_se**2, crit=crit)
    kind, f_low, f_high = cost_reading(found)
    scale = per_amount / cost
    row = {
        "estimate": estimate,
        "std_error": std_error,
        "df": math.nan if df is None else df,
        "effect_low": low,
        "effect_high": high,
        "cost_per_person": cost,
        "cost_per_outcome": cost / estimate if estimate > 0 else math.nan,
        "fieller_interval": kind,
        "fieller_low": f_low,
        "fieller_high": f_high,
        "bootstrap_interval": None,
        "bootstrap_low": math.nan,
        "bootstrap_high": math.nan,
        "bootstrap_draws": 0,
        "per_amount": per_amount,
        "impact": estimate * scale,
        "impact_low": low * scale,
        "impact_high": high * scale,
        "impact_boot_low": math.nan,
        "impact_boot_high": math.nan,
        "level": level,
    }
    if draws is not None:
        finite = np.asarray(draws, dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size:
            tail = (1 - level) / 2
            q_low, q_high = (float(q) for q in np.quantile(finite, [tail, 1 - tail]))
            b_kind, b_low, b_high = positive_cost_interval(cost, q_low, q_high)
            row.update(
                bootstrap_interval=b_kind,
                bootstrap_low=b_low,
                bootstrap_high=b_high,
                bootstrap_draws=int(len(draws)),
                impact_boot_low=q_low * scale,
                impact_boot_high=q_high * scale,
            )
    return row


def cost_per_outcome(
    cost: float,
    estimate: float,
    std_error: float,
    df: float | None = None,
    *,
    outcome: str = "outcome",
    effect: str = "itt",
    currency: str = "SEK",
    price_year: int | None = None,
    per_amount: float = 100_000.0,
    confidence_level: float = 0.95,
    cost_se: float = 0.0,
    draws: Sequence[float] | np.ndarray | None = None,
) -> CostEffectiveness:
    """Cost per additional person with an outcome, from one effect estimate.

    Parameters
    ----------
    cost : float
        Cost per person the effect is about: per person offered for an ITT, per participant
        for a CACE (> 0).
    estimate, std_error : float
        The effect (a difference in shares, e.g. 0.08) and its standard error (> 0).
    df : float, optional
        Degrees of freedom of the effect's t interval (normal when missing).
    outcome, effect : str
        Names written into the result (``effect``: ``itt`` or ``cace``).
    currency, price_year
        Written into the result and its sentences.
    per_amount : float
        Budget of the J-PAL style impact (default 100,000).
    confidence_level : float
        Level of every interval.
    cost_se : float
        Standard error of the cost, when it is itself estimated (default 0: known).
    draws : array, optional
        Bootstrap draws of the effect, for the percentile interval.

    Returns
    -------
    CostEffectiveness
    """
    level = check_level(confidence_level, "confidence_level")
    bad = [
        Problem("cost_per_outcome", column=name, value=str(value), expected=expected)
        for name, value, ok, expected in (
            ("cost", cost, cost > 0 and math.isfinite(cost), "a positive amount"),
            (
                "std_error",
                std_error,
                std_error > 0 and math.isfinite(std_error),
                "a positive standard error",
            ),
            ("estimate", estimate, math.isfinite(estimate), "a finite effect"),
            ("cost_se", cost_se, cost_se >= 0, "a standard error ≥ 0"),
            ("per_amount", per_amount, per_amount > 0, "a positive amount"),
        )
        if not ok
    ]
    if bad:
        raise InputError("cost_per_outcome: invalid input", bad)
    row = _row(
        float(cost),
        float(estimate),
        float(std_error),
        df,
        level=level,
        cost_se=float(cost_se),
        draws=draws,
        per_amount=float(per_amount),
    )
    row.update(outcome=outcome, effect=effect, currency=currency, price_year=price_year)
    return CostEffectiveness(pd.DataFrame([row])[COLUMNS])


def costs_section(costs: CostsConfig | Mapping) -> CostsConfig:
    """A ``costs:`` section as :class:`CostsConfig` (a mapping is validated like the file)."""
    if isinstance(costs, CostsConfig):
        return costs
    return validated_model(
        costs,
        CostsConfig,
        title="costs are not valid",
        source="costs",
        expected="a mapping like the study file's costs: section",
        fix="see docs/ingest.md, section costs",
    )


def _estimates(data, outcomes, strata, arm, level) -> pd.DataFrame:
    """The unadjusted ITT (stratum fixed effects, HC2) per outcome: what the bootstrap redoes."""
    found = itt(
        data,
        outcomes,
        arm=arm,
        strata=strata,
        adjustments=("unadjusted",),
        logit=False,
        confidence_level=level,
    ).tidy()
    return found[found["specification"] == "unadjusted"]


def cost_effectiveness(
    data: pd.DataFrame,
    costs: CostsConfig | Mapping,
    *,
    outcomes: Sequence[str] | None = None,
    effect: Effect = "itt",
    estimates: pd.DataFrame | None = None,
    arm: str = "arm",
    strata: str | None = "stratum",
    take_up: str = "started",
    rounds: str = "round_id",
    confidence_level: float = 0.95,
    draws: int | None = None,
    seed: int = DEFAULT_SEED,
) -> CostEffectiveness:
    """Cost per additional person with each outcome in a randomised study.

    ``effect="itt"``: cost per person offered ÷ ITT; ``effect="cace"``: cost per participant
    who took part (``take_up`` true) ÷ CACE. Intervals by Fieller's theorem (from each
    estimate's standard error and degrees of freedom) and by a percentile bootstrap that
    resamples persons within arm × stratum cells (:func:`~.bootstrap.bootstrap_effect`).

    Parameters
    ----------
    data : DataFrame
        One row per randomised person: ``arm``, the outcomes, ``strata``, ``take_up`` (for
        the CACE, and for counting participants), ``rounds``.
    costs : CostsConfig or mapping
        The study file's ``costs:`` section.
    outcomes : sequence of str, optional
        Default: ``costs.outcomes``.
    effect : {"itt", "cace"}
    estimates : DataFrame, optional
        The effects to use: a tidy table with outcome, estimate, std_error and df (e.g. from
        ``impact.rct.itt`` or ``impact.rct.cace``). Default for the ITT: the unadjusted ITT
        with stratum fixed effects, the estimator the bootstrap repeats; needed for the CACE.
    arm, strata, take_up, rounds : str
        Column names (a missing ``strata`` column means no strata).
    confidence_level : float
    draws : int, optional
        Bootstrap resamples (default ``costs.bootstrap_draws``).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    CostEffectiveness
    """
    section = costs_section(costs)
    check_choice("effect", effect, Effect)
    level = check_level(confidence_level, "confidence_level")
    outcomes = list(section.outcomes if outcomes is None else outcomes)
    strata = strata if strata is not None and strata in data.columns else None
    n_offered, n_participants, n_rounds = participant_counts(
        data, arm=arm, take_up=take_up, rounds=rounds
    )
    basis = cost_basis(
        section, n_offered=n_offered, n_participants=n_participants, n_rounds=n_rounds
    )
    if estimates is None and effect == "cace":
        raise InputError(
            "cost_effectiveness: effect='cace' needs estimates= (the CACE per "
            "outcome with std_error and df, e.g. impact.rct.cace(...).tidy())"
        )
    if estimates is None:
        estimates = _estimates(data, outcomes, strata, arm, level)
    cost = basis.per_offered if effect == "itt" else basis.per_participant
    rows = []
    for outcome in outcomes:
        found = estimates[estimates["outcome"] == outcome]
        if found.empty or found[["estimate", "std_error"]].iloc[0].isna().any():
            continue
        first = found.iloc[0]
        boot: EffectDraws = bootstrap_effect(
            data,
            outcome,
            arm=arm,
            strata=strata,
            take_up=take_up if effect == "cace" else None,
            draws=draws or section.bootstrap_draws,
            seed=seed,
        )
        df = None if pd.isna(first.get("df", np.nan)) else float(first["df"])
        rows.append(
            cost_per_outcome(
                cost,
                float(first["estimate"]),
                float(first["std_error"]),
                df,
                outcome=outcome,
                effect=effect,
                currency=section.currency,
                price_year=section.price_year,
                per_amount=section.per_amount,
                confidence_level=level,
                draws=boot.draws,
            ).tidy()
        )
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=COLUMNS)
    return CostEffectiveness(table, basis=basis.to_dict())
