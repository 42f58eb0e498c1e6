"""Privacy guard for publishable outputs: no identifiers, no free text, no small counts.

Everything a study run publishes (results bundles and rendered reports) is scanned before it is
moved into place:

* **forbidden strings** — raw linking codes (as typed and in their compact upper-case form),
  response ids and free-text answers (``comments``) must not appear in any text-like file:
  CSV/TSV, JSON, HTML, SVG, XML, Markdown/Quarto, Typst, YAML, the XML parts of DOCX/XLSX/PPTX/ODT,
  the text chunks of PNG files (also PNG and SVG images embedded in DOCX parts and in HTML
  ``data:`` URIs) and the text of PDF files (with ``pypdf``);
* **small counts** — no published CSV table may show a count of 1 to ``threshold − 1`` people,
  nor let one be derived within a row (``n − numerator``, ``participants − n``, a share of a
  small ``n``); ``results.json`` key numbers with unit ``count`` are checked the same way.
  Bundles whose ``kind`` holds no counts of people (``codebook``, ``power``) are not checked
  for small counts (still for forbidden strings).

The scan never skips silently: a file it cannot read (a damaged PDF or PNG, text that is not
UTF-8, a PDF without extractable text, a DOCX holding media it cannot look into, a file type
impact does not publish) is listed in ``PrivacyReport.unreadable`` and makes the report fail
(``ok`` is False), exactly like a leak.

The report never repeats a forbidden value: a leak is described by its kind, file and place,
and by where the value came from when the caller says so (``"from baseline.csv, response
12"``).

Matching rules (chosen to find real leaks without false alarms in base64 images or numbers):
identifiers are matched case-insensitively as whole words (a run of letters, digits and ``_``);
identifiers with separators (``"hu 14 he 3"``) are matched as text with word boundaries;
free texts are matched case-insensitively after collapsing white space. Values too short to be
recognised safely (identifiers under :data:`MIN_IDENTIFIER_LENGTH` characters or only digits,
free texts under :data:`MIN_FREE_TEXT_LENGTH` characters) are not searched and are counted in
``PrivacyReport.unchecked``.
"""

from __future__ import annotations

import base64
import binascii
import csv
import html
import io
import json
import logging
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import pypdf

from impact.errors import ImpactError, PrivacyError
from impact.results import Result

__all__ = [
    "Leak",
    "PrivacyError",
    "PrivacyReport",
    "assert_private",
    "count_columns",
    "scan_outputs",
]

logger = logging.getLogger(__name__)

LeakKind = Literal["raw_code", "response_id", "free_text", "small_count"]

#: Identifiers shorter than this (or only digits) are not searched: they match ordinary numbers.
MIN_IDENTIFIER_LENGTH = 5
#: Free texts shorter than this are not searched: "Bra!" or "Nej" occur in any report.
MIN_FREE_TEXT_LENGTH = 12

TEXT_SUFFIXES = frozenset(
    {".csv", ".tsv", ".txt", ".md", ".qmd", ".typ", ".tex", ".yaml", ".yml", ".css", ".js"}
)
MARKUP_SUFFIXES = frozenset({".html", ".htm", ".svg", ".xml"})
ZIP_SUFFIXES = frozenset({".docx", ".xlsx", ".pptx", ".odt", ".ods"})
TABLE_SUFFIXES = frozenset({".csv", ".tsv"})

