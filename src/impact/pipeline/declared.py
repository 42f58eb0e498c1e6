"""What the study file declares, turned into analyses: the planned power design and the costs.

The pipeline never uses a built-in study: without a ``power:`` section there is no plan (the
reports say that no design was declared and show only the study as run), and without a
``costs:`` section there are no cost sections. See ``docs/power.md`` and ``docs/cost.md``.
"""

from __future__ import annotations

import logging

import pandas as pd

from impact.analysis.cost import (
    CostEffectiveness,
    ProgrammeCosts,
    cost_effectiveness,
    programme_costs,
)
from impact.analysis.power import StudyPlan, plan_study
from impact.errors import ImpactError
from impact.ingest.config import StudyConfig
from impact.ingest.config_power import PowerConfig

logger = logging.getLogger(__name__)


def observed_control_rates(
    rows: pd.DataFrame, outcomes: list[str], notes: list[str]
) -> dict[str, float]:
    """Control-group rates among respondents, per outcome (outcomes at 0 % or 100 % are left
    out with a note: no MDE can be planned from them)."""
    control = rows[rows["arm"] == "control"]
    rates = {}
    for outcome in outcomes:
        values = control[outcome].dropna().astype(float) if outcome in control else pd.Series()
        if values.empty or not 0 < values.mean() < 1:
            notes.append(f"power: no observed control rate strictly between 0 and 1 for {outcome}")
            continue
        rates[outcome] = float(values.mean())
    return rates


def declared_plan(
    design: PowerConfig | None, rows: pd.DataFrame, outcomes: list[str], notes: list[str]
) -> StudyPlan | None:
    """The power plan of the design the study file declares (None when it declares none).

    Parameters
    ----------
    design : PowerConfig or None
        The study file's ``power:`` section.
    rows : DataFrame
        The randomised rows (for ``control_rates: observed``).
    outcomes : list of str
        The outcomes the study analyses (for observed rates).
    notes : list of str
        Receives what could not be planned.
    """
    if design is None:
        return None
    if design.control_rates == "observed":
        rates = observed_control_rates(rows, outcomes, notes)
    else:
        rates = dict(design.control_rates)
    if not rates:
        notes.append("power: the declared design has no outcome with a usable control rate")
        return None
    clusters = design.clusters
    try:
        return plan_study(
            design.participants,
            rates,
            attrition=design.attrition,
            r2_values=tuple(design.r2),
            ratio=1.0 / design.ratio,  # the study file's treatment : control; the library's
            # ratio is n_control / n_treatment
            alpha=design.alpha,
            power=design.power,
            method=design.method,
            icc=clusters.icc if clusters else 0.0,
            cluster_size=clusters.size if clusters else 1.0,
        )
    except ImpactError as error:
        notes.append(f"power: the declared design could not be planned: {error}")
        return None


def declared_costs(
    config: StudyConfig,
    table: pd.DataFrame,
    rows: pd.DataFrame | None,
    notes: list[str],
    *,
    cace: pd.DataFrame | None = None,
    take_up: str | None = None,
) -> tuple[ProgrammeCosts | None, CostEffectiveness | None]:
    """Descriptive programme costs (a programme study) or, for a randomised study (``rows``
    given), the cost per additional outcome from the ITT — and from the CACE when ``cace``
    (its tidy table) and the ``take_up`` column are given — when the study file has ``costs:``.
    """
    costs = config.costs
    if costs is None:
        return None, None
    analysis = config.analysis
    outcomes = [o for o in costs.outcomes if o in table.columns]
    missing = sorted(set(costs.outcomes) - set(outcomes))
    if missing:
        notes.append(f"costs: outcomes not in the indicator table: {', '.join(missing)}")
    options = {"confidence_level": analysis.confidence_level}
    if rows is None:
        descriptive = programme_costs(
            table, costs, outcomes=outcomes, suppression_threshold=analysis.suppression_threshold,
            **options,
        )  # fmt: skip
        return descriptive, None
    if not outcomes:
        return None, None
    options.update(outcomes=outcomes, seed=analysis.seed, take_up=take_up or "started")
    found = cost_effectiveness(rows, costs, **options)
    if cace is not None and take_up is not None:
        by_cace = cost_effectiveness(rows, costs, effect="cace", estimates=cace, **options)
        found = CostEffectiveness(
            pd.concat([found.table, by_cace.table], ignore_index=True), basis=found.basis
        )
    return None, found
