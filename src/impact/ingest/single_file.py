"""Read, map, type and validate one file: :func:`read_table` (the clean table, or an error
listing every problem) and :func:`validate_file` (a report; problems collected, not raised).

A big CSV export (:data:`CHUNKED_BYTES` or more) is read in chunks of rows; anything else, or a
file the chunked reader cannot stream, is read whole. The result is the same.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import pandas as pd
from typing_extensions import TypedDict, Unpack

from impact.errors import InputError, Problem
from impact.ingest.adapters.export import read_export
from impact.ingest.adapters.export_report import ExportReport
from impact.ingest.answers import answer_counts
from impact.ingest.chunked import TypedFile, finish_types, map_and_type, typed_in_chunks
from impact.ingest.csv_chunks import CHUNK_ROWS, NotStreamable
from impact.ingest.mapping import Mapping, load_mapping
from impact.ingest.schema import check_table_name, load_table_schema
from impact.ingest.study_data import SourceFile, StudyData, ValidationReport
from impact.ingest.take_up import take_up_problems
from impact.ingest.validate import validate_frame

__all__ = [
    "CHUNKED_BYTES",
    "FileOptions",
    "derive_age",
    "file_sha256",
    "ingest_file",
    "read_table",
    "validate_file",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


class FileOptions(TypedDict, total=False):
    """How one file is read (keywords of :func:`read_table` and :func:`validate_file`)."""

    sheet: str | None
    followup_number: int | None
    chunk_rows: int | None


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


def ingest_file(
    path: Path,
    table: str,
    mapping: Mapping | None,
    sheet: str | None = None,
    followup_number: int | None = None,
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
    if table == "randomisation":
        problems += take_up_problems(frame, str(path), typed.headers)
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
    **options: Unpack[FileOptions],
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
    frame, problems, _ = ingest_file(Path(path), table, mapping, **options)
    if problems or frame is None:
        raise InputError(f"{path} is not a valid {table} file", problems)
    return frame.reset_index(drop=True)


def validate_file(
    path: PathLike,
    table: str,
    mapping: Mapping | PathLike | None = None,
    **options: Unpack[FileOptions],
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
    frame, problems, export = ingest_file(path, table, loaded, **options)
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
