"""Refuse files that are not text exports before they are decoded and parsed.

A CSV export is text. A workbook, PDF, image or archive saved under a ``.csv`` name, or a file
of binary garbage, would otherwise decode as Windows-1252 nonsense and give hundreds of
confusing problems. :func:`refuse_binary` looks at the first bytes: known file signatures
name what the file really is; NUL bytes or many control characters (outside the UTF-16/UTF-32
pattern, which :mod:`impact.ingest.encoding` explains) mean the file is not a text export.
:func:`refuse_nul` catches a NUL character further into the decoded text (binary data pasted
into an export), naming its row.
"""

from __future__ import annotations

from impact.errors import InputError, Problem

__all__ = ["SAMPLE_BYTES", "refuse_binary", "refuse_nul"]

#: How many leading bytes are inspected.
SAMPLE_BYTES = 65536

_EXPORT_AGAIN = "export the answers again from the survey tool as CSV, XLSX or SPSS (.sav)"

#: File signatures: (leading bytes, what the file is, how to fix it).
_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one)", "if it is an Excel workbook, "
     "give it the ending .xlsx in the study file; otherwise " + _EXPORT_AGAIN),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc)", "open it in Excel and save it "
     "as .xlsx or as CSV UTF-8"),
    (b"%PDF", "a PDF document", _EXPORT_AGAIN),
    (b"\x89PNG", "a PNG image", _EXPORT_AGAIN),
    (b"\xff\xd8\xff", "a JPEG image", _EXPORT_AGAIN),
    (b"\x1f\x8b", "a gzip-compressed file", "unpack it first (e.g. with gunzip) and name the "
     "unpacked file in the study file"),
    (b"$FL2", "an SPSS data file", "give it the ending .sav in the study file"),
    (b"$FL3", "an SPSS data file", "give it the ending .sav in the study file"),
    (b"SQLite format 3\x00", "an SQLite database", _EXPORT_AGAIN),
)  # fmt: skip

#: Control bytes that never occur in text exports (tab, line feed, carriage return, form feed
#: and the DOS end-of-file mark 0x1A aside).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26))


def _row_of(data: bytes, position: int) -> int | None:
    """1-based data row of a byte position (None for the header line)."""
    line = data[:position].count(b"\n")
    return line if line > 0 else None


def refuse_binary(data: bytes, source: str) -> None:
    """Raise when ``data`` is clearly not a text export; return quietly otherwise.

    Parameters
    ----------
    data : bytes
        The file's content (only the first :data:`SAMPLE_BYTES` are inspected).
    source : str
        The file name, for messages.

    Raises
    ------
    InputError
        Naming what the file is (from its signature), or the first row holding a NUL or
        control byte, and how to fix it.
    """
    for signature, what, fix in _SIGNATURES:
        if data.startswith(signature):
            raise InputError(
                f"{source} is not a text export",
                [Problem(source=source, value=what, expected="a text export (CSV)", fix=fix)],
            )
    sample = data[:SAMPLE_BYTES]
    nul = sample.count(0)
    if nul and nul * 4 >= len(sample):
        return  # looks like UTF-16/UTF-32 text: the encoding module says so
    control = sum(sample.count(b) for b in _CONTROL)
    if control == 0 or (nul == 0 and control * 100 < len(sample)):
        return
    first = min(i for i in (sample.find(bytes([b])) for b in _CONTROL) if i >= 0)
    raise InputError(
        f"{source} is not a text export",
        [
            Problem(
                source=source,
                row=_row_of(sample, first),
                value=f"byte 0x{sample[first]:02x} at byte {first}",
                expected=(
                    "a text export; this file holds binary data (NUL or control bytes), so it "
                    "is not a CSV file"
                ),
                fix=_EXPORT_AGAIN,
            )
        ],
    )


def refuse_nul(text: str, source: str) -> None:
    """Raise when the decoded ``text`` holds a NUL character anywhere, naming its row.

    Raises
    ------
    InputError
        With the row of the first NUL (None for the header line) and how to fix it.
    """
    position = text.find("\x00")
    if position < 0:
        return
    line = text.count("\n", 0, position)
    raise InputError(
        f"{source} holds binary data",
        [
            Problem(
                source=source,
                row=line if line > 0 else None,
                value=f"a NUL character on line {line + 1}",
                expected="text without NUL characters (binary data was pasted into the export)",
                fix=_EXPORT_AGAIN,
            )
        ],
    )
