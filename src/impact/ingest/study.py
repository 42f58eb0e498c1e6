"""Read, map and validate one file or every file of a study.

:func:`read_table` does one file; :func:`validate_study` does every file named in a study
config and returns a :class:`ValidationReport` (every problem of every file, per-file row
counts and hashes); :func:`load_study` returns the clean canonical tables as
:class:`StudyData` or raises one :class:`~impact.errors.InputError` listing every problem.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from impact.errors import DataError, InputError, Problem
from impact.ingest.adapters.checkbox import DECISIONS
from impact.ingest.adapters.export import ExportReport, read_export
from impact.ingest.answers import answer_counts
from impact.ingest.chunked import TypedFile, finish_types, map_and_type, typed_in_chunks
from impact.ingest.csv_chunks import CHUNK_ROWS, NotStreamable
from impact.ingest.mapping import Mapping, load_mapping
from impact.ingest.round_labels import round_label_problems
from impact.ingest.schema import TABLES, check_table_name, load_table_schema
from impact.ingest.validate import validate_frame
from impact.results import Result

if TYPE_CHECKING:
    from impact.config import StudyConfig

__all__ = [
    "SourceFile",
    "StudyData",
    "ValidationReport",
    "derive_age",
    "file_sha256",
    "load_study",
    "read_table",
    "validate_file",
    "validate_study",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class SourceFile:
    """Provenance of one input file.

    Attributes
    ----------
    table : str
        The canonical table the file feeds.
    path : str
        The file's absolute path.
    sha256 : str or None
        SHA-256 of the file's bytes (None when the file could not be read).
    rows : int or None
        Data rows read (None when the file could not be read).
    problems : int
        Problems found in this file.
    """

    table: str
    path: str
    sha256: str | None
    rows: int | None
    problems: int


@dataclass
class StudyData:
    """The canonical tables of a study (None for tables the config does not name).

    Attributes
    ----------
    baseline, followup, result, randomisation, register_persons, register_months : DataFrame
        Clean, typed canonical tables (files of one table stacked in config order).
    sources : list of SourceFile
        Every input file with its SHA-256 hash, for provenance.
    mapping : str or None
        Name of the mapping used.
    """

    baseline: pd.DataFrame | None = None
    followup: pd.DataFrame | None = None
    result: pd.DataFrame | None = None
    randomisation: pd.DataFrame | None = None
    register_persons: pd.DataFrame | None = None
    register_months: pd.DataFrame | None = None
    sources: list[SourceFile] = field(default_factory=list)
    mapping: str | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{table: frame}`` for the tables that are present, in pipeline order."""
        return {t: getattr(self, t) for t in TABLES if getattr(self, t) is not None}

    def file_rows(self, table: str) -> list[tuple[str, pd.DataFrame]]:
        """``(file path, that file's rows)`` of one table, in the order they were stacked.

        A table stacked from several files is split back by the files' row counts; when the
        counts do not add up (tables built in code), the whole table comes back once, under
        the names of its files (or the table's name).
        """
        frame = getattr(self, table)
        if frame is None:
            return []
        sources = [s for s in self.sources if s.table == table]
        if not sources or sum(s.rows or 0 for s in sources) != len(frame):
            return [(", ".join(s.path for s in sources) or table, frame)]
        parts, start = [], 0
        for source in sources:
            rows = source.rows or 0
            parts.append((source.path, frame.iloc[start : start + rows]))
            start += rows
        return parts


