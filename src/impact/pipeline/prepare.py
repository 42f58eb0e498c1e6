"""Turn a study config into analysis-ready tables: validated waves, linked panel, indicators."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact.engines import check_engine
from impact.indicators.compute import compute_indicators
from impact.ingest import StudyData, load_study
from impact.ingest.config import StudyConfig, load_config
from impact.link import LinkResult, link_study
from impact.pipeline.in_progress import require_result_answers
from impact.results import Result

logger = logging.getLogger(__name__)

#: Wave-prefixed panel columns that analyses read besides the indicators (trajectories,
#: attribution, time to job). Free text and identifying fields are never among them.
_WAVE_PREFIXES = ("b_", "r_", "f")
_NEVER_PASSED = ("link_code", "response_id", "comments", "occupation_field", "submitted_at")


@dataclass(repr=False)
class PreparedStudy(Result):
    """A study ready for analysis (what :func:`impact.load_study` returns).

    Attributes
    ----------
    config : StudyConfig
        The validated study file.
    data : StudyData
        The canonical tables and the input files' hashes.
    links : LinkResult
        Pairs, linked panel and link report.
    table : DataFrame
        The analysis table: the indicator table (one row per person) with the panel's wave
        columns needed by trajectories, attribution and time to job joined on. Its
        ``attrs["indicators"]`` holds the definition versions and parameters.
    """

    config: StudyConfig
    data: StudyData
    links: LinkResult
    table: pd.DataFrame
    title: str = field(default="Prepared study", init=False)

    @property
    def randomised(self) -> bool:
        """Whether the study is a randomised design with a randomisation list."""
        return self.config.study.design == "randomised" and self.data.randomisation is not None

    def tidy(self) -> pd.DataFrame:
        """The analysis table: one row per person, the indicators and the wave answers."""
        return self.table

    def summary(self) -> str:
        """The study's name and design, and how many persons the analysis table holds."""
        study = self.config.study
        return f"{self.title}: {study.name} ({study.design}), {len(self.table)} persons"


def _wave_columns(panel: pd.DataFrame, already: pd.Index) -> list[str]:
    keep = []
    for column in panel.columns:
        if column in already or not column.startswith(_WAVE_PREFIXES):
            continue
        if any(column.endswith(f"_{name}") for name in _NEVER_PASSED):
            continue
        keep.append(column)
    return keep


def analysis_table(panel: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Join the panel's wave answers onto the indicator table (same row order, one per person).

    In randomised studies the randomisation list's gender fills ``gender`` for people who never
    answered baseline, so attrition and heterogeneity analyses see everyone randomised.
    """
    extra = _wave_columns(panel, indicators.columns)
    table = indicators.join(panel[extra].set_axis(indicators.index))
    if "rand_gender" in table.columns and "gender" in table.columns:
        table["gender"] = table["gender"].fillna(table["rand_gender"])
    table.attrs = dict(indicators.attrs)
    return table


def link_loaded_study(config: StudyConfig, data: StudyData) -> LinkResult:
    """Link a loaded study's waves with the study file's linking settings and engine."""
    return link_study(
        data.baseline,
        data.followup,
        data.result,
        data.randomisation if config.study.design == "randomised" else None,
        secret=config.linking.resolve_secret(),
        secret_env=config.linking.secret_env,
        threshold=config.linking.threshold,
        code_elements=config.linking.code_elements,
        engine=config.engine,
        blocking=config.linking.blocking,
    )


def with_engine(config: StudyConfig, engine: str) -> StudyConfig:
    """A copy of ``config`` running on ``engine`` (the ``--engine`` option of the CLI).

    Raises
    ------
    impact.errors.InputError
        When ``engine`` is not pandas, duckdb or spark.
    """
    chosen = config.model_copy(deep=True)
    chosen.engine = check_engine(engine, "--engine")
    return chosen


def prepare_study(config: StudyConfig | str | Path) -> PreparedStudy:
    """Validate every input, link the waves and compute the indicators.

    Linking and the indicators run on the study's ``engine`` (pandas, DuckDB or Spark; the
    result is the same).

    Parameters
    ----------
    config : StudyConfig or path
        The study file (a path is loaded with :func:`impact.ingest.config.load_config`).

    Returns
    -------
    PreparedStudy

    Raises
    ------
    impact.errors.InputError
        Any input problem, all of them listed at once.
    """
    if not isinstance(config, StudyConfig):
        config = load_config(config)
    data = load_study(config)
    require_result_answers(config, data)
    logger.info("validated %s", ", ".join(f"{k} ({len(v)})" for k, v in data.tables().items()))
    links = link_loaded_study(config, data)
    indicators = compute_indicators(
        links.panel,
        engine=config.engine,
        definitions=config.indicators.definitions,
        params=dict(config.indicators.params),
    )
    return PreparedStudy(config, data, links, analysis_table(links.panel, indicators))
