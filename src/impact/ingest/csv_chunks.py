"""Read a big CSV export in chunks of rows, in bounded memory, exactly as the whole-file reader.

:func:`impact.ingest.readers.read_csv_text` decodes the whole file and keeps every cell as a
Python string; for a 1 GB export that is well over 10 GB. :func:`csv_chunks` streams the same
file through the same parser (the csv module, the same delimiter sniffing, header rows, NFC
text, row numbers, blank-row and too-many-fields rules) and yields :class:`RawTable` chunks of
at most ``chunk_rows`` rows, so only one chunk of text cells is alive at a time.

The encoding is told in a first pass over the bytes, block by block (valid UTF-8, with or
without a byte-order mark, or Windows-1252 when no line is non-ASCII UTF-8). Whatever the
streaming reader cannot decide exactly as the whole-file reader does — a UTF-16/UTF-32 file,
mixed or broken encodings, a NUL character, a parse error, a quote never closed (checked by a
strict second parse when the last record spans lines), a file without data rows, a head with
fewer than 20 lines in its first :data:`HEAD_CHARS` characters — raises
:class:`NotStreamable`, and the caller reads the file whole, which gives the exact message.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from impact.errors import Problem
from impact.ingest.bounds import check_width, field_limit
from impact.ingest.raw_table import (
    RawTable,
    filled_unnamed,
    header_names,
    kept_columns,
    text_frame,
    text_records,
)
from impact.ingest.readers import csv_header, sniff_delimiter, sniff_lines
from impact.ingest.text_guard import SAMPLE_BYTES, refuse_binary

__all__ = ["CHUNK_ROWS", "HEAD_CHARS", "CsvChunks", "NotStreamable", "csv_chunks"]

#: Rows per chunk by default (about 30–60 MB of text cells for a typical survey export).
CHUNK_ROWS = 100_000
#: Characters of decoded text the delimiter and the head are told from.
HEAD_CHARS = 4_000_000
_BLOCK = 1 << 20


class NotStreamable(Exception):
    """The file must be read whole (to give the whole-file reader's exact result or message)."""


def _encoding(path: Path) -> str:
    """The encoding of a narrow-text file, told block by block ("utf-8", "utf-8-sig", "cp1252")."""
    with path.open("rb") as handle:
        start = handle.read(4)
        if any(start.startswith(bom) for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise NotStreamable("UTF-16 or UTF-32 text")
        bom = start.startswith(codecs.BOM_UTF8)
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for block in iter(lambda: handle.read(_BLOCK), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8-sig" if bom else "utf-8"
        except UnicodeDecodeError:
            if bom:
                raise NotStreamable("mixed encodings") from None
        handle.seek(0)
        for line in handle:
            if not line.isascii():
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    continue
                raise NotStreamable("mixed encodings")
    return "cp1252"


def _checked_lines(handle: io.TextIOBase) -> Iterator[str]:
    """The lines of a text stream; a NUL character means the file must be read whole."""
    try:
        for line in handle:
            if "\x00" in line:
                raise NotStreamable("NUL character")
            yield line
    except UnicodeDecodeError:
        raise NotStreamable("bytes not in the encoding") from None


@dataclass
class CsvChunks:
    """A CSV export opened for reading in chunks.

    Attributes
    ----------
    source : str
        The file, for messages.
    details : dict
        How the file is read (encoding, delimiter), as :class:`RawTable` has it.
    names : list of str
        Every header (stripped, NFC), kept or not.
    first : list of int
        Positions of the columns kept.
    filled : set of int
        Positions of unnamed columns that held data (filled while reading).
    rows : int
        Data rows kept so far.
    trailing : list of Problem
        Row problems (too many fields) not yet handed out with a chunk: a chunk without a
        row kept passes its problems on to the next; those after the last chunk stay here.
    """

    source: str
    details: dict
    names: list[str]
    first: list[int]
    filled: set[int] = field(default_factory=set)
    rows: int = 0
    trailing: list[Problem] = field(default_factory=list)

    def header_problems(self) -> list[Problem]:
        """Unnamed columns holding data and repeated headers (complete once every chunk is read).

        Raises
        ------
        NotStreamable
            When no row was kept (the whole-file reader tells why).
        """
        _, problems = kept_columns(self.names, self.filled, self.source)
        if self.rows == 0 or not self.first:
            raise NotStreamable("no data rows")
        return problems


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="")


def csv_chunks(
    path: str | Path, header_rows: int = 1, chunk_rows: int = CHUNK_ROWS
) -> tuple[CsvChunks, Iterator[RawTable]]:
    """Open a CSV export and iterate over its rows in chunks.

    Parameters
    ----------
    path : path
        A delimited text file (``.csv``, ``.tsv``, ``.txt``) that exists and is not empty.
    header_rows : int
        Header rows, joined per column as :func:`impact.ingest.readers.read_raw` joins them.
    chunk_rows : int
        Records read per chunk (blank rows included); each chunk holds at most that many rows.

    Returns
    -------
    state : CsvChunks
        The header and what is known about the file; :meth:`CsvChunks.header_problems` once
        the chunks are exhausted.
    chunks : iterator of RawTable
        Text cells of consecutive rows, index = the file's data row numbers; each chunk's
        ``problems`` are its rows with too many fields (see ``CsvChunks.trailing``).

    Raises
    ------
    InputError
        A file that is clearly not text (:func:`impact.ingest.text_guard.refuse_binary`).
    NotStreamable
        When the file must be read whole (also raised while iterating).
    """
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    path = Path(path)
    source = str(path)
    encoding, lines = _encoding_and_head(path, source)
    handle = _open_text(path, encoding)
    try:
        with field_limit():
            try:
                delimiter = sniff_delimiter(sniff_lines("\n".join(lines[:20])))
                reader = csv.reader(_checked_lines(handle), delimiter=delimiter)
                header = csv_header(reader, header_rows)
            except csv.Error:
                raise NotStreamable("parse error") from None
        if header is None:
            raise NotStreamable("no header")
        check_width(header, source, f"read with the delimiter {delimiter!r}")
        names = header_names(header, source)
    except BaseException:
        handle.close()
        raise
    first, _ = kept_columns(names, set(), source)
    state = CsvChunks(source, {"encoding": encoding, "delimiter": delimiter}, names, first)
    return state, _chunks(state, reader, handle, chunk_rows)


def _encoding_and_head(path: Path, source: str) -> tuple[str, list[str]]:
    """The file's encoding and its first complete lines, or NotStreamable when the file must
    be read whole (UTF-16/UTF-32, bytes not in the encoding, a head without lines)."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    refuse_binary(sample, source)
    if sample.count(0) * 4 >= len(sample):
        raise NotStreamable("UTF-16 or UTF-32 text")
    encoding = _encoding(path)
    try:
        with _open_text(path, encoding) as handle:
            head = handle.read(HEAD_CHARS)
            complete = handle.read(1) == ""
    except UnicodeDecodeError:
        raise NotStreamable("bytes not in the encoding") from None
    lines = head.splitlines() if complete else head.splitlines()[:-1]
    if not head.strip() or "\x00" in head or (not complete and len(lines) < 20):
        raise NotStreamable("head")
    return encoding, lines


def _chunks(
    state: CsvChunks, reader: Iterator[list[str]], handle: io.TextIOWrapper, chunk_rows: int
) -> Iterator[RawTable]:
    width = len(state.names)
    number = 0
    last: list[str] = []
    try:
        while True:
            rows: list[tuple[int, list[str]]] = []
            with field_limit():
                try:
                    for cells in reader:
                        number += 1
                        rows.append((number, cells))
                        if len(rows) == chunk_rows:
                            break
                except csv.Error:
                    raise NotStreamable("parse error") from None
            if not rows:
                break
            last = rows[-1][1]
            records, index, problems = text_records(rows, width, state.source)
            del rows
            state.filled |= filled_unnamed(state.names, records)
            state.trailing += problems
            if not records:
                continue
            state.rows += len(records)
            frame = text_frame(records, index, state.names, state.first)
            del records
            problems, state.trailing = state.trailing, []
            yield RawTable(frame, state.source, "csv", dict(state.details), problems)
    finally:
        handle.close()
    if any("\n" in cell or "\r" in cell for cell in last) and not _quotes_closed(state):
        raise NotStreamable("a quote is never closed")


def _quotes_closed(state: CsvChunks) -> bool:
    """Whether every quote is closed: the file parsed again, strictly, as
    :func:`impact.ingest.bounds.refuse_unclosed_quote` does (when the last record spans lines).
    """
    delimiter = state.details["delimiter"]
    with _open_text(Path(state.source), state.details["encoding"]) as handle:
        try:
            for _ in csv.reader(_checked_lines(handle), delimiter=delimiter, strict=True):
                pass
        except csv.Error as error:
            return "unexpected end of data" not in str(error)
    return True
