"""Write the full problem table (one row per problem) to a CSV file beside the input.

The command line shows problems grouped by cause (:mod:`impact.problem_groups`): one line per
cause with three examples. The full table goes to ``impact-problems-<name>.csv`` **beside the
study file** (or beside the data file for ``impact validate --table``), never inside an output
folder, so a failing run still leaves the previous output byte-identical. The file is rewritten
by every failing ``impact validate`` / ``impact run`` of that study and left alone otherwise.

The table holds the offending values as typed in the exports, so it is **personal data**: it is
created readable by its owner only. Linking codes and other identifying fields are never in it
(their problems carry no value). Cells that a spreadsheet would run as a formula are written
with a leading ``'`` (:func:`impact.escaping.write_csv`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from impact.errors import PROBLEM_COLUMNS, InputError, Problem
from impact.escaping import write_csv
from impact.outputs import atomic_file

__all__ = ["problem_table_path", "save_problem_table", "write_problem_table"]

logger = logging.getLogger(__name__)


def problem_table_path(input_path: str | os.PathLike[str], out: Path | None = None) -> Path:
    """Where the problem table of ``input_path`` (a study file or a data file) goes.

    Parameters
    ----------
    input_path : path
        The study file (or the single data file) the problems were found for.
    out : path, optional
        The output folder of the command: the table never goes inside it (it goes beside it
        instead).

    Returns
    -------
    Path
        ``<folder of input_path>/impact-problems-<stem of input_path>.csv``.
    """
    source = Path(input_path).resolve()
    folder = source.parent
    if out is not None:
        out = Path(out).resolve()
        if folder == out or out in folder.parents:
            folder = out.parent
    return folder / f"impact-problems-{source.stem}.csv"


def write_problem_table(problems: Sequence[Problem], path: Path) -> Path | None:
    """Write every problem to ``path`` as CSV (atomically, owner-only); None when it fails.

    Parameters
    ----------
    problems : sequence of Problem
    path : Path
        Usually :func:`problem_table_path`.

    Returns
    -------
    Path or None
        The file written, or None when it could not be written (logged as a warning: the
        problems are still shown on screen).
    """
    frame = InputError("", problems).to_frame().astype({"row": "Int64"})
    try:
        with atomic_file(path, "w", encoding="utf-8", newline="") as handle:
            os.chmod(handle.name, 0o600)
            write_csv(frame, handle, columns=PROBLEM_COLUMNS)
    except OSError as error:
        logger.warning("could not write the problem table %s: %s", path, error)
        return None
    return path


def save_problem_table(
    problems: Sequence[Problem], input_path: str | os.PathLike[str], out: Path | None = None
) -> str:
    """Write the problem table beside ``input_path``; return the sentence that says where.

    Nothing is written (and an empty string returned) when there are no problems or the
    folder of ``input_path`` does not exist.
    """
    if not problems:
        return ""
    path = problem_table_path(input_path, out)
    if not path.parent.is_dir():
        return ""
    written = write_problem_table(problems, path)
    if written is None:
        return ""
    return (
        f"The full table of {len(problems)} problem(s) is in {written} (it may hold values "
        "from the exports: personal data; delete it when the problems are fixed)."
    )
