"""Read raw survey and register exports (CSV, XLSX, SPSS) into a frame of text cells.

Readers do not interpret answers: every cell comes back as text (``""`` for an empty cell),
headers are stripped of surrounding whitespace, and the frame's index is the 1-based data row
number in the source (header excluded), so later problems can point at the row a user sees.

* CSV (``.csv``, ``.tsv``, ``.txt``): delimiter ``;``, ``,`` or tab detected from the first
  lines; encoding UTF-8, UTF-8 with byte-order mark, Windows-1252, or UTF-16/UTF-32 with a
  byte-order mark such as Excel's "Unicode text" (see :mod:`impact.ingest.encoding`).
* XLSX (``.xlsx``, ``.xlsm``): a sheet by name (default: the first); title rows above the header
  are skipped when the expected headers are found lower down.
* SPSS (``.sav``) and Stata (``.dta``): value labels are applied, so the mapping sees answer
  labels; a variable whose name is not a known header but whose label is, is renamed to it.

Headers and cells are put in Unicode normal form C (:mod:`impact.ingest.unicode_text`), so
labels typed in NFD still match the mapping. Hostile files are refused with a clear message,
bounded in time and memory: binary files and files of another kind under a ``.csv`` name
(:mod:`impact.ingest.text_guard`), too many columns, over-long CSV fields and quotes never
closed (:mod:`impact.ingest.bounds`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from impact.errors import InputError, Problem
from impact.ingest.bounds import (
    check_width,
    check_workbook_size,
    csv_error,
    field_limit,
    refuse_unclosed_quote,
)
from impact.ingest.encoding import decode_text
from impact.ingest.text_guard import refuse_binary, refuse_nul
from impact.ingest.unicode_text import nfc
from impact.validation import suggest

__all__ = ["RawTable", "read_raw", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".sav", ".dta")
_DELIMITERS = (";", ",", "\t")
_HEADER_SEARCH_ROWS = 30
_SNIFF_CHARS = 65_536


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


def _fail(source: str, expected: str, summary: str, fix: str | None = None) -> InputError:
    return InputError(summary, [Problem(source=source, expected=expected, fix=fix)])


_NO_DATA_FIX = (
    "export the answers again, including the responses (this export has only the header); "
    "or remove the file from the study file until the wave has answers"
)
_EMPTY_FIX = "export the answers again from the survey tool (the file has no content)"


def _cell_text(value: Any) -> str:
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
    return [nfc(_cell_text(h).strip()) for h in header]


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
        texts = [nfc(_cell_text(c)) for c in cells]
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
    return _fail(
        source,
        "at least one data row below the header (the file has a header but no data)",
        f"{source} has no data rows",
        _NO_DATA_FIX,
    )


def _build(
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


def sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter giving the same field count (>1) on the most leading lines."""
    best, best_score = ";", (-1, -1, 0)
    for rank, delimiter in enumerate(_DELIMITERS):
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
        if not counts:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = (int(counts[0] > 1), consistent if counts[0] > 1 else 0, counts[0], -rank)
        if score > best_score:
            best, best_score = delimiter, score
    return best


#: Joins the cells of a multi-row header into one header (``header_rows`` > 1).
HEADER_JOIN = "\u241f"


def _join_headers(rows: Sequence[Sequence[Any]]) -> list[str]:
    """One header per column from several header rows, the cells joined by HEADER_JOIN."""
    width = max(len(r) for r in rows)
    return [
        HEADER_JOIN.join(_cell_text(r[i]).strip() if i < len(r) else "" for r in rows).rstrip(
            HEADER_JOIN
        )
        for i in range(width)
    ]


def csv_header(reader: Iterator[list[str]], header_rows: int) -> list[str] | None:
    """The header of a CSV reader: the first non-blank row, joined with the next rows."""
    header = next(reader, None)
    while header is not None and not any(h.strip() for h in header):
        header = next(reader, None)
    if header is not None and header_rows > 1:
        extra = [next(reader, []) for _ in range(header_rows - 1)]
        header = _join_headers([header, *extra])
    return header


def sniff_lines(text: str) -> list[str]:
    """The leading lines the delimiter is told from (each cut to _SNIFF_CHARS)."""
    return [line[:_SNIFF_CHARS] for line in text.splitlines()[:20] if line.strip()]


def read_csv_text(path: Path, source: str, header_rows: int = 1) -> RawTable:
    """Read a delimited text file (delimiter and encoding detected)."""
    data = path.read_bytes()
    refuse_binary(data, source)
    decoded = decode_text(data, source)
    text = decoded.text
    refuse_nul(text, source)
    if not text.strip():
        raise _fail(
            source,
            "a header line and data rows (the file is empty)",
            f"{source} is empty",
            _EMPTY_FIX,
        )
    # the delimiter is told from the start of the first lines (a huge field is cut short)
    head = sniff_lines(text)
    rows: list[tuple[int, list[str]]] = []
    with field_limit():
        try:
            delimiter = sniff_delimiter(head)
        except csv.Error as error:
            raise csv_error(source, None, error) from None
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = csv_header(reader, header_rows)
        except csv.Error as error:
            raise csv_error(source, None, error) from None
        if header is not None:
            check_width(header, source, f"read with the delimiter {delimiter!r}")
        try:
            for number, cells in enumerate(reader, start=1):
                rows.append((number, cells))
        except csv.Error as error:
            raise csv_error(source, len(rows) + 1, error) from None
    if rows and any("\n" in cell or "\r" in cell for cell in rows[-1][1]):
        refuse_unclosed_quote(text, delimiter, source, rows[-1][0])
    if header is None:
        raise _fail(
            source,
            "a header line naming the columns (every line holds only delimiters or spaces)",
            f"{source} has no header line",
            "export the answers again with the question texts as the first line",
        )
    frame, problems = _build(header, rows, source)
    details = {"encoding": decoded.encoding, "delimiter": delimiter}
    return RawTable(frame, source, "csv", details, problems)


