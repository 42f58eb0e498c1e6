"""Cells of one source file as text (:class:`RawTable`), made the same way for every format.

The readers (:mod:`impact.ingest.readers`) and the chunked CSV reader
(:mod:`impact.ingest.csv_chunks`) give a header and numbered rows; the functions here turn
them into the text frame: cells as NFC text, blank rows skipped, rows with too many fields,
repeated headers and data without a header reported as problems, and the index the 1-based data
row a user sees.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from impact.errors import InputError, Problem
from impact.ingest.bounds import check_width
from impact.ingest.unicode_text import nfc

__all__ = [
    "HEADER_JOIN",
    "RawTable",
    "build_text_frame",
    "cell_text",
    "file_error",
    "filled_unnamed",
    "header_names",
    "join_headers",
    "kept_columns",
    "no_data_error",
    "text_frame",
    "text_records",
]


@dataclass
class RawTable:
    """Cells of one source file as text, before mapping.

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per source header, every cell a ``str``; index = 1-based data row.
    source : str
        The file path, for messages.
    format : str
        ``"csv"``, ``"xlsx"`` or ``"sav"``.
    details : dict
        How the file was read (encoding, delimiter, sheet, header row).
    problems : list of Problem
        Layout problems (rows with too many fields, repeated or missing headers); the
        affected rows or columns are left out of ``frame``.
    """

    frame: pd.DataFrame
    source: str
    format: str
    details: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)


def file_error(source: str, expected: str, summary: str, fix: str | None = None) -> InputError:
    """An InputError with one problem about the whole file."""
    return InputError(summary, [Problem(source=source, expected=expected, fix=fix)])


NO_DATA_FIX = (
    "export the answers again, including the responses (this export has only the header); "
    "or remove the file from the study file until the wave has answers"
)
EMPTY_FIX = "export the answers again from the survey tool (the file has no content)"


def cell_text(value: Any) -> str:
    """Render a cell value from openpyxl or pyreadstat as text."""
    if type(value) is str:  # every CSV cell: skip the checks below
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | pd.Timestamp):
        if pd.isna(value):
            return ""
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def header_names(header: Sequence[Any], source: str) -> list[str]:
    """The stripped NFC header names (more than MAX_COLUMNS columns are refused)."""
    check_width(header, source, "one per question")
    return [nfc(cell_text(h).strip()) for h in header]


def text_records(
    rows: Iterable[tuple[int, Sequence[Any]]], width: int, source: str
) -> tuple[list[list[str]], list[int], list[Problem]]:
    """Rows as text records of ``width`` cells: (records, row numbers, problems).

    Blank rows are skipped; a row with more non-blank fields than headers is a problem and
    left out; missing trailing fields are empty.
    """
    problems: list[Problem] = []
    records: list[list[str]] = []
    index: list[int] = []
    for number, cells in rows:
        texts = [nfc(cell_text(c)) for c in cells]
        if not any(t.strip() for t in texts):
            continue
        if len(texts) > width:
            extra = texts[width:]
            if any(t.strip() for t in extra):
                problems.append(
                    Problem(
                        source=source,
                        row=number,
                        value=f"{len(texts)} fields",
                        expected=f"at most {width} fields, one per header",
                        fix="quote fields that hold the delimiter (e.g. a decimal comma in a "
                        "comma-separated file), or delete the extra fields",
                        kind="too many fields",
                    )
                )
                continue
            texts = texts[:width]
        records.append(texts + [""] * (width - len(texts)))
        index.append(number)
    return records, index, problems


def filled_unnamed(names: Sequence[str], records: Sequence[Sequence[str]]) -> set[int]:
    """Positions of columns without a header that hold data in some record."""
    return {
        position
        for position, name in enumerate(names)
        if not name and any(record[position].strip() for record in records)
    }


def kept_columns(
    names: Sequence[str], filled: set[int], source: str
) -> tuple[list[int], list[Problem]]:
    """Positions of the columns kept (named, first of repeated names) and the header problems.

    ``filled`` holds the positions of unnamed columns that hold data (each is a problem).
    """
    problems: list[Problem] = []
    keep = []
    for position, name in enumerate(names):
        if name:
            keep.append(position)
        elif position in filled:
            problems.append(
                Problem(
                    source=source,
                    column=f"column {position + 1}",
                    expected="a header for every column that holds data",
                    fix="type a header in the first line above this column, or delete the column",
                )
            )
    seen: dict[str, int] = {}
    for position in keep:
        name = names[position]
        if name in seen:
            problems.append(
                Problem(
                    source=source,
                    column=name,
                    expected=(
                        f"each header once; '{name}' is column {seen[name] + 1} and "
                        f"column {position + 1}"
                    ),
                    fix="rename or delete one of the two columns",
                )
            )
        seen.setdefault(name, position)
    return [p for p in keep if seen[names[p]] == p], problems


def text_frame(
    records: list[list[str]], index: list[int], names: Sequence[str], first: Sequence[int]
) -> pd.DataFrame:
    """The object frame of the kept columns, named by header, index = row numbers."""
    frame = pd.DataFrame(records, columns=range(len(names)), index=index, dtype=object)
    frame = frame[list(first)]
    frame.columns = [names[p] for p in first]
    return frame


def no_data_error(source: str) -> InputError:
    """The error for a file with a header but no data rows."""
    return file_error(
        source,
        "at least one data row below the header (the file has a header but no data)",
        f"{source} has no data rows",
        NO_DATA_FIX,
    )


def build_text_frame(
    header: Sequence[Any], rows: Iterable[tuple[int, Sequence[Any]]], source: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Make the text frame from a header and (row number, cells) pairs; checks the shape.

    Rows with more fields than headers, repeated headers (the first is kept) and data
    without a header are problems; they are returned so the rest of the file is still
    checked. A file without data rows raises.
    """
    names = header_names(header, source)
    records, index, problems = text_records(rows, len(names), source)
    first, header_problems = kept_columns(names, filled_unnamed(names, records), source)
    problems += header_problems
    frame = text_frame(records, index, names, first)
    if frame.empty and not problems:
        raise no_data_error(source)
    return frame, problems


#: Joins the cells of a multi-row header into one header (``header_rows`` > 1).
HEADER_JOIN = "\u241f"


def join_headers(rows: Sequence[Sequence[Any]]) -> list[str]:
    """One header per column from several header rows, the cells joined by HEADER_JOIN."""
    width = max(len(r) for r in rows)
    return [
        HEADER_JOIN.join(cell_text(r[i]).strip() if i < len(r) else "" for r in rows).rstrip(
            HEADER_JOIN
        )
        for i in range(width)
    ]