#: Names of columns that hold counts of people in published tables (exact, before ``_``).
COUNT_WORDS = (
    "n",
    "count",
    "counts",
    "numerator",
    "denominator",
    "participants",
    "respondents",
    "persons",
    "people",
    "events",
    "non_events",
    "answered",
    "missing",
    "linked",
    "unmatched",
    "records",
    "yes",
    "no",
    "dont_know",
    "yes_relevant",
    "with_baseline",
    "randomised",
    "analysed",
)
_COUNT_NAME = re.compile(
    r"^(?:(?:{words})(?:_.+)?|.+_(?:{words}))$".format(words="|".join(COUNT_WORDS))
)
#: Within a row, ``total − part`` is a count of people too (the parts a reader can subtract).
DERIVED_PAIRS = (
    ("n", "numerator"),
    ("participants", "n"),
    ("participants", "respondents"),
    ("participants", "missing"),
    ("n", "events"),
    ("answered", "yes"),
)
#: Words that make a column a statistic rather than a count (``share_linked``, ``linked_rate``).
NOT_COUNT_WORDS = frozenset(
    {"share", "rate", "pct", "percent", "proportion", "ratio", "mean", "median", "sd", "se"}
    | {"ci", "low", "high", "lower", "upper", "p", "estimate", "difference", "diff", "pp"}
    | {"target", "weight", "ame", "or", "z", "t", "stat", "value", "year", "month", "age"}
    # counts of things other than people
    | {"covariates", "rates", "draws", "sims", "bootstrap", "iterations", "parameters"}
    | {"outcomes", "tests", "strata", "rounds", "levels", "groups", "categories", "waves"}
)
#: Bundle kinds that hold no counts of people (indicator versions, planned sample sizes).
NO_PERSON_COUNTS = frozenset({"codebook", "power"})
_SUPPRESSED = re.compile(r"^(?:<\s*\d+|\.\.)$")
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DATA_URI = re.compile(r"data:image/(png|svg\+xml);base64,([A-Za-z0-9+/=\s]+)", re.IGNORECASE)
_DOCX_BREAK = re.compile(r"</w:p>|<w:br\s*/>|<w:tab\s*/>|</w:tc>|</text:p>|</a:p>")


@dataclass(frozen=True)
class Leak:
    """One place where an output would reveal something about a person.

    Attributes
    ----------
    file : str
        The file, relative to the scanned directory.
    kind : {"raw_code", "response_id", "free_text", "small_count"}
        What leaked.
    location : str
        Where in the file: ``line 12``, ``row 3, column 'n'``, ``page 2``, a JSON path.
    detail : str
        What was found, in words; never the forbidden value itself.
    """

    file: str
    kind: LeakKind
    location: str
    detail: str

    def describe(self) -> str:
        """One line: file, place, what."""
        return f"{self.file}, {self.location}: {self.detail}"


@dataclass
class PrivacyReport(Result):
    """What :func:`scan_outputs` looked at, every leak it found and every file it could not read.

    Attributes
    ----------
    roots : list of Path
        The scanned directories.
    scanned : list of str
        Files scanned (relative paths, prefixed by the root's name when several roots).
    unreadable : dict of str → str
        Files that could not be scanned and why (a damaged PDF, text that is not UTF-8, a file
        type impact does not publish …). Each one makes the scan fail: what cannot be read
        cannot be shown to be free of identifiers.
    leaks : list of Leak
        Every leak found.
    unchecked : int
        Forbidden values too short to be searched safely.
    threshold : int
        The small-count threshold used.
    """

    roots: list[Path]
    scanned: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)
    leaks: list[Leak] = field(default_factory=list)
    unchecked: int = 0
    threshold: int = 5
    title = "Privacy scan"

    @property
    def ok(self) -> bool:
        """True when nothing leaks and every file could be scanned."""
        return not self.leaks and not self.unreadable

    def tidy(self) -> pd.DataFrame:
        """One row per problem: file, kind, location, detail.

        Leaks have their kind (``raw_code`` …); files that could not be scanned have the kind
        ``unreadable`` and the reason as detail.
        """
        columns = ["file", "kind", "location", "detail"]
        rows = [vars(leak) for leak in self.leaks]
        rows += [
            {"file": name, "kind": "unreadable", "location": "", "detail": why}
            for name, why in self.unreadable.items()
        ]
        return pd.DataFrame(rows, columns=columns)

    def problems(self) -> list[str]:
        """One line per leak and per file that could not be scanned (never a forbidden value)."""
        lines = [leak.describe() for leak in self.leaks]
        lines += [f"{name}: could not be scanned — {why}" for name, why in self.unreadable.items()]
        return lines

    def summary(self) -> str:
        """Files scanned, leaks found, files that could not be scanned."""
        head = (
            f"{self.title}: {len(self.scanned)} file(s) scanned, {len(self.leaks)} leak(s), "
            f"{len(self.unreadable)} file(s) could not be scanned, "
            f"{self.unchecked} value(s) too short to check"
        )
        return "\n".join([head] + [f"  - {line}" for line in self.problems()])


