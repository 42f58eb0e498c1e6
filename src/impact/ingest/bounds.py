"""Bounds that keep reading a hostile file short and small, with the error for each.

* :data:`MAX_COLUMNS`: more columns than any survey export has (50,000 columns usually mean a
  wrong delimiter or a pivoted file) are refused before any row is processed.
* :data:`MAX_FIELD_CHARS`: the csv module's field limit is raised from 131,072 characters (a
  long free-text answer must be read) to this bound, only while a file is read, and a longer
  field is an error naming its row (usually a quote opened and never closed).
* a quote never closed, which the csv module silently turns into one field holding the rest
  of the file, is an error naming the row where it opens.
* :data:`MAX_WORKBOOK_BYTES` and :data:`MAX_WORKBOOK_RATIO`: an Excel workbook is a ZIP
  archive; one that would unpack to more than a few GB (a "zip bomb") is refused from its
  table of contents, before anything is unpacked.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

from impact.errors import InputError, Problem

__all__ = [
    "MAX_COLUMNS",
    "MAX_FIELD_CHARS",
    "MAX_WORKBOOK_BYTES",
    "MAX_WORKBOOK_RATIO",
    "check_workbook_size",
    "check_width",
    "csv_error",
    "field_limit",
    "refuse_unclosed_quote",
]

#: Most columns a file may have (survey exports have tens to a few hundred).
MAX_COLUMNS = 5_000
#: Longest CSV field, in characters (a long free-text answer is a few thousand).
MAX_FIELD_CHARS = 1_000_000
#: Most bytes an Excel workbook may unpack to (a 1 GB export unpacks to about 2–3 GB of XML).
MAX_WORKBOOK_BYTES = 4 * 1024**3
#: Highest unpacked-to-packed ratio of a large workbook (sheet XML packs about 5–20 times).
MAX_WORKBOOK_RATIO = 200
#: Workbooks that unpack to less than this are never refused for their ratio.
_RATIO_FROM_BYTES = 100 * 1024**2


def check_width(header: Sequence[Any], source: str, how: str) -> None:
    """Refuse more than :data:`MAX_COLUMNS` columns before any row is processed.

    ``how`` says how the columns were counted (the delimiter, the sheet), for the message.
    """
    if len(header) > MAX_COLUMNS:
        raise InputError(
            f"{source} has too many columns",
            [
                Problem(
                    source=source,
                    value=f"{len(header):,} columns",
                    expected=f"at most {MAX_COLUMNS:,} columns ({how})",
                    fix="check the delimiter and that this is a survey export; remove unused "
                    "columns (or split the export) before exporting again",
                )
            ],
        )


def check_workbook_size(path: Any, source: str) -> None:
    """Refuse a workbook that would unpack to too much, from the ZIP's table of contents.

    Files that are not ZIP archives are left to the workbook reader (its own message).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MAX_WORKBOOK_BYTES or (
        unpacked > _RATIO_FROM_BYTES and unpacked / packed > MAX_WORKBOOK_RATIO
    ):
        raise InputError(
            f"{source} would unpack to too much data",
            [
                Problem(
                    source=source,
                    value=f"{unpacked / 1024**2:,.0f} MB unpacked from {packed / 1024**2:,.1f} MB",
                    expected=f"a workbook that unpacks to at most {MAX_WORKBOOK_BYTES // 1024**3} "
                    f"GB and at most {MAX_WORKBOOK_RATIO} times its size (a survey export)",
                    fix="export the answers again from the survey tool, as CSV for a large "
                    "survey; do not use a workbook from an unknown sender",
                )
            ],
        )


@contextlib.contextmanager
def field_limit() -> Iterator[None]:
    """Let the csv module read fields up to MAX_FIELD_CHARS characters, then restore its limit."""
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def csv_error(source: str, row: int | None, error: csv.Error) -> InputError:
    """A parse error of the csv module, naming the row it happened in."""
    if "field larger than field limit" in str(error):
        return InputError(
            f"{source} has a field that is too long",
            [
                Problem(
                    source=source,
                    row=row,
                    column=None if row is not None else "(header line)",
                    expected=f"fields of at most {MAX_FIELD_CHARS:,} characters",
                    fix='look for a quote (") that is opened but never closed before this '
                    'row: it makes the rest of the file one field; quote it as "" or remove it',
                )
            ],
        )
    return InputError(
        f"{source} is malformed",
        [
            Problem(
                source=source,
                row=row,
                expected=f"a well-formed delimited file ({error})",
                fix="open the file in a spreadsheet and save it again as CSV UTF-8",
            )
        ],
    )


def refuse_unclosed_quote(text: str, delimiter: str, source: str, row: int) -> None:
    """Raise when the last record runs to the end of the file inside a quote.

    A quote that is opened and never closed makes the csv module read the rest of the file as
    one field, silently. Only when the last record spans lines is the text parsed again,
    strictly, to tell that from a legitimate multi-line answer.
    """
    strict = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _ in strict:
            pass
    except csv.Error as error:
        if "unexpected end of data" not in str(error):
            return  # another irregularity the lenient reading already coped with
        raise InputError(
            f"{source} has a quote that is never closed",
            [
                Problem(
                    source=source,
                    row=row,
                    expected=(
                        'every quote (") closed: a quote opened in this row is never closed, so '
                        "the rest of the file was read as one field"
                    ),
                    fix='close the quote, write a quote inside a field as "", or remove it',
                )
            ],
        ) from None
