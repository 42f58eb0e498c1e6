"""Read one export with its tool's adapter into the single-header text table ingest maps.

:func:`read_export` chooses the adapter (the mapping's ``source:``, or recognised from the
header), reads the file with the tool's header rows, drops rows that are not real responses
(counted per reason), drops the tool's own columns, names the response id and submission time
columns, resolves checkbox questions into boolean fields (counted per rule) and rewrites the
tool's dates as ISO text. Row numbers stay those of the file (data rows below the header rows).
Opening the file (adapter, header rows, dropped rows) is :mod:`impact.ingest.adapters.export_open`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from impact.errors import Problem
from impact.ingest.adapters.base import Adapter, ExportColumn
from impact.ingest.adapters.checkbox import resolve_checkboxes
from impact.ingest.adapters.dates import DATE_FORMAT_WORDS, to_iso
from impact.ingest.adapters.export_open import (
    OpenedExport,
    find_column,
    open_export,
    opened_rows,
)
from impact.ingest.adapters.export_report import ExportReport
from impact.ingest.adapters.registry import AUTO
from impact.ingest.mapping import CANONICAL, Mapping
from impact.ingest.raw_table import RawTable
from impact.ingest.schema import TableSchema, load_table_schema

__all__ = [
    "ExportReport",
    "OpenedExport",
    "export_rows",
    "find_column",
    "open_export",
    "opened_rows",
    "read_export",
]

logger = logging.getLogger(__name__)


def _date_problems(
    out: dict[str, pd.Series], date_headers: list[str], fmt: str, adapter: Adapter, source: str
) -> list[Problem]:
    """Rewrite date columns as ISO in place; one problem per cell not in the format."""
    problems = []
    for header in date_headers:
        column = out[header]
        converted = {v: to_iso(str(v), fmt) for v in pd.unique(column)}
        for row, value in column.items():
            if converted[value] is None:
                problems.append(
                    Problem(
                        source=source,
                        row=int(row),
                        column=header,
                        value=str(value),
                        expected=(
                            f"a date written as {DATE_FORMAT_WORDS[fmt]} ({adapter.title} "
                            f"export, date_format '{fmt}')"
                        ),
                        fix="set date_format in the mapping (iso, us, eu, excel, or a strptime "
                        "pattern such as '%d/%m/%Y %H:%M') to the way the file writes dates",
                        kind="date_style",
                    )
                )
        out[header] = column.map({v: c if c is not None else "" for v, c in converted.items()})
    return problems


def _id_and_time(
    columns: list[ExportColumn],
    adapter: Adapter,
    schema: TableSchema,
    mapped_fields: set[str],
    consumed: set[int],
) -> dict[int, str]:
    """``{position: field}`` of the tool's response id and time columns, unless mapped."""
    special: dict[int, str] = {}
    wanted = (("response_id", adapter.id_columns), ("submitted_at", adapter.time_columns))
    for name, candidates in wanted:
        if not schema.has(name) or name in mapped_fields or any(c.header == name for c in columns):
            continue
        column = find_column(columns, candidates)
        if column is not None and column.position not in consumed:
            special[column.position] = name
    return special


def read_export(
    path: str | Path, table: str, mapping: Mapping | None = None, sheet: str | None = None
) -> tuple[RawTable, ExportReport]:
    """Read one export with its survey tool's adapter.

    Parameters
    ----------
    path : path
        The export (any format :func:`impact.ingest.readers.read_raw` reads).
    table : str
        The canonical table it feeds.
    mapping : Mapping, optional
        The mapping (its ``source``, ``date_format`` and ``checkboxes`` are used).
    sheet : str, optional
        Excel sheet.

    Returns
    -------
    raw : RawTable
        One header per column (the question text, ``Question [Option]`` for unresolved option
        columns, canonical names for resolved checkboxes, ``response_id``/``submitted_at``
        for the tool's id and time columns); index = the file's data row numbers.
    report : ExportReport

    Raises
    ------
    InputError
        When the file cannot be read at all (missing, empty, broken) or the mapping names an
        unknown tool.
    """
    mapping = mapping if mapping is not None else CANONICAL
    raw, report = export_rows(open_export(path, table, mapping, sheet), table, mapping)
    raw.problems += every_row_dropped(report, len(raw.frame))
    logger.info("read %s as %s export: %s", raw.source, report.title, "; ".join(report.describe()))
    return raw, report