# --------------------------------------------------------------------------- forbidden strings


#: A forbidden value's kind and where it came from (None when the caller did not say).
_Origin = tuple[LeakKind, str | None]
#: Forbidden values: plain values, or a mapping of value → where it came from.
Forbidden = Iterable[str] | Mapping[str, str]


@dataclass
class _Needles:
    """Forbidden values prepared for fast search, each with its kind and origin."""

    words: dict[str, _Origin] = field(default_factory=dict)
    phrases: list[tuple[re.Pattern[str], _Origin]] = field(default_factory=list)
    texts: list[tuple[str, str | None]] = field(default_factory=list)
    unchecked: int = 0


def _compact(value: str) -> str:
    return re.sub(r"[\s\-_./]+", "", value).upper()


def _with_origins(values: Forbidden) -> dict[str, str | None]:
    """``{value: origin}`` for plain values (origin None) or a mapping value → origin."""
    pairs = values.items() if isinstance(values, Mapping) else ((v, None) for v in values)
    found: dict[str, str | None] = {}
    for value, origin in pairs:
        if value is not None:
            found.setdefault(str(value), origin)
    return found


def _prepare(raw_codes: Forbidden, response_ids: Forbidden, free_texts: Forbidden) -> _Needles:
    needles = _Needles()
    phrases: dict[str, _Origin] = {}
    kinds: tuple[tuple[LeakKind, Forbidden], ...] = (
        ("raw_code", raw_codes),
        ("response_id", response_ids),
    )
    for kind, values in kinds:
        for value, origin in _with_origins(values).items():
            value = value.strip()
            variants = {value, _compact(value)} if kind == "raw_code" else {value}
            usable = [v for v in variants if len(v) >= MIN_IDENTIFIER_LENGTH and not v.isdigit()]
            if not usable:
                needles.unchecked += 1
            for variant in usable:
                if _WORD.fullmatch(variant):
                    needles.words.setdefault(variant.casefold(), (kind, origin))
                else:
                    phrases.setdefault(_SPACE.sub(" ", variant).casefold(), (kind, origin))
    for phrase, found in sorted(phrases.items()):
        pattern = re.compile(
            r"(?<!\w)" + r"\s+".join(re.escape(p) for p in phrase.split(" ")) + r"(?!\w)"
        )
        needles.phrases.append((pattern, found))
    texts: dict[str, str | None] = {}
    for value, origin in _with_origins(free_texts).items():
        text = _SPACE.sub(" ", value).strip().casefold()
        if len(text) >= MIN_FREE_TEXT_LENGTH:
            texts.setdefault(text, origin)
        elif text:
            needles.unchecked += 1
    needles.texts = sorted(texts.items())
    return needles


_KIND_WORDS = {
    "raw_code": "a raw linking code",
    "response_id": "a response id",
    "free_text": "a free-text answer (comments)",
}


def _line_of(text: str, position: int) -> str:
    return f"line {text.count(chr(10), 0, position) + 1}"


def _search(
    text: str, needles: _Needles, file: str, where: str | None = None, *, texts_only: bool = False
) -> list[Leak]:
    """Every forbidden value in ``text``; ``where`` overrides the line-number location.

    With ``texts_only`` only free texts are searched (for the tag-stripped text of markup).
    """
    leaks: list[Leak] = []
    folded = text.casefold()
    seen: set[tuple[str, str, str | None]] = set()

    def add(found: _Origin, position: int) -> None:
        kind, origin = found
        location = where or _line_of(folded, position)
        if (kind, location, origin) not in seen:
            seen.add((kind, location, origin))
            detail = _KIND_WORDS[kind] + (f" (from {origin})" if origin else "")
            leaks.append(Leak(file, kind, location, detail))

    if needles.words and not texts_only:
        for match in _WORD.finditer(folded):
            found = needles.words.get(match.group())
            if found is not None:
                add(found, match.start())
    for pattern, found in [] if texts_only else needles.phrases:
        for match in pattern.finditer(folded):
            add(found, match.start())
    if needles.texts:
        flat = _SPACE.sub(" ", folded)
        for needle, origin in needles.texts:
            position = flat.find(needle)
            if position >= 0:
                # locate the line in the original text from the first word of the needle
                first = folded.find(needle.split(" ")[0])
                add(("free_text", origin), max(first, 0))
    return leaks


