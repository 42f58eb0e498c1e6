"""Find the text encoding of a delimited file and decode it, or say which lines are broken.

Survey exports arrive as UTF-8 (with or without a byte-order mark) or as Windows-1252 when
they were saved from Excel on Swedish Windows; Excel's "Unicode text" export is UTF-16 with a
byte-order mark (tab-separated). The rules:

* a UTF-16 or UTF-32 byte-order mark means that encoding, and the file is decoded with it;
* bytes that look like UTF-16 or UTF-32 without a byte-order mark (many NUL bytes) are an
  error that says so, because the byte order cannot be told reliably;
* a UTF-8 byte-order mark means UTF-8;
* if every line is valid UTF-8 the file is UTF-8;
* if no line contains a valid non-ASCII UTF-8 sequence the file is Windows-1252 (cp1252);
* if some lines are valid non-ASCII UTF-8 and others are not UTF-8 at all, the file mixes
  encodings (usually two exports pasted together): every line in the minority encoding is
  reported as a problem naming its row (not its content, which may hold linking codes).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from impact.errors import InputError, Problem

__all__ = ["DecodedText", "decode_text"]


@dataclass(frozen=True)
class DecodedText:
    """Text of a file and the encoding it was read with.

    Attributes
    ----------
    text : str
        The decoded text (byte-order mark removed).
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``, ``"utf-16-le"``, ``"utf-16-be"``,
        ``"utf-32-le"`` or ``"utf-32-be"``.
    """

    text: str
    encoding: str


#: Byte-order marks of the wide encodings and the codec that decodes the rest. UTF-32 LE comes
#: first: its mark (FF FE 00 00) begins with the UTF-16 LE mark (FF FE).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAVE_AS_UTF8 = "save it again as UTF-8 (in Excel: 'CSV UTF-8')"


def _decode_wide(data: bytes, source: str) -> DecodedText | None:
    """Decode a file that starts with a UTF-16/UTF-32 byte-order mark (None when it does not).

    Raises
    ------
    InputError
        When the mark is there but the rest is not valid in that encoding, or when the file
        looks like UTF-16/UTF-32 without a mark (a quarter or more of its first bytes are NUL,
        which UTF-8 and Windows-1252 text never has).
    """
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            name = codec[:6].upper()
            try:
                return DecodedText(data[len(bom) :].decode(codec), codec)
            except UnicodeDecodeError as error:
                raise InputError(
                    f"{source} is not valid {name}",
                    [
                        Problem(
                            source=source,
                            expected=(
                                f"valid {name} text after the {name} byte-order mark "
                                f"({error.reason} at byte {error.start + len(bom)})"
                            ),
                            fix=_SAVE_AS_UTF8,
                        )
                    ],
                ) from None
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) * 4 >= len(sample):
        raise InputError(
            f"{source} looks like UTF-16 or UTF-32 text without a byte-order mark",
            [
                Problem(
                    source=source,
                    expected=(
                        "text encoded as UTF-8 or Windows-1252, or UTF-16 with a byte-order "
                        "mark; the file holds NUL bytes between its characters, as UTF-16 or "
                        "UTF-32 without a byte-order mark does"
                    ),
                    fix=_SAVE_AS_UTF8,
                )
            ],
        )
    return None


def _classify(line: bytes) -> str:
    """Return ``"ascii"``, ``"utf-8"`` (valid, non-ASCII) or ``"other"`` for one line."""
    if line.isascii():
        return "ascii"
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return "other"
    return "utf-8"


def _row_of(line_index: int) -> int | None:
    """1-based data row of a 0-based line index (line 0 is the header)."""
    return line_index if line_index > 0 else None


def decode_text(data: bytes, source: str) -> DecodedText:
    """Decode the bytes of a delimited text file.

    Parameters
    ----------
    data : bytes
        The file's content.
    source : str
        The file name, for messages.

    Returns
    -------
    DecodedText

    Raises
    ------
    InputError
        When lines use different encodings (one problem per line in the minority encoding),
        the bytes are neither UTF-8 nor Windows-1252, or the file is UTF-16/UTF-32 without a
        byte-order mark (or broken after one).
    """
    wide = _decode_wide(data, source)
    if wide is not None:
        return wide
    if data.startswith(codecs.BOM_UTF8):
        body, encoding = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    else:
        body, encoding = data, "utf-8"
    try:
        return DecodedText(body.decode("utf-8"), encoding)
    except UnicodeDecodeError:
        pass

    mixed = _mixed_encodings(body, encoding, source)
    if mixed is not None:
        raise mixed
    try:
        return DecodedText(body.decode("cp1252"), "cp1252")
    except UnicodeDecodeError as error:
        line_index = body[: error.start].count(b"\n")
        raise InputError(
            f"{source} is not a text file in a known encoding",
            [
                Problem(
                    source=source,
                    row=_row_of(line_index),
                    expected=(
                        f"text encoded as UTF-8 or Windows-1252; byte 0x{body[error.start]:02x} "
                        f"on line {line_index + 1} is neither"
                    ),
                    fix=_SAVE_AS_UTF8,
                )
            ],
        ) from None


def _mixed_encodings(body: bytes, encoding: str, source: str) -> InputError | None:
    """The error for a file whose lines use different encodings (one problem per line in the
    minority encoding); None when no line is UTF-8 and there is no UTF-8 byte-order mark."""
    lines = body.split(b"\n")
    kinds = [_classify(line) for line in lines]
    utf8 = [i for i, k in enumerate(kinds) if k == "utf-8"]
    other = [i for i, k in enumerate(kinds) if k == "other"]
    if utf8 or encoding == "utf-8-sig":
        # Valid UTF-8 somewhere (or a UTF-8 byte-order mark): the non-UTF-8 lines are the odd
        # ones out, unless they are the majority, in which case the UTF-8 lines are.
        if encoding == "utf-8-sig" or len(other) <= len(utf8):
            bad, found, rest = other, "Windows-1252/Latin-1", "UTF-8"
        else:
            bad, found, rest = utf8, "UTF-8", "Windows-1252/Latin-1"
        problems = [
            Problem(
                source=source,
                row=_row_of(i),
                column=None if i > 0 else "(header line)",
                expected=(
                    f"one text encoding for the whole file: line {i + 1} is {found} while the "
                    f"rest of the file is {rest}"
                ),
                fix=f"{_SAVE_AS_UTF8}; if two exports were pasted together, export once",
                kind="mixed text encodings",
            )
            for i in bad
        ]
        return InputError(f"{source} mixes text encodings", problems)
    return None
