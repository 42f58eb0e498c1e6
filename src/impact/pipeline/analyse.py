"""Run every analysis a study's design calls for on a prepared study."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import pandas as pd

from impact.analysis.attrition import AttritionSummary, attrition_summary
from impact.analysis.cost import CostEffectiveness, ProgrammeCosts
from impact.analysis.outcomes import ProgrammeOutcomes, outcomes_by_round
from impact.analysis.power import MDEResult, StudyPlan, mde
from impact.analysis.rct import RctAnalysis, RctWarning, analyse_rct
from impact.analysis.rct.procedure import Declaration
from impact.errors import AnalysisError, ImpactError
from impact.ingest.take_up import crossover_note
from impact.pipeline.declared import declared_costs, declared_plan
from impact.pipeline.in_progress import (
    completed_rounds,
    require_linked_results,
    rounds_in_progress,
)
from impact.pipeline.prepare import PreparedStudy
from impact.pipeline.register import RegisterAnalyses, analyse_register, analyse_timing

logger = logging.getLogger(__name__)


@dataclass
class StudyAnalyses:
    """Every analysis of one study.

    Attributes
    ----------
    outcomes : dict of str → ProgrammeOutcomes
        ``"all"`` for the whole project and one entry per round.
    rct, attrition : RctAnalysis, AttritionSummary or None
        Randomised designs only.
    power_as_run : list of MDEResult
        MDE of the study as run (analysed n per arm, observed control rates); randomised only.
    plan : StudyPlan or None
        The power plan of the design the study file declares (``power:``); None when it
        declares none (the reports then say so). Randomised designs only.
    programme_costs, cost : ProgrammeCosts, CostEffectiveness or None
        When the study file has ``costs:``: descriptive costs per participant (a programme
        study) or the cost per additional outcome from the ITT (a randomised study).
    register : RegisterAnalyses or None
        Time to job and the register-matched comparison, when the data allow them.
    notes : list of str
        What was not computed and why.
    in_progress : dict of str → int
        Rounds still in progress (baseline answers, no result answers yet) and their
        participants; they are left out of every analysis above (see
        :mod:`impact.pipeline.in_progress`).
    """

    outcomes: dict[str, ProgrammeOutcomes]
    rct: RctAnalysis | None = None
    attrition: AttritionSummary | None = None
    power_as_run: list[MDEResult] = field(default_factory=list)
    plan: StudyPlan | None = None
    programme_costs: ProgrammeCosts | None = None
    cost: CostEffectiveness | None = None
    register: RegisterAnalyses | None = None
    notes: list[str] = field(default_factory=list)
    in_progress: dict[str, int] = field(default_factory=dict)


def _declared_randomisation(prepared: PreparedStudy, rows: pd.DataFrame) -> Declaration | None:
    """The study file's ``randomisation:`` section as a declaration on the RCT rows' columns
    (a column kept from the randomisation list as ``rand_<name>`` is found under that name)."""
    section = prepared.config.randomisation
    if section is None:
        return None

    def column(name: str | None) -> str | None:
        if name is None or name in rows.columns or f"rand_{name}" not in rows.columns:
            return name
        return f"rand_{name}"

    return Declaration(
        procedure=section.procedure,
        blocks=column(section.blocks),
        clusters=column(section.clusters),
        probability=section.probability,
        block_probabilities=dict(section.block_probabilities),
    )


def _rct_covariates(rows: pd.DataFrame, covariates: list[str]) -> list[str]:
    """Gender joins the covariates unless randomisation was stratified by it (then the stratum
    fixed effects already absorb it)."""
    if "gender" not in rows.columns:
        return covariates
    if "stratum" in rows.columns and rows.groupby("stratum")["gender"].nunique().max() <= 1:
        return covariates
    return ["gender", *covariates]


def _take_up(rows: pd.DataFrame, notes: list[str]) -> str | None:
    """``"started"`` when the randomised rows record take-up with both values (the CACE),
    else None (with a note when the column is there but cannot identify a CACE)."""
    if "started" not in rows.columns or rows["started"].isna().all():
        return None
    if rows["started"].dropna().nunique() < 2:
        notes.append("effect of taking part (CACE) not estimated: 'started' has one value")
        return None
    return "started"


def _randomised_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["arm"].notna()].reset_index(drop=True)


def _power_as_run(
    rct_rows: pd.DataFrame, outcomes: list[str], level: float, notes: list[str]
) -> list[MDEResult]:
    """Smallest detectable rise per outcome with the analysed numbers and control rates."""
    results = []
    for outcome in outcomes:
        if outcome not in rct_rows.columns:
            continue
        answered = rct_rows[rct_rows[outcome].notna()]
        counts = answered["arm"].value_counts()
        n_t, n_c = int(counts.get("treatment", 0)), int(counts.get("control", 0))
        control = answered.loc[answered["arm"] == "control", outcome].astype(float)
        if min(n_t, n_c) < 2 or control.empty or not 0 < control.mean() < 1:
            continue
        try:
            results.append(
                mde(
                    n_t,
                    n_c,
                    control_rate=float(control.mean()),
                    alpha=1 - level,
                    direction="increase",
                    outcome=outcome,
                )
            )
        except ImpactError as error:
            notes.append(f"no MDE as run for {outcome}: {error}")
    return results


def analyse_study(prepared: PreparedStudy, *, lang: str = "en") -> StudyAnalyses:
    """Run the outcome analyses, and for randomised studies the RCT, attrition and power ones.

    Rounds still in progress (no result answers yet) are left out of every analysis and listed
    in ``in_progress`` (:mod:`impact.pipeline.in_progress`).

    Parameters
    ----------
    prepared : PreparedStudy
        Output of :func:`impact.pipeline.prepare_study`.
    lang : {"en", "sv"}
        Default language of labels in the result objects.

    Returns
    -------
    StudyAnalyses
    """
    config = prepared.config.analysis
    require_linked_results(prepared.table, prepared.data.result)
    in_progress = rounds_in_progress(prepared.table, prepared.data.result)
    table = completed_rounds(prepared.table, in_progress)
    groups = [g for g in config.groups if g in table.columns]
    covariates = [c for c in config.covariates if c in table.columns]
    outcomes = outcomes_by_round(
        table,
        targets=config.targets,
        covariates=covariates,
        groups=groups,
        level=config.confidence_level,
        suppression_threshold=config.suppression_threshold,
        lang=lang,
    )
    analyses = StudyAnalyses(outcomes=outcomes, in_progress=in_progress)
    left_out = "the project's figures" + (
        " and the randomised analyses" if prepared.randomised else ""
    )
    analyses.notes += [
        f"round {round_id} is still in progress ({people} participant(s), no result answers "
        f"yet): left out of {left_out}; its report says so"
        for round_id, people in in_progress.items()
    ]
    if prepared.randomised:
        _analyse_randomised(analyses, prepared, table, covariates, lang)
    else:
        analyses.programme_costs, _ = declared_costs(prepared.config, table, None, analyses.notes)
    return analyses


def _analyse_randomised(
    analyses: StudyAnalyses,
    prepared: PreparedStudy,
    table: pd.DataFrame,
    covariates: list[str],
    lang: str,
) -> None:
    """Add the RCT, attrition, power and register analyses of a randomised study to
    ``analyses`` (what cannot be done is said in its notes)."""
    config = prepared.config.analysis
    rows = _randomised_rows(table)
    analyses.notes += [note for note in [crossover_note(rows)] if note]
    family = [o for o in config.outcomes if o in rows.columns]
    missing = sorted(set(config.outcomes) - set(family))
    if missing:
        analyses.notes.append(f"outcomes not in the indicator table: {', '.join(missing)}")
    with warnings.catch_warnings():
        # Collinear or constant columns are dropped by the RCT module and kept in its notes;
        # the warnings would repeat them once per model.
        warnings.simplefilter("ignore", RctWarning)
        analyses.rct = analyse_rct(
            rows,
            outcomes=family,
            covariates=_rct_covariates(rows, covariates),
            ri_draws=config.ri_draws,
            seed=config.seed,
            confidence_level=config.confidence_level,
            take_up=(take_up := _take_up(rows, analyses.notes)),
            lang=lang,
            randomisation=_declared_randomisation(prepared, rows),
        )
    try:
        analyses.attrition = attrition_summary(
            rows,
            outcomes=family,
            covariates=covariates,
            boundary=config.attrition_boundary,
            tighten_by=config.attrition_tighten_by,
            confidence_level=config.confidence_level,
            n_bootstrap=config.attrition_bootstrap,
            n_permutations=config.attrition_permutations,
            seed=config.seed,
        )
    except AnalysisError as error:
        analyses.notes.append(f"attrition analysis not possible: {error}")
    analyses.power_as_run = _power_as_run(rows, family, config.confidence_level, analyses.notes)
    analyses.plan = declared_plan(prepared.config.power, rows, family, analyses.notes)
    cace = analyses.rct.cace.tidy() if analyses.rct.cace is not None else None
    _, analyses.cost = declared_costs(
        prepared.config, table, rows, analyses.notes, cace=cace, take_up=take_up
    )
    analyses.register = RegisterAnalyses(
        timing=analyse_timing(rows, covariates=covariates, notes=analyses.notes),
        comparison=analyse_register(
            prepared.data,
            notes=analyses.notes,
            engine=prepared.config.engine,
        ),
    )
