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
closed (:mod:`impact.ingest.bounds`). How a header and rows become the text frame (the same
for every format) is in :mod:`impact.ingest.raw_table`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from impact.errors import InputError, Problem
from impact.ingest.bounds import (
    check_width,
    check_workbook_size,
    csv_error,
    field_limit,
    refuse_unclosed_quote,
)
from impact.ingest.encoding import decode_text
from impact.ingest.raw_table import (
    EMPTY_FIX,
    NO_DATA_FIX,
    RawTable,
    build_text_frame,
    cell_text,
    file_error,
    join_headers,
)
from impact.ingest.text_guard import refuse_binary, refuse_nul
from impact.validation import suggest

__all__ = ["RawTable", "read_raw", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".sav", ".dta")
_DELIMITERS = (";", ",", "\t")
_HEADER_SEARCH_ROWS = 30
_SNIFF_CHARS = 65_536


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


def csv_header(reader: Iterator[list[str]], header_rows: int) -> list[str] | None:
    """The header of a CSV reader: the first non-blank row, joined with the next rows."""
    header = next(reader, None)
    while header is not None and not any(h.strip() for h in header):
        header = next(reader, None)
    if header is not None and header_rows > 1:
        extra = [next(reader, []) for _ in range(header_rows - 1)]
        header = join_headers([header, *extra])
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
        raise file_error(
            source,
            "a header line and data rows (the file is empty)",
            f"{source} is empty",
            EMPTY_FIX,
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
        raise file_error(
            source,
            "a header line naming the columns (every line holds only delimiters or spaces)",
            f"{source} has no header line",
            "export the answers again with the question texts as the first line",
        )
    frame, problems = build_text_frame(header, rows, source)
    details = {"encoding": decoded.encoding, "delimiter": delimiter}
    return RawTable(frame, source, "csv", details, problems)


def _header_row(rows: list[tuple[Any, ...]], known: set[str]) -> int:
    """Index of the header among the first rows: the row with most known headers."""
    best, best_hits = None, 0
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        hits = sum(1 for c in row if cell_text(c).strip() in known)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None:
        return best
    for i, row in enumerate(rows):
        if any(cell_text(c).strip() for c in row):
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
        raise file_error(
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
    if not any(cell_text(c).strip() for r in rows for c in r):
        raise file_error(
            source,
            f"a header row and data rows (sheet '{title}' is empty)",
            f"{source} is empty",
            "name the sheet holding the answers in inputs.sheets, or export the answers again",
        )
    h = _header_row(rows, known)
    header = rows[h] if header_rows == 1 else join_headers(rows[h : h + header_rows])
    data = [(i, r) for i, r in enumerate(rows[h + header_rows :], start=1)]
    frame, problems = build_text_frame(header, data, source)
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
        raise file_error(
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
        raise file_error(
            source,
            "at least one data row below the header (the file has a header but no data)",
            f"{source} has no data rows",
            NO_DATA_FIX,
        )
    rows = [(i, list(r)) for i, r in enumerate(df.itertuples(index=False, name=None), start=1)]
    frame, problems = build_text_frame(header, rows, source)
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
    _check_readable(path, source)
    suffix = path.suffix.lower()
    known = set(known_headers)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, source, sheet, known, header_rows)
    if suffix in (".sav", ".dta"):
        return read_sav(path, source, known)
    return read_csv_text(path, source, header_rows)


def _check_readable(path: Path, source: str) -> None:
    """Refuse a missing path, a folder, an unsupported format and an empty file."""
    if not path.exists():
        raise file_error(
            source,
            "an existing file (file not found)",
            f"{source} was not found",
            "check the path under inputs: in the study file (relative paths are read from the "
            "study file's folder)",
        )
    if not path.is_file():
        raise file_error(
            source,
            "a file, not a folder",
            f"{source} is not a file",
            "name the export file itself under inputs:, not its folder",
        )
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise file_error(
            source,
            f"a file ending in one of {', '.join(SUPPORTED_SUFFIXES)}",
            f"{source} has an unsupported format",
            "export the answers from the survey tool as CSV, XLSX or SPSS (.sav)",
        )
    if path.stat().st_size == 0:
        raise file_error(
            source,
            "a header line and data rows (the file is empty)",
            f"{source} is empty",
            EMPTY_FIX,
        )
