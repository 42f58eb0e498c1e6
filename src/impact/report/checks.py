"""Check a rendered report before calling it a success: every figure in it, pages present.

A renderer can exit 0 and still write a report with its figures missing (Pandoc and Quarto
only warn about an image they cannot find). :func:`check_output` opens the written file and
compares it with the executed document: every figure the document references must be embedded
in the HTML (as a data URI) and in the Word file (as a picture part it shows), and the PDF must
have pages.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

from impact.report.qmd import ReportError

log = logging.getLogger(__name__)

_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]*)\"", re.IGNORECASE | re.DOTALL)
_DOCX_PICTURE = re.compile(r"<a:blip\b[^>]*r:embed=\"([^\"]+)\"")


def figures_in(markdown: str) -> list[str]:
    """Image paths the executed Markdown references, in order."""
    return _MARKDOWN_IMAGE.findall(markdown)


def check_figure_files(figures: list[str], workdir: Path, extensions: tuple[str, ...]) -> None:
    """Each referenced figure exists in ``workdir`` in every format the renders use."""
    for figure in figures:
        candidates = [figure] if Path(figure).suffix else [f"{figure}.{e}" for e in extensions]
        missing = [c for c in candidates if not (workdir / c).is_file()]
        if missing:
            raise ReportError(
                f"the report refers to the figure {', '.join(missing)}, which is not in the "
                f"render folder {workdir}; the bundle's figure files are incomplete"
            )


def check_html(path: Path, figures: int) -> None:
    """Every ``<img>`` is embedded (data URI) and there are at least ``figures`` of them."""
    text = path.read_text(encoding="utf-8", errors="replace")
    sources = _HTML_IMAGE.findall(text)
    external = [s for s in sources if not s.startswith("data:")]
    if external:
        raise ReportError(
            f"{path.name}: {len(external)} image(s) are not embedded but point at "
            f"{', '.join(sorted(set(external))[:5])}; the HTML would show them broken"
        )
    if len(sources) < figures:
        raise ReportError(
            f"{path.name}: the report has {figures} figure(s) but the HTML embeds only "
            f"{len(sources)} image(s)"
        )


def check_docx(path: Path, figures: int) -> None:
    """The document shows at least ``figures`` pictures, each with its image part present."""
    try:
        with zipfile.ZipFile(path) as archive:
            document = archive.read("word/document.xml").decode("utf-8")
            relations = archive.read("word/_rels/document.xml.rels").decode("utf-8")
            media = {n for n in archive.namelist() if n.startswith("word/media/")}
    except (zipfile.BadZipFile, KeyError) as error:
        raise ReportError(f"{path.name} is not a readable Word document: {error}") from None
    shown = _DOCX_PICTURE.findall(document)
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', relations))
    broken = [r for r in shown if f"word/{targets.get(r, '')}" not in media]
    if broken:
        raise ReportError(f"{path.name}: {len(broken)} picture(s) have no image in the file")
    if len(shown) < figures:
        raise ReportError(
            f"{path.name}: the report has {figures} figure(s) but the Word file shows only "
            f"{len(shown)} picture(s)"
        )


def check_pdf(path: Path) -> None:
    """The PDF opens and has pages."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pages = len(PdfReader(path).pages)
    except (PdfReadError, OSError, ValueError) as error:
        raise ReportError(f"{path.name} is not a readable PDF: {error}") from None
    if pages == 0:
        raise ReportError(f"{path.name} has no pages")


def check_output(path: Path, fmt: str, figures: int) -> None:
    """Check one written report (see the module docstring); raise ReportError if it fails."""
    if fmt == "html":
        check_html(path, figures)
    elif fmt == "docx":
        check_docx(path, figures)
    else:
        check_pdf(path)
    log.debug("checked %s: %d figure(s) present", path.name, figures)
