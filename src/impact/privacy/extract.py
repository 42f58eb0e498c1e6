"""Text of each file type impact publishes: UTF-8 text, JSON strings, PNG text chunks, images
embedded in markup, the parts of Office/ODF archives and the pages of PDF files.

Whatever cannot be read raises :class:`Unreadable`: the scan of that file then fails.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pypdf

from impact.privacy.forbidden import SPACE

TAG = re.compile(r"<[^>]*>")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DATA_URI = re.compile(r"data:image/(png|svg\+xml);base64,([A-Za-z0-9+/=\s]+)", re.IGNORECASE)
_DOCX_BREAK = re.compile(r"</w:p>|<w:br\s*/>|<w:tab\s*/>|</w:tc>|</text:p>|</a:p>")


def json_strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    """``(JSON path, text)`` of every key and string value of a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child + " (key)", str(key)
            yield from json_strings(item, child)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from json_strings(item, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path or "(root)", value


class Unreadable(Exception):
    """A file (or a part of one) whose text cannot be read: the scan of that file fails."""


def utf8_text(data: bytes, what: str = "the file") -> str:
    """Text of UTF-8 bytes; anything else cannot be searched reliably (UTF-16 hides codes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"{what} is not UTF-8 text (byte {error.start + 1}); impact writes UTF-8, so it "
            "was not written by impact or is damaged"
        ) from None


def png_text(data: bytes) -> str:
    """Text of a PNG file's tEXt, zTXt and iTXt chunks (the image data carries no text)."""
    if not data.startswith(_PNG_SIGNATURE):
        raise Unreadable("not a PNG image (it does not start with the PNG signature)")
    texts, position = [], 8
    try:
        while position + 8 <= len(data):
            length, kind = struct.unpack(">I4s", data[position : position + 8])
            body = data[position + 8 : position + 8 + length]
            position += 12 + length
            if kind == b"tEXt":
                texts.append(body.replace(b"\0", b" ").decode("latin-1"))
            elif kind == b"zTXt":
                key, _, rest = body.partition(b"\0")
                text = zlib.decompress(rest[1:]).decode("latin-1")
                texts.append(key.decode("latin-1") + " " + text)
            elif kind == b"iTXt":
                key, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                _, _, rest = rest.partition(b"\0")  # language tag
                _, _, rest = rest.partition(b"\0")  # translated keyword
                payload = zlib.decompress(rest) if compressed else rest
                texts.append(key.decode("latin-1") + " " + payload.decode("utf-8", "replace"))
            elif kind == b"IEND":
                break
    except (zlib.error, IndexError) as error:
        raise Unreadable(f"a damaged PNG text chunk ({error})") from None
    return "\n".join(texts)


def embedded_images(markup: str) -> Iterator[tuple[int, str, bytes]]:
    """``(number, type, bytes)`` of the PNG and SVG images in ``data:`` URIs of markup."""
    for number, match in enumerate(_DATA_URI.finditer(markup), start=1):
        try:
            data = base64.b64decode(SPACE.sub("", match.group(2)), validate=True)
        except (binascii.Error, ValueError):
            raise Unreadable(f"embedded image {number} is not valid base64") from None
        yield number, match.group(1), data


def zip_parts(path: Path) -> Iterator[tuple[str, str, str]]:
    """(part name, source text, text content) of every part of an Office/ODF archive.

    XML parts give their source and their text with runs joined and paragraphs as lines;
    embedded PNG images give their text chunks. Any other part (a JPEG, an EMF, an embedded
    object) cannot be searched and makes the whole file unreadable.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                lowered = name.lower()
                if name.endswith("/"):
                    continue
                data = archive.read(name)
                if lowered.endswith((".xml", ".rels", ".svg")):
                    raw = utf8_text(data, f"part {name}")
                    yield name, raw, TAG.sub("", _DOCX_BREAK.sub("\n", raw))
                elif lowered.endswith(".png"):
                    text = png_text(data)
                    yield name, text, text
                elif lowered != "mimetype":
                    raise Unreadable(
                        f"it holds the part {name}, whose content cannot be checked for identifiers"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as error:
        raise Unreadable(f"not a readable zip archive ({error})") from None


def pdf_pages(path: Path) -> list[tuple[int, str]]:
    """Text of every page; a damaged, encrypted or text-less PDF is unreadable."""
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            raise Unreadable("the PDF is encrypted")
        pages = [(i, page.extract_text() or "") for i, page in enumerate(reader.pages, start=1)]
    except Unreadable:
        raise
    except Exception as error:  # pypdf raises many types for damaged files
        reason = f"{type(error).__name__}: {error}"[:200]
        raise Unreadable(f"the PDF could not be read ({reason})") from None
    if not any(text.strip() for _, text in pages):
        raise Unreadable(
            "no text could be extracted from the PDF (no pages, only images, or a font "
            "encoding pypdf cannot read)"
        )
    return pages
