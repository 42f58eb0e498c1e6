"""Render many bundles × languages × formats in parallel processes, past failures.

Each (bundle, language) is executed once and converted to every format from that. Without
Quarto each one is a task; with Quarto a task holds up to :data:`QUARTO_CHUNK` of them (the
same number of tasks for every worker), and Quarto converts the executed ones in groups while
the next are executed (:func:`impact.report.render.render_groups`: Quarto's start-up, a
second or two per run, is paid once per group, and kernels and Quarto run at the same time).
Tasks run in ``spawn``ed worker processes (default 2); a failing task or format is
recorded and the batch goes on; Ctrl-C terminates the workers at once. The caller (the CLI)
shows a progress bar and exits non-zero when anything failed.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from impact.errors import ImpactError
from impact.i18n import check_lang
from impact.outputs import interrupts
from impact.report.bundle import RESULTS_FILE
from impact.report.convert import check_format
from impact.report.qmd import ReportError
from impact.report.quarto import find_quarto
from impact.report.render import Renderer, RenderResult, check_renderer, render_groups
from impact.results import Result

log = logging.getLogger(__name__)

#: ``prctl`` option: the signal a process gets when its parent dies (``<linux/prctl.h>``).
_PR_SET_PDEATHSIG = 1
#: Most (bundle, language) items one worker hands to one Quarto run.
QUARTO_CHUNK = 12


@dataclass(frozen=True)
class RenderFailure:
    """A render that failed: which bundle, language and format, and why."""

    bundle: Path
    lang: str
    fmt: str
    error: str


@dataclass(frozen=True, repr=False)
class BatchResult(Result):
    """Outcome of :func:`render_all`.

    Attributes
    ----------
    results : tuple of RenderResult
        Successful renders.
    failures : tuple of RenderFailure
        Failed renders with the error message.
    seconds : float
        Wall time of the batch.
    workers : int
        Worker processes used.
    """

    results: tuple[RenderResult, ...]
    failures: tuple[RenderFailure, ...]
    seconds: float
    workers: int
    title: ClassVar[str] = "Batch render"

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def tidy(self) -> pd.DataFrame:
        """One row per render: bundle, lang, fmt, status (ok/failed), output, renderer, error."""
        rows = [
            {"bundle": str(r.bundle), "lang": r.lang, "fmt": r.fmt, "status": "ok",
             "output": str(r.output), "renderer": r.renderer, "error": ""}
            for r in self.results
        ] + [
            {"bundle": str(f.bundle), "lang": f.lang, "fmt": f.fmt, "status": "failed",
             "output": "", "renderer": "", "error": f.error}
            for f in self.failures
        ]  # fmt: skip
        columns = ["bundle", "lang", "fmt", "status", "output", "renderer", "error"]
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> str:
        """Counts, time, renderer, and every failure with its reason."""
        renderers = sorted({r.renderer for r in self.results}) or ["-"]
        lines = [
            f"{len(self.results)} report(s) rendered, {len(self.failures)} failed, in "
            f"{self.seconds:.1f} s with {self.workers} worker(s) (renderer: {', '.join(renderers)})"
        ]
        for f in self.failures:
            lines.append(f"  FAILED {f.bundle.name} [{f.lang}, {f.fmt}]: {f.error}")
        return "\n".join(lines)


def find_bundles(root: str | os.PathLike[str]) -> list[Path]:
    """Bundle directories at or below ``root`` (folders holding ``results.json``), sorted."""
    root = Path(root)
    if not root.is_dir():
        raise ImpactError(f"bundles folder {root} does not exist")
    if (root / RESULTS_FILE).is_file():
        return [root]
    found = sorted(p.parent for p in root.rglob(RESULTS_FILE))
    if not found:
        raise ImpactError(f"no results bundle (a folder with {RESULTS_FILE}) under {root}")
    return found


def _task(
    items: list[tuple[str, str, str]], formats: list[str], renderer: str
) -> tuple[list[RenderResult], list[RenderFailure]]:
    """Render (bundle, language, output folder) items; never raises."""
    try:
        outcomes = render_groups(items, formats=formats, renderer=renderer)  # type: ignore[arg-type]
    except Exception as error:  # the whole task failed: every format fails with this reason
        outcomes = [error] * len(items)
    done: list[RenderResult] = []
    failed: list[RenderFailure] = []
    for (bundle, lang, _), outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, Exception):
            message = _message(outcome)
            failed += [RenderFailure(Path(bundle), lang, fmt, message) for fmt in formats]
            continue
        done += [o for o in outcome.values() if isinstance(o, RenderResult)]
        failed += [
            RenderFailure(Path(bundle), lang, fmt, _message(o))
            for fmt, o in outcome.items()
            if isinstance(o, Exception)
        ]
    return done, failed


def _worker_setup() -> None:
    """Worker start-up: Ctrl-C is the parent's to handle (it stops the workers itself), and on
    Linux a worker is sent SIGTERM when the parent dies (even by ``kill -9``), so no orphan
    goes on rendering into a folder nobody will use."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the parent died while we started
        os._exit(1)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and terminate the worker processes now (``kill`` after 2 s)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=2)
        if process.is_alive():
            process.kill()
            process.join(timeout=1)


