"""Read, map and validate every file of a study.

:func:`validate_study` does every file named in a study config and returns a
:class:`ValidationReport` (every problem of every file, per-file row counts and hashes);
:func:`load_study` returns the clean canonical tables as :class:`StudyData` or raises one
:class:`~impact.errors.InputError` listing every problem. One file is read by
:mod:`impact.ingest.single_file` (``read_table``, ``validate_file``); the result types are in
:mod:`impact.ingest.study_data` (also importable from here).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd

from impact.errors import InputError, Problem
from impact.ingest.adapters.export_report import ExportReport
from impact.ingest.config import StudyConfig, load_config
from impact.ingest.mapping import Mapping, load_mapping
from impact.ingest.round_labels import round_label_problems
from impact.ingest.single_file import file_sha256, ingest_file
from impact.ingest.study_data import SourceFile, StudyData, ValidationReport

__all__ = ["SourceFile", "StudyData", "ValidationReport", "load_study", "validate_study"]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True)


def validate_study(config: StudyConfig | PathLike) -> ValidationReport:
    """Read, map and validate every file of a study; collect every problem.

    Parameters
    ----------
    config : StudyConfig or path
        The study config (or the path of its YAML file).

    Returns
    -------
    ValidationReport
        Per-file rows and problems; ``data`` holds the tables when nothing is wrong.

    Raises
    ------
    InputError
        Only when the config itself cannot be read (use the report for data problems).
    """
    if not isinstance(config, StudyConfig):
        config = load_config(config)
    mapping: Mapping | None = None
    if config.inputs.mapping is not None:
        try:
            mapping = load_mapping(config.inputs.mapping)
        except InputError as error:
            return ValidationReport(files=[], problems=list(error.problems))
    files: list[SourceFile] = []
    problems: list[Problem] = []
    exports: list[ExportReport] = []
    stacked: dict[str, list[pd.DataFrame]] = {}
    for table, paths in config.inputs.files().items():
        sheet = config.inputs.sheets.get(table)
        for number, path in enumerate(paths, start=1):
            path = Path(path)
            frame, found, export = ingest_file(
                path, table, mapping, sheet, number if table == "followup" else None
            )
            problems += found
            exports += [export] if export is not None else []
            rows = None if frame is None else len(frame)
            files.append(SourceFile(table, str(path), file_sha256(path), rows, len(found)))
            if frame is not None:
                stacked.setdefault(table, []).append(frame)
    report = ValidationReport(files=files, problems=problems, exports=exports)
    if not problems:
        data = StudyData(
            **{t: _stack(f) for t, f in stacked.items()},
            sources=files,
            mapping=mapping.name if mapping is not None else None,
        )
        # across files: a round label that changed between waves would split the round
        report.problems = round_label_problems(data, config.linking.code_elements)
        if not report.problems:
            report.data = data
    return report


def load_study(config: StudyConfig | PathLike) -> StudyData:
    """Read every file of a study (``config`` as in :func:`validate_study`) into clean
    canonical tables (:class:`StudyData`).

    Raises
    ------
    InputError
        One error listing every problem in every file.
    """
    report = validate_study(config)
    report.raise_if_problems()
    assert report.data is not None
    return report.data