def _header_row(rows: list[tuple[Any, ...]], known: set[str]) -> int:
    """Index of the header among the first rows: the row with most known headers."""
    best, best_hits = None, 0
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        hits = sum(1 for c in row if _cell_text(c).strip() in known)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None:
        return best
    for i, row in enumerate(rows):
        if any(_cell_text(c).strip() for c in row):
            return i
    return 0


def read_xlsx(
    path: Path, source: str, sheet: str | None, known: set[str], header_rows: int = 1
) -> RawTable:
    """Read one sheet of an Excel workbook (title rows above the header are skipped)."""
    import openpyxl

    check_workbook_size(path, source)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for broken files
        raise _fail(
            source,
            f"a readable .xlsx workbook ({type(error).__name__}: {error})",
            f"{source} could not be opened",
            "open the file in Excel and save it as an Excel workbook (.xlsx); if it is a CSV "
            "file, give it the ending .csv in the study file",
        ) from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise InputError(
                f"{source} has no sheet '{sheet}'",
                [
                    Problem(
                        source=source,
                        value=sheet,
                        expected=(
                            f"a sheet name among {', '.join(book.sheetnames)}"
                            f"{suggest(sheet, book.sheetnames)}"
                        ),
                        fix="correct inputs.sheets in the study file",
                    )
                ],
            )
        # the sheet's stated size bounds the columns before any row is loaded
        check_width(range(ws.max_column or 0), source, f"in sheet '{ws.title}'")
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
        title = ws.title
    finally:
        book.close()
    if not any(_cell_text(c).strip() for r in rows for c in r):
        raise _fail(
            source,
            f"a header row and data rows (sheet '{title}' is empty)",
            f"{source} is empty",
            "name the sheet holding the answers in inputs.sheets, or export the answers again",
        )
    h = _header_row(rows, known)
    header = rows[h] if header_rows == 1 else _join_headers(rows[h : h + header_rows])
    data = [(i, r) for i, r in enumerate(rows[h + header_rows :], start=1)]
    frame, problems = _build(header, data, source)
    return RawTable(frame, source, "xlsx", {"sheet": title, "header_row": h + 1}, problems)


def read_sav(path: Path, source: str, known: set[str]) -> RawTable:
    """Read an SPSS (``.sav``) or Stata (``.dta``) file with value labels applied."""
    import pyreadstat

    stata = path.suffix.lower() == ".dta"
    read = pyreadstat.read_dta if stata else pyreadstat.read_sav
    try:
        df, meta = read(str(path), apply_value_formats=True)
    except Exception as error:  # pyreadstat raises its own error types
        kind = "Stata .dta" if stata else "SPSS .sav"
        raise _fail(
            source,
            f"a readable {kind} file ({error})",
            f"{source} could not be opened",
            "export the answers again from the survey tool as SPSS (.sav), Stata (.dta), CSV or "
            "XLSX",
        ) from None
    labels = meta.column_names_to_labels or {}
    header = []
    for name in df.columns:
        label = (labels.get(name) or "").strip()
        header.append(label if name not in known and label in known else name)
    if df.empty:
        raise _fail(
            source,
            "at least one data row below the header (the file has a header but no data)",
            f"{source} has no data rows",
            _NO_DATA_FIX,
        )
    rows = [(i, list(r)) for i, r in enumerate(df.itertuples(index=False, name=None), start=1)]
    frame, problems = _build(header, rows, source)
    kind = "dta" if stata else "sav"
    return RawTable(frame, source, kind, {"file_encoding": meta.file_encoding}, problems)


def read_raw(
    path: str | Path,
    sheet: str | None = None,
    known_headers: Iterable[str] = (),
    header_rows: int = 1,
) -> RawTable:
    """Read any supported export into a :class:`RawTable` of text cells.

    Parameters
    ----------
    path : path
        The file (``.csv``, ``.tsv``, ``.txt``, ``.xlsx``, ``.xlsm``, ``.sav`` or ``.dta``).
    sheet : str, optional
        Sheet name for Excel files (default: the first sheet).
    known_headers : iterable of str
        Headers the caller expects (mapping source headers and canonical names); used to find
        the header row in Excel files and to prefer SPSS variable labels.
    header_rows : int
        Header rows of CSV and Excel files (SurveyMonkey 2, Qualtrics 3); several rows are
        joined per column with :data:`HEADER_JOIN`, and data rows are numbered below the last.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        Missing, empty or header-only file; unsupported format; broken bytes or layout.
    """
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise _fail(
            source,
            "an existing file (file not found)",
            f"{source} was not found",
            "check the path under inputs: in the study file (relative paths are read from the "
            "study file's folder)",
        )
    if not path.is_file():
        raise _fail(
            source,
            "a file, not a folder",
            f"{source} is not a file",
            "name the export file itself under inputs:, not its folder",
        )
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _fail(
            source,
            f"a file ending in one of {', '.join(SUPPORTED_SUFFIXES)}",
            f"{source} has an unsupported format",
            "export the answers from the survey tool as CSV, XLSX or SPSS (.sav)",
        )
    if path.stat().st_size == 0:
        raise _fail(
            source,
            "a header line and data rows (the file is empty)",
            f"{source} is empty",
            _EMPTY_FIX,
        )
    known = set(known_headers)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, source, sheet, known, header_rows)
    if suffix in (".sav", ".dta"):
        return read_sav(path, source, known)
    return read_csv_text(path, source, header_rows)