# --------------------------------------------------------------------------- text extraction


def _json_strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child + " (key)", str(key)
            yield from _json_strings(item, child)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_strings(item, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path or "(root)", value


class _Unreadable(Exception):
    """A file (or a part of one) whose text cannot be read: the scan of that file fails."""


def _utf8(data: bytes, what: str = "the file") -> str:
    """Text of UTF-8 bytes; anything else cannot be searched reliably (UTF-16 hides codes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _Unreadable(
            f"{what} is not UTF-8 text (byte {error.start + 1}); impact writes UTF-8, so it "
            "was not written by impact or is damaged"
        ) from None


def _png_text(data: bytes) -> str:
    """Text of a PNG file's tEXt, zTXt and iTXt chunks (the image data carries no text)."""
    if not data.startswith(_PNG_SIGNATURE):
        raise _Unreadable("not a PNG image (it does not start with the PNG signature)")
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
        raise _Unreadable(f"a damaged PNG text chunk ({error})") from None
    return "\n".join(texts)


def _embedded_images(markup: str) -> Iterator[tuple[int, str, bytes]]:
    """``(number, type, bytes)`` of the PNG and SVG images in ``data:`` URIs of markup."""
    for number, match in enumerate(_DATA_URI.finditer(markup), start=1):
        try:
            data = base64.b64decode(_SPACE.sub("", match.group(2)), validate=True)
        except (binascii.Error, ValueError):
            raise _Unreadable(f"embedded image {number} is not valid base64") from None
        yield number, match.group(1), data


def _search_markup(raw: str, content: str, needles: _Needles, file: str) -> list[Leak]:
    """Markup: the source with entities decoded, then (for free texts split by tags, when
    none was found in the source) its text content, then the images embedded as ``data:``
    URIs (their PNG text chunks, their SVG source)."""
    leaks = _search(html.unescape(raw), needles, file)
    if not any(leak.kind == "free_text" for leak in leaks):
        leaks += _search(html.unescape(content), needles, file, texts_only=True)
    for number, kind, data in _embedded_images(raw):
        where = f"embedded image {number}"
        if kind.lower() == "png":
            leaks += _search(_png_text(data), needles, file, f"{where} (PNG metadata)")
        else:
            svg = _utf8(data, where)
            leaks += [
                Leak(file, leak.kind, f"{where}, {leak.location}", leak.detail)
                for leak in _search_markup(svg, _TAG.sub(" ", svg), needles, file)
            ]
    return leaks


def _zip_parts(path: Path) -> Iterator[tuple[str, str, str]]:
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
                    raw = _utf8(data, f"part {name}")
                    yield name, raw, _TAG.sub("", _DOCX_BREAK.sub("\n", raw))
                elif lowered.endswith(".png"):
                    text = _png_text(data)
                    yield name, text, text
                elif lowered != "mimetype":
                    raise _Unreadable(
                        f"it holds the part {name}, whose content cannot be checked for identifiers"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as error:
        raise _Unreadable(f"not a readable zip archive ({error})") from None


def _pdf_pages(path: Path) -> list[tuple[int, str]]:
    """Text of every page; a damaged, encrypted or text-less PDF is unreadable."""
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            raise _Unreadable("the PDF is encrypted")
        pages = [(i, page.extract_text() or "") for i, page in enumerate(reader.pages, start=1)]
    except _Unreadable:
        raise
    except Exception as error:  # pypdf raises many types for damaged files
        reason = f"{type(error).__name__}: {error}"[:200]
        raise _Unreadable(f"the PDF could not be read ({reason})") from None
    if not any(text.strip() for _, text in pages):
        raise _Unreadable(
            "no text could be extracted from the PDF (no pages, only images, or a font "
            "encoding pypdf cannot read)"
        )
    return pages


def _scan_text(path: Path, name: str, needles: _Needles, report: PrivacyReport) -> None:
    report.leaks += _search(_utf8(path.read_bytes()), needles, name)
    if path.suffix.lower() in TABLE_SUFFIXES and _bundle_kind(path) not in NO_PERSON_COUNTS:
        report.leaks += _table_counts(path, name, report.threshold)


def _scan_markup(path: Path, name: str, needles: _Needles, report: PrivacyReport) -> None:
    text = _utf8(path.read_bytes())
    report.leaks += _search_markup(text, _TAG.sub(" ", text), needles, name)


def _scan_json(path: Path, name: str, needles: _Needles, report: PrivacyReport) -> None:
    text = _utf8(path.read_bytes())
    report.leaks += _search(text, needles, name)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _Unreadable(
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}), so its "
            "counts cannot be checked"
        ) from None
    if "\\u" in text:
        for where, value in _json_strings(document, ""):
            report.leaks += _search(value, needles, name, where=where)
    report.leaks += _json_counts(document, name, report.threshold)


