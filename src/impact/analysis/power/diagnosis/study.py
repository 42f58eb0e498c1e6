"""``diagnose_study``: the design diagnosis of the design a study file declares.

The study file's ``power:`` section gives the numbers randomised (``n_total`` / ``n_per_arm``
and ``ratio``), ``attrition`` (both arms), ``r2`` (the first value), ``clusters`` (ICC, size),
``alpha``, the control rate of the chosen outcome (``control_rates``) and the new optional
keys ``effect_pp``, ``take_up``, ``crossover`` and ``blocks``; ``randomisation.procedure``
gives the kind of randomisation. Any argument of :func:`diagnose` given explicitly overrides
the study file. See ``docs/power.md`` ("Design diagnosis from the study file").
"""

from __future__ import annotations

import logging
from typing import Any

from impact.analysis.power.diagnosis.result import DiagnosisResult
from impact.analysis.power.diagnosis.run import diagnose
from impact.errors import PowerRequestError
from impact.ingest.config import StudyConfig
from impact.ingest.config_power import PowerConfig

logger = logging.getLogger(__name__)

__all__ = ["diagnose_study", "study_design_arguments"]


def _where(config: StudyConfig) -> str:
    return str(config.source) if config.source is not None else "the study file"


def _arms(power: PowerConfig) -> tuple[int, int]:
    """(n_treatment, n_control) from ``n_per_arm`` (the control arm) or ``n_total``."""
    if power.n_per_arm is not None:
        return round(power.n_per_arm * power.ratio), power.n_per_arm
    control = round(power.n_total / (1.0 + power.ratio))
    return power.n_total - control, control


def _outcome_and_rate(
    config: StudyConfig, outcome: str | None, control_rate: float | None
) -> tuple[str | None, float]:
    """The outcome diagnosed and its control rate (``control_rate`` overrides the file)."""
    rates, where = config.power.control_rates, _where(config)
    if rates == "observed":
        if control_rate is None:
            raise PowerRequestError(
                f"{where}: power.control_rates is `observed` (the rates the study's control "
                "group will show), which a diagnosis before the data cannot use; fix: give "
                "--control-rate (e.g. --control-rate 0.3; control_rate= in Python), or list "
                "the expected rates under power.control_rates, e.g. `got_job: 0.3`"
            )
        return outcome or config.analysis.outcomes[0], control_rate
    if outcome is None:
        with_rate = [o for o in config.analysis.outcomes if o in rates]
        outcome = with_rate[0] if with_rate else next(iter(rates))
    if control_rate is not None:
        return outcome, control_rate
    if outcome not in rates:
        raise PowerRequestError(
            f"{where}: outcome {outcome!r} has no rate under power.control_rates (it lists "
            f"{', '.join(rates)}); fix: choose one of those with --outcome, add "
            f"`{outcome}: <rate>` under power.control_rates, or give --control-rate"
        )
    return outcome, rates[outcome]


def _effect(config: StudyConfig, outcome: str | None) -> float:
    """The complier effect (pp) of the outcome from ``power.effect_pp``."""
    effect, where = config.power.effect_pp, _where(config)
    if effect is None:
        raise PowerRequestError(
            f"{where}: no effect to simulate; fix: add power.effect_pp (the effect of taking "
            "part for compliers, in percentage points, e.g. `effect_pp: 10`) or give --effect"
        )
    if isinstance(effect, dict):
        if outcome not in effect:
            raise PowerRequestError(
                f"{where}: power.effect_pp has no effect for outcome {outcome!r} (it lists "
                f"{', '.join(effect) or 'none'}); fix: add `{outcome}: <pp>` under "
                "power.effect_pp, choose another --outcome, or give --effect"
            )
        return effect[outcome]
    return effect


