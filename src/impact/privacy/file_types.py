"""Scanning one published file by its type (text, markup, JSON, Office/ODF, PDF, PNG)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from impact.privacy.counts import NO_PERSON_COUNTS, bundle_kind, json_counts, table_counts
from impact.privacy.extract import (
    TAG,
    Unreadable,
    embedded_images,
    json_strings,
    pdf_pages,
    png_text,
    utf8_text,
    zip_parts,
)
from impact.privacy.forbidden import Needles, search
from impact.privacy.report import Leak, PrivacyReport

TEXT_SUFFIXES = frozenset(
    {".csv", ".tsv", ".txt", ".md", ".qmd", ".typ", ".tex", ".yaml", ".yml", ".css", ".js"}
)
MARKUP_SUFFIXES = frozenset({".html", ".htm", ".svg", ".xml"})
ZIP_SUFFIXES = frozenset({".docx", ".xlsx", ".pptx", ".odt", ".ods"})
TABLE_SUFFIXES = frozenset({".csv", ".tsv"})


def _search_markup(raw: str, content: str, needles: Needles, file: str) -> list[Leak]:
    """Markup: the source with entities decoded, then (for free texts split by tags, when
    none was found in the source) its text content, then the images embedded as ``data:``
    URIs (their PNG text chunks, their SVG source)."""
    leaks = search(html.unescape(raw), needles, file)
    if not any(leak.kind == "free_text" for leak in leaks):
        leaks += search(html.unescape(content), needles, file, texts_only=True)
    for number, kind, data in embedded_images(raw):
        where = f"embedded image {number}"
        if kind.lower() == "png":
            leaks += search(png_text(data), needles, file, f"{where} (PNG metadata)")
        else:
            svg = utf8_text(data, where)
            leaks += [
                Leak(file, leak.kind, f"{where}, {leak.location}", leak.detail)
                for leak in _search_markup(svg, TAG.sub(" ", svg), needles, file)
            ]
    return leaks


def _scan_text(path: Path, name: str, needles: Needles, report: PrivacyReport) -> None:
    report.leaks += search(utf8_text(path.read_bytes()), needles, name)
    if path.suffix.lower() in TABLE_SUFFIXES and bundle_kind(path) not in NO_PERSON_COUNTS:
        report.leaks += table_counts(path, name, report.threshold)


def _scan_markup(path: Path, name: str, needles: Needles, report: PrivacyReport) -> None:
    text = utf8_text(path.read_bytes())
    report.leaks += _search_markup(text, TAG.sub(" ", text), needles, name)


def _scan_json(path: Path, name: str, needles: Needles, report: PrivacyReport) -> None:
    text = utf8_text(path.read_bytes())
    report.leaks += search(text, needles, name)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable(
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}), so its "
            "counts cannot be checked"
        ) from None
    if "\\u" in text:
        for where, value in json_strings(document, ""):
            report.leaks += search(value, needles, name, where=where)
    report.leaks += json_counts(document, name, report.threshold)


def _scan_zip(path: Path, name: str, needles: Needles, report: PrivacyReport) -> None:
    for part, raw, content in list(zip_parts(path)):
        report.leaks += [
            Leak(name, leak.kind, f"{part}, {leak.location}", leak.detail)
            for leak in _search_markup(raw, content, needles, name)
        ]


def _scan_pdf(path: Path, name: str, needles: Needles, report: PrivacyReport) -> None:
    for number, text in pdf_pages(path):
        report.leaks += search(text, needles, name, where=f"page {number}")


def _scan_png(path: Path, name: str, needles: Needles, report: PrivacyReport) -> None:
    report.leaks += search(png_text(path.read_bytes()), needles, name, "PNG metadata")


_SCANNERS = {
    **dict.fromkeys(TEXT_SUFFIXES, _scan_text),
    **dict.fromkeys(MARKUP_SUFFIXES, _scan_markup),
    **dict.fromkeys(ZIP_SUFFIXES, _scan_zip),
    ".json": _scan_json,
    ".pdf": _scan_pdf,
    ".png": _scan_png,
}


def scan_file(path: Path, name: str, needles: Needles, report: PrivacyReport) -> None:
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
    except Unreadable as error:
        report.unreadable[name] = str(error)
        return
    except OSError as error:
        report.unreadable[name] = f"could not be opened ({error.strerror or error})"
        return
    report.scanned.append(name)