def _scan_zip(path: Path, name: str, needles: _Needles, report: PrivacyReport) -> None:
    for part, raw, content in list(_zip_parts(path)):
        report.leaks += [
            Leak(name, leak.kind, f"{part}, {leak.location}", leak.detail)
            for leak in _search_markup(raw, content, needles, name)
        ]


def _scan_pdf(path: Path, name: str, needles: _Needles, report: PrivacyReport) -> None:
    for number, text in _pdf_pages(path):
        report.leaks += _search(text, needles, name, where=f"page {number}")


def _scan_png(path: Path, name: str, needles: _Needles, report: PrivacyReport) -> None:
    report.leaks += _search(_png_text(path.read_bytes()), needles, name, "PNG metadata")


_SCANNERS = {
    **dict.fromkeys(TEXT_SUFFIXES, _scan_text),
    **dict.fromkeys(MARKUP_SUFFIXES, _scan_markup),
    **dict.fromkeys(ZIP_SUFFIXES, _scan_zip),
    ".json": _scan_json,
    ".pdf": _scan_pdf,
    ".png": _scan_png,
}


def _scan_file(path: Path, name: str, needles: _Needles, report: PrivacyReport) -> None:
    """Scan one file by its type; a file that cannot be read is recorded as unreadable."""
    suffix = path.suffix.lower()
    scanner = _SCANNERS.get(suffix)
    if scanner is None:
        kind = f"'{suffix}' files" if suffix else "files without a suffix"
        report.unreadable[name] = (
            f"impact publishes no {kind} and cannot check their content; move the file out "
            "of the published folders (analyst-only files belong in private/)"
        )
        return
    try:
        if path.stat().st_size > 0:  # an empty file holds nothing to find
            scanner(path, name, needles, report)
    except _Unreadable as error:
        report.unreadable[name] = str(error)
        return
    except OSError as error:
        report.unreadable[name] = f"could not be opened ({error.strerror or error})"
        return
    report.scanned.append(name)


# --------------------------------------------------------------------------- small counts