def _procedure(config: StudyConfig, blocks: int | None) -> dict[str, Any]:
    """``cluster_size``, ``icc`` and ``blocks`` from the declared procedure and design."""
    power, where = config.power, _where(config)
    declared = config.randomisation.procedure if config.randomisation is not None else None
    clusters = power.clusters
    clustered = declared is not None and "clustered" in declared
    if declared is not None and clustered != (clusters is not None):
        fix = "add power.clusters {icc, size}" if clustered else "remove power.clusters"
        raise PowerRequestError(
            f"{where}: randomisation.procedure is {declared} but power.clusters is "
            f"{'missing' if clusters is None else 'given'}; fix: {fix}, or change the procedure"
        )
    out: dict[str, Any] = {"cluster_size": 1, "icc": 0.0, "blocks": 1}
    if clusters is not None:
        if clusters.size != round(clusters.size):
            raise PowerRequestError(
                f"{where}: power.clusters.size is {clusters.size:g}; the diagnosis simulates "
                "clusters of one whole size; fix: give a whole number (e.g. the mean, rounded)"
            )
        out |= {"cluster_size": int(clusters.size), "icc": clusters.icc}
    blocked = declared is None or declared.startswith("blocked")
    chosen = blocks if blocks is not None else power.blocks
    if declared == "blocked" and chosen is None:
        raise PowerRequestError(
            f"{where}: randomisation.procedure is blocked but the number of blocks is not "
            "declared; fix: add power.blocks (e.g. `blocks: 4`) or give --blocks"
        )
    if declared == "blocked_and_clustered" and chosen != 1:
        raise PowerRequestError(
            f"{where}: randomisation.procedure is blocked_and_clustered, which the diagnosis "
            "does not simulate; fix: give --blocks 1 (power.blocks: 1) to diagnose it as "
            "clustered without blocks"
        )
    if blocks is not None:  # an explicit --blocks wins
        out["blocks"] = blocks
    elif blocked and chosen is not None:
        out["blocks"] = chosen
    return out


def study_design_arguments(
    config: StudyConfig, *, outcome: str | None = None, **overrides: Any
) -> dict[str, Any]:
    """The keyword arguments of :func:`diagnose` that the study file declares.

    Parameters
    ----------
    config : StudyConfig
        A loaded study file with a ``power:`` section.
    outcome : str, optional
        Outcome whose control rate (and effect, when per outcome) is used; default the first
        of ``analysis.outcomes`` with a rate under ``power.control_rates``.
    **overrides
        Arguments of :func:`diagnose`; those not None replace the study file's values.

    Returns
    -------
    dict
        ``n_treatment``, ``n_control`` and the keyword arguments of :func:`diagnose`.

    Raises
    ------
    PowerRequestError
        No ``power:`` section, ``observed`` rates without ``control_rate``, an outcome without
        a rate or effect, no effect, or a procedure the design does not match.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    power = config.power
    if power is None:
        raise PowerRequestError(
            f"{_where(config)}: no power: section, so no design is declared to diagnose; fix: "
            "add a power: section (n_total or n_per_arm, control_rates, effect_pp, take_up …; "
            "see docs/ingest.md), or give every number as options without --study"
        )
    outcome, rate = _outcome_and_rate(config, outcome, given.pop("control_rate", None))
    n1, n0 = _arms(power)
    r2 = power.r2[0]
    args: dict[str, Any] = {
        "n_treatment": n1, "n_control": n0, "control_rate": rate,
        "take_up": power.take_up, "crossover": power.crossover,
        "attrition_treatment": power.attrition, "attrition_control": power.attrition,
        "r2": r2, "n_covariates": 1 if r2 > 0 else 0, "alpha": power.alpha,
    }  # fmt: skip
    args |= _procedure(config, given.pop("blocks", None))
    if "effect_pp" not in given:
        args["effect_pp"] = _effect(config, outcome)
    args |= given
    logger.info("diagnosing the declared design of %s for outcome %s", _where(config), outcome)
    return args


def diagnose_study(
    config: StudyConfig, *, outcome: str | None = None, **overrides: Any
) -> DiagnosisResult:
    """Design diagnosis of the design the study file declares (see :func:`diagnose`).

    Parameters
    ----------
    config : StudyConfig
        A loaded study file (:func:`impact.load_config`) with a ``power:`` section.
    outcome : str, optional
        Outcome diagnosed (see :func:`study_design_arguments`).
    **overrides
        Any argument of :func:`diagnose` (``n_sims``, ``ri_draws``, ``seed``, ``effect_pp``,
        ``blocks`` …); values not None replace what the study file declares.

    Returns
    -------
    DiagnosisResult
        The same result as :func:`diagnose` called with the study file's numbers.
    """
    args = study_design_arguments(config, outcome=outcome, **overrides)
    return diagnose(args.pop("n_treatment"), args.pop("n_control"), **args)
