"""Render a results bundle into a report: Quarto when installed, else the same route without it.

:func:`render_report` picks the template from the bundle's kind (``reports/<kind>.qmd``), and
renders one language and format. :func:`render_formats` renders several formats of one
(bundle, language): the document is executed once (:func:`impact.report.qmd.execute_qmd`) in a
scratch folder, and the executed Markdown is converted to every format by Quarto in one run
(:func:`impact.report.quarto.convert_project`; in a batch, while the next documents are
executed) or, without Quarto, by Pandoc and Typst
(:mod:`impact.report.convert`). Each output is checked (:mod:`impact.report.checks`: figures
embedded, pages present) before it counts; each appears in ``out_dir`` only when complete
(:func:`impact.outputs.atomic_file`). Nothing is written into the templates' folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal, get_args

import pandas as pd

from impact.errors import ImpactError
from impact.escaping import safe_filename
from impact.i18n import check_lang
from impact.outputs import atomic_file
from impact.report.bundle import Bundle, load_bundle
from impact.report.checks import check_figure_files, check_output, figures_in
from impact.report.convert import EXTENSIONS, check_format, convert
from impact.report.qmd import ReportError, execute_qmd
from impact.report.quarto import DOCUMENT, convert_project, find_quarto
from impact.resources import reports_dir
from impact.results import Result

log = logging.getLogger(__name__)

Renderer = Literal["auto", "quarto", "fallback"]
RENDERERS: tuple[str, ...] = get_args(Renderer)
FALLBACK_NAME = "jupyter+pandoc"
#: Executed documents that start a Quarto run while the next ones are executed (fewer would
#: pay Quarto's start-up, about a second, for too few documents).
QUARTO_GROUP = 3


@dataclass(frozen=True, repr=False)
class RenderResult(Result):
    """One rendered report.

    Attributes
    ----------
    bundle : Path
        The bundle rendered.
    kind : str
        Template (``programme``, ``rct``, ``power``, ``codebook``).
    lang, fmt : str
        Language and format.
    output : Path
        The file written.
    renderer : str
        ``quarto`` or ``jupyter+pandoc``.
    seconds : float
        Wall time from the start of this (bundle, language)'s execution to this format's
        publication, less the formats published before it (execution, and with Quarto the
        batch's shared conversion run, are counted in the first format).
    """

    bundle: Path
    kind: str
    lang: str
    fmt: str
    output: Path
    renderer: str
    seconds: float
    title: ClassVar[str] = "Rendered report"

    def tidy(self) -> pd.DataFrame:
        """One row: bundle, kind, lang, fmt, output, renderer, seconds."""
        return pd.DataFrame(
            [
                {
                    "bundle": str(self.bundle),
                    "kind": self.kind,
                    "lang": self.lang,
                    "fmt": self.fmt,
                    "output": str(self.output),
                    "renderer": self.renderer,
                    "seconds": self.seconds,
                }
            ]
        )

    def summary(self) -> str:
        """One line: what was written, by which renderer."""
        return f"{self.output} ({self.kind}, {self.lang}, {self.fmt}) rendered with {self.renderer}"


def check_renderer(renderer: object) -> str:
    """Return ``renderer`` if valid (auto, quarto, fallback)."""
    if renderer not in RENDERERS:
        raise ReportError(f"renderer {renderer!r} is not one of {', '.join(RENDERERS)}")
    return str(renderer)


def output_name(bundle_name: str, lang: str, fmt: str) -> str:
    """File name of a report, e.g. ``programme_R01.sv.pdf`` (the bundle name made safe)."""
    return f"{safe_filename(bundle_name)}.{lang}{EXTENSIONS[fmt]}"


def _publish(produced: Path, target: Path) -> Path:
    with atomic_file(target, "wb") as handle, open(produced, "rb") as source:
        shutil.copyfileobj(source, handle)
    return target


def render_formats(
    bundle_dir: str | os.PathLike[str],
    *,
    lang: str,
    formats: Sequence[str],
    out_dir: str | os.PathLike[str],
    renderer: Renderer = "auto",
    templates: str | os.PathLike[str] | None = None,
) -> list[RenderResult]:
    """Render one bundle in one language to several formats.

    Parameters
    ----------
    bundle_dir : path
        A results bundle (validated with :func:`impact.report.bundle.load_bundle`).
    lang : {"sv", "en"}
        Report language.
    formats : sequence of {"html", "docx", "pdf"}
        Output formats.
    out_dir : path
        Where the files go (``<bundle name>.<lang>.<ext>``).
    renderer : {"auto", "quarto", "fallback"}
        ``auto`` uses Quarto when found (``QUARTO_PATH`` or ``PATH``), else the fallback.
    templates : path, optional
        Folder with the ``.qmd`` templates (default the package's ``reports/``).

    Returns
    -------
    list of RenderResult

    Raises
    ------
    ReportError
        The first format that failed (after trying the others).
    """
    outcomes = render_group(
        bundle_dir, lang=lang, formats=formats, out_dir=out_dir, renderer=renderer,
        templates=templates,
    )  # fmt: skip
    for outcome in outcomes.values():
        if isinstance(outcome, Exception):
            raise outcome
    return list(outcomes.values())  # type: ignore[arg-type]


def render_group(
    bundle_dir: str | os.PathLike[str],
    *,
    lang: str,
    formats: Sequence[str],
    out_dir: str | os.PathLike[str],
    renderer: Renderer = "auto",
    templates: str | os.PathLike[str] | None = None,
) -> dict[str, RenderResult | Exception]:
    """Like :func:`render_formats`, but return each format's result *or* error (for batches).

    Errors before any format is tried (bad bundle, failing cell) raise.
    """
    (outcome,) = render_groups(
        [(bundle_dir, lang, out_dir)], formats=formats, renderer=renderer, templates=templates
    )
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def render_groups(
    items: Sequence[tuple[str | os.PathLike[str], str, str | os.PathLike[str]]],
    *,
    formats: Sequence[str],
    renderer: Renderer = "auto",
    templates: str | os.PathLike[str] | None = None,
) -> list[dict[str, RenderResult | Exception] | Exception]:
    """Render several (bundle, language, output folder) items; one outcome per item.

    Each document is executed once in its own folder of one scratch project. With Quarto,
    groups of executed documents are converted by one Quarto run each while the next ones are
    executed (:func:`_execute_while_converting`: Quarto's start-up is paid once per group, not
    per report); without it, each is converted by Pandoc and Typst. An item whose
    preparation failed (bad bundle, failing cell) has that exception as its outcome; otherwise
    its outcome maps each format to its :class:`RenderResult` or error.
    """
    formats = [check_format(f) for f in formats]
    renderer = check_renderer(renderer)
    template_dir = Path(templates) if templates else reports_dir()
    quarto = find_quarto() if renderer != "fallback" else None
    if renderer == "quarto" and quarto is None:
        raise ReportError("renderer 'quarto' asked for, but Quarto is not on PATH or QUARTO_PATH")
    used = "quarto" if quarto is not None else FALLBACK_NAME
    outcomes: list[dict[str, RenderResult | Exception] | Exception] = []
    with tempfile.TemporaryDirectory(prefix="impact-render-") as tmp:
        project = Path(tmp)
        if quarto is None:
            jobs = [_prepare_or_error(item, template_dir, project / f"doc{i}")
                    for i, item in enumerate(items)]  # fmt: skip
        else:
            jobs = _execute_while_converting(quarto, items, formats, template_dir, project)
        for job in jobs:
            if isinstance(job, Exception):
                outcomes.append(job)
                continue
            if quarto is None:
                job.produced = _convert_fallback(job.markdown, job.work, formats)
            outcomes.append(_finish(job, used))
    return outcomes


def _prepare_or_error(
    item: tuple[str | os.PathLike[str], str, str | os.PathLike[str]],
    template_dir: Path,
    work: Path,
) -> _Job | Exception:
    """:func:`_prepare` one (bundle, language, output folder); its error instead of raising."""
    bundle_dir, lang, out_dir = item
    try:
        return _prepare(bundle_dir, lang, out_dir, template_dir, work)
    except ImpactError as error:  # a bad bundle, a failing cell, a missing translation
        log.error("rendering %s (%s) failed: %s", bundle_dir, lang, error)
        return error


def _execute_while_converting(
    quarto: Path,
    items: Sequence[tuple[str | os.PathLike[str], str, str | os.PathLike[str]]],
    formats: Sequence[str],
    template_dir: Path,
    project: Path,
) -> list[_Job | Exception]:
    """Execute the items one after the other while Quarto converts those already executed.

    Quarto (Deno, Pandoc's Lua filters, Typst) and the Jupyter kernels of the next documents
    run at the same time: as soon as :data:`QUARTO_GROUP` documents are executed and no
    Quarto run is going on, they are moved into a project folder of their own and a Quarto
    run starts on them in a background thread; the documents executed meanwhile make the
    next group. Each Quarto run converts its whole group to every format
    (:func:`impact.report.quarto.convert_project`).
    """
    jobs: list[_Job | Exception] = []
    waiting: list[_Job] = []
    runs: list[tuple[list[_Job], Future]] = []

    def start(group: list[_Job]) -> None:
        folder = project / f"quarto{len(runs)}"
        folder.mkdir()
        for job in group:
            job.work = job.work.rename(folder / job.work.name)
        runs.append((group, converter.submit(
            convert_project, quarto, template_dir, folder, [j.work.name for j in group], formats
        )))  # fmt: skip

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="quarto") as converter:
        for i, item in enumerate(items):
            job = _prepare_or_error(item, template_dir, project / f"doc{i}")
            jobs.append(job)
            if isinstance(job, _Job):
                waiting.append(job)
            idle = not runs or runs[-1][1].done()
            if idle and len(waiting) >= QUARTO_GROUP:
                start(waiting)
                waiting = []
        if waiting:
            start(waiting)
        for group, run in runs:
            converted = run.result()
            for job in group:
                job.produced = converted[job.work.name]
    return jobs


@dataclass
class _Job:
    """One (bundle, language) executed into its folder of the scratch project."""

    bundle: Bundle
    lang: str
    out: Path
    work: Path
    markdown: str
    start: float
    produced: dict[str, Path | Exception] = field(default_factory=dict)


def _prepare(
    bundle_dir: str | os.PathLike[str],
    lang: str,
    out_dir: str | os.PathLike[str],
    template_dir: Path,
    work: Path,
) -> _Job:
    """Validate the bundle and execute its template once into ``work``."""
    start = time.perf_counter()
    try:
        check_lang(lang)
    except ValueError as error:
        raise ReportError(str(error)) from None
    bundle = load_bundle(bundle_dir)
    qmd = template_dir / f"{bundle.kind}.qmd"
    if not qmd.is_file():
        raise ReportError(f"no template for bundle kind '{bundle.kind}': {qmd} does not exist")
    parameters = {
        "bundle": str(bundle.path),
        "lang": lang,
        "round": bundle.content.get("round_id") or "",
    }
    work.mkdir()
    markdown, _ = execute_qmd(qmd, parameters, work)
    check_figure_files(figures_in(markdown), work, ("png", "svg"))
    # written last: a document that failed here is not in the project Quarto renders
    (work / DOCUMENT).write_text(markdown, encoding="utf-8")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return _Job(bundle, lang, out, work, markdown, start)


def _finish(job: _Job, used: str) -> dict[str, RenderResult | Exception]:
    """Check each produced file and publish the good ones atomically."""
    figures = len(figures_in(job.markdown))
    results: dict[str, RenderResult | Exception] = {}
    start = job.start
    for fmt, produced in job.produced.items():
        checked = produced if isinstance(produced, Exception) else _checked(produced, fmt, figures)
        if isinstance(checked, Exception):
            log.error("rendering %s (%s, %s) failed: %s", job.bundle.name, job.lang, fmt, checked)
            results[fmt] = checked
            continue
        target = _publish(checked, job.out / output_name(job.bundle.name, job.lang, fmt))
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        log.info("rendered %s with %s in %.1f s", target, used, seconds)
        results[fmt] = RenderResult(job.bundle.path, job.bundle.kind, job.lang, fmt, target, used,
                                    seconds)  # fmt: skip
    return results


def _convert_fallback(
    markdown: str, work: Path, formats: Sequence[str]
) -> dict[str, Path | Exception]:
    """Each format with Pandoc (and Typst)."""
    outcomes: dict[str, Path | Exception] = {}
    for fmt in formats:
        fmt_dir = work / fmt
        fmt_dir.mkdir()
        try:
            outcomes[fmt] = convert(markdown, fmt, fmt_dir / f"report{EXTENSIONS[fmt]}", work)
        except ReportError as error:
            outcomes[fmt] = error
    return outcomes


def _checked(path: Path, fmt: str, figures: int) -> Path | Exception:
    try:
        check_output(path, fmt, figures)
    except ReportError as error:
        return error
    return path


def render_report(
    bundle_dir: str | os.PathLike[str],
    *,
    lang: str,
    fmt: str,
    out_dir: str | os.PathLike[str],
    renderer: Renderer = "auto",
    templates: str | os.PathLike[str] | None = None,
) -> RenderResult:
    """Render one bundle in one language and format (template from the bundle's kind).

    See :func:`render_formats` for the parameters.
    """
    return render_formats(
        bundle_dir, lang=lang, formats=[fmt], out_dir=out_dir, renderer=renderer,
        templates=templates,
    )[0]  # fmt: skip