def count_columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns of a published table that hold counts of people.

    A column is a count column when its name is a count word (``n``, ``numerator``,
    ``participants``, ``yes``, …, alone or as ``n_treatment`` / ``women_n``), has no word of
    a statistic (``share``, ``rate``, ``mean``, ``ci`` …: :data:`NOT_COUNT_WORDS`) and every
    shown value is a whole number; or when it holds a suppression mark (``<5``, ``..``).

    Parameters
    ----------
    header : sequence of str
        Column names.
    rows : sequence of sequences of str
        The cells as published (text).

    Returns
    -------
    list of str
    """
    found = []
    for j, name in enumerate(header):
        cells = [row[j].strip() for row in rows if j < len(row) and row[j].strip()]
        marked = any(_SUPPRESSED.match(c) for c in cells)
        shown = [c for c in cells if not _SUPPRESSED.match(c)]
        whole = all(_whole(c) is not None for c in shown)
        lowered = name.strip().lower()
        statistic = bool(NOT_COUNT_WORDS & set(lowered.split("_")))
        if marked or (_COUNT_NAME.match(lowered) and not statistic and whole):
            found.append(name)
    return found


def _whole(text: str) -> int | None:
    try:
        value = float(text.replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        return None
    return int(value) if value.is_integer() and value >= 0 else None


def _small(value: int | None, threshold: int) -> bool:
    return value is not None and 1 <= value < threshold


def _table_counts(path: Path, name: str, threshold: int) -> list[Leak]:
    text = path.read_bytes().decode("utf-8-sig", "replace")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not table:
        return []
    header, rows = table[0], table[1:]
    counts = count_columns(header, rows)
    position = {c: header.index(c) for c in header}
    leaks: list[Leak] = []
    for r, row in enumerate(rows, start=1):

        def cell(column: str, row: list[str] = row) -> int | None:
            j = position.get(column)
            return _whole(row[j].strip()) if j is not None and j < len(row) else None

        for column in counts:
            if _small(cell(column), threshold):
                leaks.append(
                    Leak(
                        name,
                        "small_count",
                        f"row {r}, column '{column}'",
                        f"a count below the suppression threshold {threshold} is shown",
                    )
                )
        for total, part in DERIVED_PAIRS:
            if total in counts and part in counts:
                a, b = cell(total), cell(part)
                if a is not None and b is not None and _small(a - b, threshold):
                    leaks.append(
                        Leak(
                            name,
                            "small_count",
                            f"row {r}, columns '{total}' − '{part}'",
                            f"the difference is a count below the suppression threshold "
                            f"{threshold}",
                        )
                    )
        leaks += _share_leaks(name, header, row, r, cell, threshold)
    return leaks


def _share_leaks(name, header, row, r, cell, threshold) -> list[Leak]:
    """A share shown beside its ``n`` reveals numerator and non-events."""
    if "share" not in header or "n" not in header:
        return []
    n = cell("n")
    try:
        share = float(row[header.index("share")])
    except (ValueError, IndexError):
        return []
    if n is None or n == 0 or share != share:
        return []
    share = share / 100 if share > 1 else share
    events = round(share * n)
    if _small(events, threshold) or _small(n - events, threshold):
        return [
            Leak(
                name,
                "small_count",
                f"row {r}, columns 'share' × 'n'",
                f"the share of n reveals a count below the suppression threshold {threshold}",
            )
        ]
    return []


def _bundle_kind(table: Path) -> str | None:
    """The ``kind`` of the results bundle a table belongs to (None outside a bundle)."""
    for folder in (table.parent, table.parent.parent):
        results = folder / "results.json"
        if results.is_file():
            try:
                kind = json.loads(results.read_text(encoding="utf-8")).get("kind")
            except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
                return None
            return kind if isinstance(kind, str) else None
    return None


def _json_counts(document: object, name: str, threshold: int) -> list[Leak]:
    """Key numbers of a results bundle with unit ``count`` (or a small ``n``).

    Bundles of the kinds in :data:`NO_PERSON_COUNTS` are not checked: their numbers are not
    about people.
    """
    leaks: list[Leak] = []
    if not isinstance(document, dict) or document.get("kind") in NO_PERSON_COUNTS:
        return leaks
    numbers = document.get("numbers")
    if not isinstance(numbers, dict):
        return leaks
    for key, entry in numbers.items():
        if not isinstance(entry, dict) or entry.get("value") is None:
            continue
        value, n = entry.get("value"), entry.get("n")
        if entry.get("unit") == "count" and isinstance(value, int | float):
            if _small(_whole(str(value)), threshold):
                leaks.append(
                    Leak(
                        name,
                        "small_count",
                        f"numbers.{key}",
                        f"a count below the suppression threshold {threshold} is shown",
                    )
                )
        if isinstance(n, int | float) and _small(_whole(str(n)), threshold):
            leaks.append(
                Leak(
                    name,
                    "small_count",
                    f"numbers.{key}.n",
                    f"a number based on fewer than {threshold} people is shown",
                )
            )
    return leaks


# --------------------------------------------------------------------------- public API


def _files(root: Path, exclude: Sequence[str]) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in exclude for part in relative.parts):
            continue
        if path.is_file():
            yield path


def scan_outputs(
    directory: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    raw_codes: Forbidden = (),
    response_ids: Forbidden = (),
    free_texts: Forbidden = (),
    threshold: int = 5,
    exclude: Sequence[str] = ("private",),
) -> PrivacyReport:
    """Scan every file under ``directory`` for identifiers, free text and small counts.

    Parameters
    ----------
    directory : path or sequence of paths
        The publishable folder(s) (results bundles, rendered reports). A missing folder is
        skipped (e.g. no reports rendered).
    raw_codes : iterable of str, or mapping of str → str
        Linking codes as respondents typed them (searched as typed and in compact form). A
        mapping gives each value's origin (``"baseline.csv, response 12"``), named in the
        leak's detail instead of the value.
    response_ids : iterable of str, or mapping of str → str
        Response ids of every wave (optionally with their origins).
    free_texts : iterable of str, or mapping of str → str
        Free-text answers (``comments``; optionally with their origins).
    threshold : int
        Suppression threshold: published counts from 1 to ``threshold − 1`` are leaks.
    exclude : sequence of str
        Folder names not scanned (default ``private``: analyst-only outputs).

    Returns
    -------
    PrivacyReport
        Leaks and files that could not be scanned (both make ``ok`` False).

    Raises
    ------
    ImpactError
        When ``threshold`` is not a positive whole number.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ImpactError(f"threshold must be a whole number ≥ 1, got {threshold!r}")
    roots = (
        [Path(directory)]
        if isinstance(directory, str | os.PathLike)
        else [Path(d) for d in directory]
    )
    needles = _prepare(raw_codes, response_ids, free_texts)
    report = PrivacyReport(roots=roots, unchecked=needles.unchecked, threshold=threshold)
    for root in roots:
        if not root.exists():
            continue
        files = [root] if root.is_file() else list(_files(root, exclude))
        for path in files:
            relative = path.name if path == root else path.relative_to(root).as_posix()
            name = f"{root.name}/{relative}" if len(roots) > 1 else relative
            _scan_file(path, name, needles, report)
    logger.info("%s", report.summary().splitlines()[0])
    return report