@dataclass
class ValidationReport(Result):
    """Outcome of validating every file of a study.

    Attributes
    ----------
    files : list of SourceFile
        Every file with its row count, problem count and hash.
    problems : list of Problem
        Every problem in every file (empty when the study is valid).
    data : StudyData or None
        The canonical tables, when there are no problems.
    exports : list of ExportReport
        How each readable file was read: the survey tool (named or recognised, with a
        confidence), rows dropped per reason, checkbox answers decided per rule.
    """

    files: list[SourceFile]
    problems: list[Problem]
    data: StudyData | None = None
    title: str = "Input validation"
    exports: list[ExportReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def tidy(self) -> pd.DataFrame:
        """One row per problem: source, row, column, value, expected, fix, kind."""
        frame = InputError("", self.problems).to_frame()
        return frame.astype({"row": "Int64"})

    def file_table(self) -> pd.DataFrame:
        """One row per file: table, source, rows, problems, sha256."""
        columns = ["table", "source", "rows", "problems", "sha256"]
        records = [(f.table, f.path, f.rows, f.problems, f.sha256) for f in self.files]
        return pd.DataFrame(records, columns=columns).astype({"rows": "Int64", "problems": "Int64"})

    def checkbox_table(self) -> pd.DataFrame:
        """One row per file and checkbox field: rows decided by each rule."""
        records = [
            {"source": c.source, "question": c.question, "field": c.field, "rule": c.rule}
            | c.counts
            for e in self.exports
            for c in e.checkboxes
        ]
        columns = ["source", "question", "field", "rule", *DECISIONS]
        return pd.DataFrame(records, columns=columns)

    def answer_table(self) -> pd.DataFrame:
        """One row per file, coded field and canonical code: what the answers became."""
        records = [
            (e.source, a["header"], a["field"], code, count)
            for e in self.exports
            for a in e.answers
            for code, count in a["counts"].items()
        ]
        columns = ["source", "header", "field", "code", "rows"]
        return pd.DataFrame(records, columns=columns)

    def summary(self) -> str:
        """Per-file rows and problem counts, how each export was read, then the verdict."""
        lines = [self.title]
        for f in self.files:
            rows = "unreadable" if f.rows is None else f"{f.rows} rows"
            lines.append(f"  {f.table:<17} {f.path}: {rows}, {f.problems} problem(s)")
        for export in self.exports:
            lines += [f"  {line}" for line in export.describe()]
        lines.append("valid" if self.ok else f"{len(self.problems)} problem(s) in total")
        return "\n".join(lines)

    def raise_if_problems(self) -> None:
        """Raise one InputError listing every problem (does nothing when valid)."""
        if self.problems:
            n_files = len({p.source for p in self.problems})
            raise DataError(f"Input validation failed in {n_files} file(s)", self.problems)


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a file's bytes as hex (None when it is not a file)."""
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def derive_age(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill missing ``age`` as year of submission minus year of birth (in place; returned).

    Only rows where ``age`` is missing and both ``birth_year`` and ``submitted_at`` are known
    are filled; the result is an approximation that can be one year too high for people whose
    birthday falls after the submission date in that year.
    """
    needed = {"age", "birth_year", "submitted_at"}
    if not needed <= set(frame.columns):
        return frame
    derived = pd.array(frame["submitted_at"].dt.year, dtype="Int64") - frame["birth_year"]
    frame["age"] = frame["age"].fillna(pd.Series(derived, index=frame.index))
    return frame


#: CSV exports at least this big are read in chunks of rows (bounded memory).
CHUNKED_BYTES = 64 * 1024 * 1024
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")


def _in_chunks(path: Path, chunk_rows: int | None) -> bool:
    """Whether a file is read in chunks: a CSV export that is big, or chunk_rows given."""
    if path.suffix.lower() not in _CSV_SUFFIXES or not path.is_file():
        return False
    size = path.stat().st_size
    return size > 0 and (chunk_rows is not None or size >= CHUNKED_BYTES)


def _typed_whole(
    path: Path,
    table: str,
    mapping: Mapping | None,
    sheet: str | None,
    followup_number: int | None,
) -> TypedFile:
    """Read the whole file, map and type it (raises InputError when it cannot be read)."""
    raw, export = read_export(path, table, mapping, sheet)
    mapped, frame, failures = map_and_type(raw, table, mapping, followup_number)
    frame, type_problems = finish_types(frame, mapped, table, mapping, failures)
    problems = raw.problems + mapped.problems + type_problems
    return TypedFile(frame, problems, mapped.headers, mapped.reported, export)


def _typed(
    path: Path,
    table: str,
    mapping: Mapping | None,
    sheet: str | None,
    followup_number: int | None,
    chunk_rows: int | None,
) -> TypedFile:
    """Map and type one file: a big CSV export in chunks, anything else (or on doubt) whole."""
    if _in_chunks(path, chunk_rows):
        try:
            return typed_in_chunks(path, table, mapping, followup_number, chunk_rows or CHUNK_ROWS)
        except (NotStreamable, InputError) as reason:
            logger.info("%s is read whole: %s", path, reason)
    return _typed_whole(path, table, mapping, sheet, followup_number)


def _ingest_file(
    path: Path,
    table: str,
    mapping: Mapping | None,
    sheet: str | None,
    followup_number: int | None,
    chunk_rows: int | None = None,
) -> tuple[pd.DataFrame | None, list[Problem], ExportReport | None]:
    """Read, map, type and validate one file; never raises for bad input."""
    try:
        typed = _typed(path, table, mapping, sheet, followup_number, chunk_rows)
    except InputError as error:
        return None, list(error.problems), None
    schema = load_table_schema(table)
    frame, export, problems = typed.frame, typed.export, typed.problems
    problems += validate_frame(frame, table, str(path), typed.headers, typed.reported)
    problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    if "age" in schema.field_names:
        derive_age(frame)
    headers = dict(typed.headers)
    headers.update({c.field: f"{c.question} (checkbox)" for c in export.checkboxes})
    export.answers = answer_counts(frame, schema, headers)
    logger.info("read %s as %s: %d rows, %d problem(s)", path, table, len(frame), len(problems))
    return frame, problems, export


def read_table(
    path: PathLike,
    table: str,
    mapping: Mapping | PathLike | None = None,
    sheet: str | None = None,
    followup_number: int | None = None,
    chunk_rows: int | None = None,
) -> pd.DataFrame:
    """Read one file into a clean canonical table (read, map, validate).

    Parameters
    ----------
    path : path
        A ``.csv``/``.tsv``/``.txt``, ``.xlsx``/``.xlsm``, ``.sav`` or ``.dta`` file.
    table : str
        The canonical table it holds (baseline, followup, result, randomisation,
        register_persons, register_months).
    mapping : Mapping, path or str, optional
        The mapping (object, file or bundled name); without one the file must use canonical
        headers and codes.
    sheet : str, optional
        Sheet name for Excel files.
    followup_number : int, optional
        For follow-up files without a ``followup_number`` column: the number to use.
    chunk_rows : int, optional
        Read a CSV export in chunks of this many rows (default: CSV exports of
        :data:`CHUNKED_BYTES` or more are read in chunks of
        :data:`~impact.ingest.csv_chunks.CHUNK_ROWS` rows); the result is the same.

    Returns
    -------
    pandas.DataFrame
        Canonical columns and dtypes, RangeIndex.

    Raises
    ------
    InputError
        Listing every problem in the file.
    """
    check_table_name(table)
    if mapping is not None:
        mapping = load_mapping(mapping)
    frame, problems, _ = _ingest_file(
        Path(path), table, mapping, sheet, followup_number, chunk_rows
    )
    if problems or frame is None:
        raise InputError(f"{path} is not a valid {table} file", problems)
    return frame.reset_index(drop=True)


def validate_file(
    path: PathLike,
    table: str,
    mapping: Mapping | PathLike | None = None,
    sheet: str | None = None,
    followup_number: int | None = None,
    chunk_rows: int | None = None,
) -> ValidationReport:
    """Read, map and validate one file into a report (problems collected, not raised).

    Parameters are those of :func:`read_table`; the report also says how the export was
    read (survey tool, dropped rows, checkbox decisions, answers per canonical code).

    Raises
    ------
    InputError
        Only for an unknown table name.
    """
    check_table_name(table)
    try:
        loaded = load_mapping(mapping) if mapping is not None else None
    except InputError as error:
        return ValidationReport(files=[], problems=list(error.problems))
    path = Path(path)
    frame, problems, export = _ingest_file(path, table, loaded, sheet, followup_number, chunk_rows)
    rows = None if frame is None else len(frame)
    files = [SourceFile(table, str(path), file_sha256(path), rows, len(problems))]
    report = ValidationReport(files=files, problems=problems, exports=[export] if export else [])
    if frame is not None and not problems:
        report.data = StudyData(
            **{table: frame.reset_index(drop=True)},
            sources=files,
            mapping=loaded.name if loaded is not None else None,
        )
    return report


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
    from impact.config import StudyConfig, load_config

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
            frame, found, export = _ingest_file(
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
    """Read every file of a study into clean canonical tables.

    Parameters
    ----------
    config : StudyConfig or path
        The study config (or the path of its YAML file).

    Returns
    -------
    StudyData

    Raises
    ------
    InputError
        One error listing every problem in every file.
    """
    report = validate_study(config)
    report.raise_if_problems()
    assert report.data is not None
    return report.data
