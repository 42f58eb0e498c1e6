"""The two top-level entry points of the public API: :func:`load_study` and :func:`load_config`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from impact.ingest.config import StudyConfig
from impact.ingest.config import load_config as _load_config

if TYPE_CHECKING:
    from impact.pipeline.prepare import PreparedStudy


def load_config(study_file: str | Path) -> StudyConfig:
    """Read and validate a study file without reading its data.

    Parameters
    ----------
    study_file : str or Path
        The study file (YAML; see ``docs/ingest.md``).

    Returns
    -------
    StudyConfig
        The validated settings (``config.study``, ``config.inputs``, ``config.linking``,
        ``config.indicators``, ``config.analysis`` …); relative paths are resolved against
        the study file's folder.

    Raises
    ------
    impact.errors.ImpactError
        When the file is missing or a setting is wrong (the message names the dotted key).
    """
    return _load_config(study_file)


def load_study(study_file: StudyConfig | str | Path) -> PreparedStudy:
    """Load a study: validate every input, link the waves and compute the indicators.

    Linking and the indicators run on the study file's ``engine`` (pandas, DuckDB or Spark;
    the result is the same).

    Parameters
    ----------
    study_file : StudyConfig, str or Path
        The study file, or its settings from :func:`load_config`.

    Returns
    -------
    PreparedStudy
        ``config``, ``data`` (the canonical tables), ``links`` (the linking result) and
        ``table`` — one row per person with the indicators, the input of every analysis;
        ``tidy()`` returns that table.

    Raises
    ------
    impact.errors.InputError
        Listing every problem in every input file.
    """
    from impact.pipeline.prepare import prepare_study  # linking and engines: loaded when used

    return prepare_study(study_file)