def every_row_dropped(report: ExportReport, kept: int) -> list[Problem]:
    """The problem of an export whose every row was dropped (a whole-file check: a chunk may
    hold only dropped rows)."""
    if not report.rows_read or kept:
        return []
    reasons = "; ".join(f"{len(r)} {why}" for why, r in report.dropped.items())
    return [
        Problem(
            source=report.source,
            expected=f"at least one real response: every row was dropped ({reasons})",
            fix="export the recorded responses, or check that the mapping's source is this tool",
        )
    ]


def export_rows(
    opened: OpenedExport, table: str, mapping: Mapping
) -> tuple[RawTable, ExportReport]:
    """The single-header text table of opened rows (the whole file or a chunk) and its report.

    Every step is per row, so chunks give the rows, problems and counts of the whole file.
    """
    raw, adapter, columns, frame = opened.raw, opened.adapter, opened.columns, opened.frame
    questions = mapping.checkboxes_for(table)
    report = ExportReport(
        source=raw.source,
        table=table,
        adapter=adapter.name,
        chosen_by="detected" if mapping.source == AUTO else "mapping",
        detection=opened.detection,
        rows_read=len(raw.frame),
        dropped=opened.dropped,
        date_format=mapping.date_style() or adapter.date_format,
    )
    fields, consumed, report.checkboxes, problems = resolve_checkboxes(
        frame, columns, questions, adapter, raw.source
    )
    schema = load_table_schema(table)
    renames = mapping.columns_for(table)
    mapped_fields = {renames[c.header][0] for c in columns if c.header in renames}
    special = _id_and_time(columns, adapter, schema, mapped_fields, consumed)
    out: dict[str, pd.Series] = {}
    problems += _answer_columns(out, opened, consumed, special, renames, report)
    if (
        schema.has("response_id")
        and "response_id" not in out
        and "response_id" not in mapped_fields
        and not adapter.id_columns
        and adapter.name != "generic"
    ):
        out["response_id"] = pd.Series([f"row-{r}" for r in frame.index], index=frame.index)
        report.made_response_ids = True
    problems += _checkbox_fields(out, fields, mapped_fields, raw.source)
    date_fields = {f.name for f in schema.fields if f.type in ("date", "datetime")}
    date_headers = [
        h for h in out if h in date_fields or renames.get(h, ("", ""))[0] in date_fields
    ]
    # strptime patterns declared in the mapping are read later, by the type conversion
    rewrites_dates = mapping.date_style() is not None or adapter.name != "generic"
    if rewrites_dates and not mapping.declares_patterns():
        problems += _date_problems(out, date_headers, report.date_format, adapter, raw.source)
    result = pd.DataFrame(out, index=frame.index, dtype=object)
    details = {**raw.details, "adapter": adapter.name}
    return RawTable(result, raw.source, raw.format, details, raw.problems + problems), report


def _answer_columns(
    out: dict[str, pd.Series],
    opened: OpenedExport,
    consumed: set[int],
    special: dict[int, str],
    renames: dict[str, tuple[str, str]],
    report: ExportReport,
) -> list[Problem]:
    """Add the columns that hold answers to ``out`` (by header; the tool's id and time columns
    by field name); the tool's own columns are left out and listed in ``report``."""
    problems = []
    for column in opened.columns:
        if column.position in consumed:
            continue
        header = special.get(column.position, column.header)
        if column.position not in special and column.header not in renames:
            if opened.adapter.is_tool_column(column):
                report.tool_columns.append(column.header)
                continue
        if header in out:
            problems.append(
                Problem(
                    source=opened.raw.source,
                    column=header,
                    expected=f"each header once; '{header}' names two columns of the export",
                    fix="rename or remove one of the two columns, or map the question once",
                )
            )
            continue
        out[header] = opened.frame.iloc[:, column.position]
    return problems


def _checkbox_fields(
    out: dict[str, pd.Series],
    fields: dict[str, pd.Series],
    mapped_fields: set[str],
    source: str,
) -> list[Problem]:
    """Add the fields the checkbox questions set to ``out``, unless a column sets them too."""
    problems = []
    for name, values in fields.items():
        if name in out or name in mapped_fields:
            problems.append(
                Problem(
                    source=source,
                    column=name,
                    expected=(
                        f"one source per field: the checkbox question sets '{name}', and a "
                        "column of the file maps to it too"
                    ),
                    fix="remove one of the two from the mapping",
                )
            )
            continue
        out[name] = values
    return problems