def _in_workers(tasks: list[tuple], workers: int, collect: Callable[[tuple], None]) -> None:
    """Run the tasks in ``spawn``ed worker processes, collecting outcomes as they finish.

    On Ctrl-C (or any error) in this process the workers are terminated at once, so the
    command stops within seconds; their Jupyter kernels notice their parent is gone and exit.
    """
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_setup)
    try:
        pending: set[Future] = {pool.submit(_task, *task) for task in tasks}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                collect(future.result())
    except BaseException:
        interrupts.acknowledge()  # a Ctrl-C has taken effect: stop the workers undisturbed
        log.info("stopping the rendering workers")
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _message(error: Exception) -> str:
    return str(error) if isinstance(error, ImpactError) else f"{type(error).__name__}: {error}"


def chunk_size(tasks: int, workers: int, renderer: str) -> int:
    """(bundle, language) items per worker task: one with the fallback; with Quarto at most
    :data:`QUARTO_CHUNK`, so that one Quarto start-up serves several reports, and sized so
    that every worker gets the same number of tasks."""
    if renderer == "fallback" or find_quarto() is None:
        return 1
    per_worker = math.ceil(tasks / (workers * QUARTO_CHUNK))
    return max(1, math.ceil(tasks / (workers * per_worker)))


def _checked_request(
    bundle_dirs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    langs: Sequence[str],
    formats: Sequence[str],
    renderer: Renderer,
    workers: int,
) -> tuple[list[Path], list[str], list[str], Renderer]:
    """Check :func:`render_all`'s request; return the resolved bundles, languages, formats
    and renderer."""
    if isinstance(bundle_dirs, str | os.PathLike):
        bundles = [b.resolve() for b in find_bundles(bundle_dirs)]
    else:
        bundles = [Path(b).resolve() for b in bundle_dirs]
    if not bundles:
        raise ImpactError("render_all: no bundles given")
    try:
        checked_langs: list[str] = [check_lang(lang) for lang in langs]
    except ValueError as error:
        raise ReportError(str(error)) from None
    checked_formats = [check_format(f) for f in formats]
    renderer = check_renderer(renderer)  # type: ignore[assignment]
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ImpactError(f"workers must be a positive integer, got {workers!r}")
    names = [b.name for b in bundles]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise ImpactError(f"bundle folder names must be unique in a batch; repeated: {clash}")
    return bundles, checked_langs, checked_formats, renderer


def render_all(
    bundle_dirs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    langs: Sequence[str] = ("sv", "en"),
    formats: Sequence[str] = ("html", "docx", "pdf"),
    out_dir: str | os.PathLike[str],
    workers: int = 2,
    renderer: Renderer = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Render every bundle × language × format.

    Parameters
    ----------
    bundle_dirs : path or iterable of paths
        Bundle directories, or one folder searched for bundles (:func:`find_bundles`).
    langs, formats : sequences
        Languages (sv, en) and formats (html, docx, pdf).
    out_dir : path
        Output root; each bundle's reports go to ``out_dir/<bundle folder name>/``.
    workers : int
        Worker processes (1 renders in this process).
    renderer : {"auto", "quarto", "fallback"}
        As for :func:`impact.report.render.render_report`.
    progress : callable(done, total), optional
        Called after each finished task with the number of renders done so far and the total.

    Returns
    -------
    BatchResult
        Failures are collected, not raised; check ``result.ok``.
    """
    bundles, langs, formats, renderer = _checked_request(
        bundle_dirs, langs, formats, renderer, workers
    )
    out = Path(out_dir)
    items = [(str(b), lang, str(out / b.name)) for b in bundles for lang in langs]
    size = chunk_size(len(items), workers, renderer)
    # every n-th item to the same task, so that each task gets as many of the big reports
    # (an RCT, a whole project) as the others and no worker is left with the longest ones
    count = math.ceil(len(items) / size)
    tasks = [(items[i::count], list(formats), renderer) for i in range(count)]
    total = len(items) * len(formats)
    start = time.perf_counter()
    results: list[RenderResult] = []
    failures: list[RenderFailure] = []
    done_count = 0

    def collect(outcome: tuple[list[RenderResult], list[RenderFailure]]) -> None:
        nonlocal done_count
        ok, bad = outcome
        results.extend(ok)
        failures.extend(bad)
        done_count += len(ok) + len(bad)
        if progress is not None:
            progress(done_count, total)

    if workers == 1:
        for task in tasks:
            collect(_task(*task))
    else:
        _in_workers(tasks, workers, collect)
    order = {(b, lang): i for i, (b, lang, _) in enumerate(items)}
    results.sort(key=lambda r: (order.get((str(r.bundle), r.lang), 0), formats.index(r.fmt)))
    seconds = time.perf_counter() - start
    batch = BatchResult(tuple(results), tuple(failures), seconds, workers)
    log.info("%s", batch.summary())
    return batch
