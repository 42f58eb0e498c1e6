"""The analyses that need follow-up waves or register extracts: time to job and the register
comparison. Each is run only when its inputs are present; otherwise a note says why not."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from impact.analysis.matching import RegisterComparison, register_comparison
from impact.analysis.timing import TimeToJob, time_to_job
from impact.engines import Engine
from impact.errors import ImpactError
from impact.ingest import StudyData

logger = logging.getLogger(__name__)


@dataclass
class RegisterAnalyses:
    """Time to job (from the follow-up waves) and the register-matched comparison.

    Attributes
    ----------
    timing : TimeToJob or None
        Kaplan–Meier, log-rank and hazard models by arm.
    comparison : RegisterComparison or None
        Matched comparison of the intervention group with external register controls.
    """

    timing: TimeToJob | None = None
    comparison: RegisterComparison | None = None


def analyse_timing(
    rows: pd.DataFrame, *, covariates: list[str], notes: list[str]
) -> TimeToJob | None:
    """Time to first job by arm (with competing first events and the interval-censored
    analysis when the data allow), when the study has follow-up waves; else a note. The
    log-rank and Gray's tests are stratified by ``stratum`` when the rows have it."""
    if not any(c.startswith("f1_") for c in rows.columns):
        notes.append("no time-to-job analysis: the study has no follow-up waves")
        return None
    # left_month: from take-up data on the indicator table, or the randomisation list's extra
    # column (prefixed rand_ in the panel); education answers are read from <wave>_in_education
    left = next((c for c in ("left_month", "rand_left_month") if c in rows.columns), None)
    # the randomisation stratum, when the study has one: log-rank and Gray's tests by stratum
    strata = "stratum" if "stratum" in rows.columns else None
    try:
        return time_to_job(rows, covariates=covariates, strata=strata, left_month=left)
    except ImpactError as error:
        notes.append(f"time-to-job analysis not possible: {error}")
        return None


def analyse_register(
    data: StudyData, *, notes: list[str], engine: Engine = "pandas"
) -> RegisterComparison | None:
    """Register-matched comparison, when the study names register extracts; else a note.

    The exact and CEM specifications make their cells on ``engine``
    (:func:`impact.analysis.matching.match_persons`); nearest-neighbour and propensity
    matching run on pandas. The result is the same on every engine.
    """
    if data.register_persons is None or data.register_months is None:
        notes.append("no register comparison: the study names no register extracts")
        return None
    try:
        return register_comparison(data.register_persons, data.register_months, engine=engine)
    except ImpactError as error:
        notes.append(f"register comparison not possible: {error}")
        return None
