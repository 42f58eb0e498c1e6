"""Executed Markdown → HTML, DOCX (Pandoc) and PDF (Pandoc → Typst → ``typst.compile``).

Pandoc comes from the ``pypandoc-binary`` wheel and the Typst compiler from the ``typst``
wheel, so no system installation is needed. HTML is self-contained (``--embed-resources``:
figures become data URIs); the PDF uses the report's Typst template
(``reports/typst/report.typ``: title page, contents, numbered sections, compact tables) and
the SVG version of each figure (figures are referenced without an extension, and each
format sets Pandoc's ``default-image-extension``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal, get_args

from impact.report.qmd import ReportError
from impact.resources import reports_dir

log = logging.getLogger(__name__)

Format = Literal["html", "docx", "pdf"]
FORMATS: tuple[str, ...] = get_args(Format)
EXTENSIONS = {"html": ".html", "docx": ".docx", "pdf": ".pdf"}
_READER = "markdown+yaml_metadata_block+pipe_tables+fenced_divs+link_attributes+raw_attribute"


def check_format(fmt: object) -> str:
    """Return ``fmt`` when it is html, docx or pdf; else raise a clear error."""
    if fmt not in FORMATS:
        raise ReportError(f"format {fmt!r} is not supported; expected one of {', '.join(FORMATS)}")
    return str(fmt)


def _pandoc(markdown: str, to: str, args: list[str], outputfile: str | None = None) -> str:
    import pypandoc

    # a narrow --columns makes every pipe table take its relative widths from the separator
    # line (wide label columns, narrow number columns) instead of squeezing the labels
    try:
        return pypandoc.convert_text(
            markdown,
            to,
            format=_READER,
            # a warning (e.g. a figure Pandoc cannot fetch) fails the render with its message
            extra_args=[*args, "--columns=40", "--fail-if-warnings"],
            outputfile=outputfile,
        )
    except RuntimeError as error:
        raise ReportError(f"pandoc could not convert the report to {to}: {error}") from None


def to_html(markdown: str, target: Path, workdir: Path) -> Path:
    """Self-contained HTML (figures embedded as data URIs, CSS inlined)."""
    css = reports_dir() / "styles" / "report.css"
    args = [
        "--standalone",
        "--embed-resources",
        "--toc",
        "--toc-depth=2",
        "--number-sections",
        f"--css={css}",
        f"--resource-path={workdir}",
        "--metadata=document-css:false",
        "--default-image-extension=png",
    ]
    _pandoc(markdown, "html5", args, outputfile=str(target))
    return target


def to_docx(markdown: str, target: Path, workdir: Path) -> Path:
    """Word document with a table of contents and numbered sections."""
    args = [
        "--toc",
        "--toc-depth=2",
        "--number-sections",
        f"--resource-path={workdir}",
        "--default-image-extension=png",
    ]
    reference = reports_dir() / "styles" / "reference.docx"
    if reference.is_file():
        args.append(f"--reference-doc={reference}")
    _pandoc(markdown, "docx", args, outputfile=str(target))
    return target


def to_typst(markdown: str) -> str:
    """Typst source of the report, with the report template (figures as SVG)."""
    template = reports_dir() / "typst" / "report.typ"
    args = [
        "--standalone",
        f"--template={template}",
        "--toc",
        "--toc-depth=2",
        "--default-image-extension=svg",
    ]
    return _pandoc(markdown, "typst", args)


def to_pdf(markdown: str, target: Path, workdir: Path) -> Path:
    """PDF through Typst: Pandoc writes Typst source, the ``typst`` wheel compiles it."""
    import typst

    source = workdir / "report.typ"
    source.write_text(to_typst(markdown), encoding="utf-8")
    try:
        typst.compile(str(source), output=str(target), root=str(workdir))
    except Exception as error:  # typst raises its own error types with the diagnostics
        raise ReportError(f"typst could not compile the report ({source}): {error}") from None
    return target


def convert(markdown: str, fmt: str, target: Path, workdir: Path) -> Path:
    """Write ``markdown`` as ``fmt`` to ``target``."""
    fmt = check_format(fmt)
    writer = {"html": to_html, "docx": to_docx, "pdf": to_pdf}[fmt]
    return writer(markdown, target, workdir)
