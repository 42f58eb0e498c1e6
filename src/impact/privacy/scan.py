"""The privacy scan of published folders: :func:`scan_outputs` and :func:`assert_private`."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from typing_extensions import TypedDict, Unpack

from impact.errors import ImpactError, PrivacyError
from impact.privacy.file_types import scan_file
from impact.privacy.forbidden import Forbidden, prepare_needles
from impact.privacy.report import PrivacyReport

logger = logging.getLogger(__name__)


class ScanOptions(TypedDict, total=False):
    """The keyword options of :func:`scan_outputs`, also taken by :func:`assert_private`."""

    raw_codes: Forbidden
    response_ids: Forbidden
    free_texts: Forbidden
    threshold: int
    exclude: Sequence[str]


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
    needles = prepare_needles(raw_codes, response_ids, free_texts)
    report = PrivacyReport(roots=roots, unchecked=needles.unchecked, threshold=threshold)
    for root in roots:
        if not root.exists():
            continue
        files = [root] if root.is_file() else list(_files(root, exclude))
        for path in files:
            relative = path.name if path == root else path.relative_to(root).as_posix()
            name = f"{root.name}/{relative}" if len(roots) > 1 else relative
            scan_file(path, name, needles, report)
    logger.info("%s", report.summary().splitlines()[0])
    return report


def assert_private(
    directory: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    **options: Unpack[ScanOptions],
) -> PrivacyReport:
    """Like :func:`scan_outputs` (same keyword options), but raise :class:`PrivacyError` if not ok.

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
    report = scan_outputs(directory, **options)
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