def assert_private(
    directory: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    raw_codes: Forbidden = (),
    response_ids: Forbidden = (),
    free_texts: Forbidden = (),
    threshold: int = 5,
    exclude: Sequence[str] = ("private",),
) -> PrivacyReport:
    """Like :func:`scan_outputs`, but raise :class:`PrivacyError` listing every problem.

    Returns
    -------
    PrivacyReport
        The clean report, when nothing leaks and every file could be scanned.

    Raises
    ------
    PrivacyError
        (an :class:`~impact.errors.ImpactError`) naming every leaking file and place, and
        every file that could not be scanned and why.
    """
    report = scan_outputs(
        directory,
        raw_codes=raw_codes,
        response_ids=response_ids,
        free_texts=free_texts,
        threshold=threshold,
        exclude=exclude,
    )
    if not report.ok:
        parts = []
        if report.leaks:
            parts.append(
                f"{len(report.leaks)} privacy problem(s) (identifiers, free text or counts "
                "below the suppression threshold)"
            )
        if report.unreadable:
            parts.append(
                f"{len(report.unreadable)} file(s) that could not be scanned (what cannot be "
                "read cannot be shown to be free of identifiers)"
            )
        lines = [f"  - {line}" for line in report.problems()]
        raise PrivacyError(
            f"refusing to publish: {' and '.join(parts)} in the outputs:\n" + "\n".join(lines)
        )
    return report
