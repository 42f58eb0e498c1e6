"""Read, map and type one export in chunks of rows, for big CSV exports in bounded memory.

Each chunk of text rows (:mod:`impact.ingest.csv_chunks`) goes through the survey tool's
adapter, the mapping and the type conversion, and only the compact typed canonical columns
(``Int64``, ``boolean``, ``Float64``, ``datetime64``, ``string``) and the problems are kept.
Every one of those steps is per row, so the chunks give the rows and problems of the whole
file; what needs every row is done once at the end, on the typed result: header problems
(unnamed columns holding data), the fix for unreadable dates (the format that reads all of
them), the type of kept extra columns, and — by the caller — pandera validation (duplicate
response ids) and the answer counts.

Problems are kept stage by stage (reader, adapter, mapping, types) in the order the whole-file
path makes them, so that after the final sort by row the list is identical. Problems without a
row (a header the mapping does not know, say) come from the header alone: they are taken from
the first chunk only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact.errors import Problem
from impact.ingest.adapters.base import Adapter
from impact.ingest.adapters.detect import Detection, detect_source
from impact.ingest.adapters.export import every_row_dropped, export_rows
from impact.ingest.adapters.export_open import opened_rows
from impact.ingest.adapters.export_report import ExportReport
from impact.ingest.adapters.registry import ADAPTERS, AUTO, get_adapter
from impact.ingest.convert import convert_columns, infer_extra, type_problems
from impact.ingest.csv_chunks import csv_chunks
from impact.ingest.mapping import CANONICAL, Mapping
from impact.ingest.raw_table import RawTable
from impact.ingest.schema import load_table_schema
from impact.ingest.translate import MappedTable, apply_mapping

__all__ = ["TypedFile", "merge_report", "typed_in_chunks"]

logger = logging.getLogger(__name__)


@dataclass
class TypedFile:
    """One file mapped and typed, before validation.

    Attributes
    ----------
    frame : pandas.DataFrame
        Canonical columns and dtypes; index = the file's data row numbers.
    problems : list of Problem
        Reader, adapter, mapping and type problems, in that order (not yet sorted).
    headers : dict
        ``{canonical field: source header}``.
    reported : set of (row, field)
        Cells already reported (validation does not report them twice).
    export : ExportReport
        How the export was read.
    """

    frame: pd.DataFrame
    problems: list[Problem]
    headers: dict[str, str]
    reported: set[tuple[int, str]] = field(default_factory=set)
    export: ExportReport | None = None


def map_and_type(
    raw: RawTable, table: str, mapping: Mapping | None, followup_number: int | None
) -> tuple[MappedTable, pd.DataFrame, dict]:
    """Map one text table (a whole file or a chunk) and type its columns.

    Returns the mapped table (its problems and reported cells), the typed frame with kept
    extra columns still as text, and the unreadable cells per field.
    """
    schema = load_table_schema(table)
    mapped = apply_mapping(raw, table, mapping)
    if (
        table == "followup"
        and followup_number is not None
        and "followup_number" not in mapped.frame.columns
    ):
        mapped.frame["followup_number"] = followup_number
    date_formats = mapping.date_formats(schema) if mapping is not None else None
    frame, failures = convert_columns(mapped, schema, date_formats, infer_extra=False)
    return mapped, frame, failures


def finish_types(
    frame: pd.DataFrame, mapped: MappedTable, table: str, mapping: Mapping | None, failures: dict
) -> tuple[pd.DataFrame, list[Problem]]:
    """Type the kept extra columns and make the type problems, once every row is typed."""
    for name in mapped.extra:
        frame[name] = infer_extra(frame[name])
    schema = load_table_schema(table)
    date_formats = mapping.date_formats(schema) if mapping is not None else None
    return frame, type_problems(mapped, schema, failures, date_formats)


def merge_report(total: ExportReport, part: ExportReport, reasons: list[str]) -> None:
    """Add a chunk's report to the running report (rows, dropped rows, checkbox counts).

    ``reasons`` gives the order of the drop reasons (the adapter's rules), as one whole-file
    report lists them.
    """
    total.rows_read += part.rows_read
    dropped = {r: total.dropped.get(r, []) + part.dropped.get(r, []) for r in reasons}
    total.dropped = {r: rows for r, rows in dropped.items() if rows}
    for mine, theirs in zip(total.checkboxes, part.checkboxes, strict=True):
        for decision, count in theirs.counts.items():
            mine.counts[decision] = mine.counts.get(decision, 0) + count


def _with_rows(problems: list[Problem], first: bool) -> list[Problem]:
    """A chunk's problems: all of the first chunk's, only those naming a row after it."""
    return problems if first else [p for p in problems if p.row is not None]


def _detected_adapter(
    path: str | Path, mapping: Mapping, chunk_rows: int
) -> tuple[Adapter, Detection]:
    """The survey tool of a CSV export (the mapping's, or recognised from the header and the
    first two rows, read in one short chunk) and what its header looks like."""
    state, chunks = csv_chunks(path, 1, chunk_rows)
    head = []
    for chunk in chunks:
        head.append(chunk.frame.head(2))
        if sum(len(h) for h in head) >= 2:
            break
    chunks.close()
    columns = [state.names[p] for p in state.first]
    rows = pd.concat(head).head(2).to_numpy().tolist() if head else []
    detection = detect_source(columns, rows)
    if mapping.source == AUTO:
        return ADAPTERS[detection.adapter], detection
    return get_adapter(mapping.source), detection


def typed_in_chunks(
    path: str | Path,
    table: str,
    mapping: Mapping | None,
    followup_number: int | None,
    chunk_rows: int,
) -> TypedFile:
    """Read, map and type a CSV export chunk by chunk; the result equals the whole-file path's.

    Parameters
    ----------
    path : path
        A CSV export (``.csv``, ``.tsv``, ``.txt``).
    table : str
        The canonical table.
    mapping : Mapping or None
        The mapping (None: canonical headers and codes).
    followup_number : int or None
        For follow-up files without a ``followup_number`` column.
    chunk_rows : int
        Records read per chunk.

    Returns
    -------
    TypedFile

    Raises
    ------
    NotStreamable
        When the file must be read whole (see :mod:`impact.ingest.csv_chunks`).
    InputError
        When the file cannot be read at all, or the mapping names an unknown tool (the
        caller reads it whole for the exact message).
    """
    chosen = mapping if mapping is not None else CANONICAL
    adapter, detection = _detected_adapter(path, chosen, chunk_rows)
    reasons = [rule.reason for rule in adapter.drop_rules]
    state, chunks = csv_chunks(path, adapter.header_rows, chunk_rows)
    frames: list[pd.DataFrame] = []
    raw_problems: list[Problem] = []
    mapped_problems: list[Problem] = []
    failures: dict[str, list] = {}
    reported: set[tuple[int, str]] = set()
    report: ExportReport | None = None
    first: MappedTable | None = None
    for chunk in chunks:
        opened = opened_rows(chunk, adapter, detection, [table], chosen)
        raw, part = export_rows(opened, table, chosen)
        mapped, frame, failed = map_and_type(raw, table, mapping, followup_number)
        raw_problems += _with_rows(raw.problems, report is None)
        mapped_problems += _with_rows(mapped.problems, report is None)
        for name, cells in failed.items():
            failures.setdefault(name, []).extend(cells)
        reported |= mapped.reported
        frames.append(frame)
        if report is None:
            report, first = part, mapped
            first.frame = first.frame.iloc[:0]
        else:
            merge_report(report, part, reasons)
        logger.debug("%s: %d rows typed", state.source, report.rows_read)
    header_problems = state.header_problems()
    raw_problems += state.trailing
    assert report is not None and first is not None  # header_problems raised otherwise
    frame = pd.concat(frames) if len(frames) > 1 else frames[0]
    raw_problems += every_row_dropped(report, len(frame))
    del frames
    frame, typed = finish_types(frame, first, table, mapping, failures)
    problems = header_problems + raw_problems + mapped_problems + typed
    described = "; ".join(report.describe())
    logger.info("read %s as %s export: %s", state.source, report.title, described)
    return TypedFile(frame, problems, dict(first.headers), reported, report)
