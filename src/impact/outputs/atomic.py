"""Atomic files and directories: nothing half-written ever appears where the user looks.

Writers build their output in a temporary sibling and it is moved into place only when the
block completes without an exception. An interrupted or failed write leaves the previous output
(if any) untouched. These are the building blocks *inside* an output folder; a folder the user
names on the command line goes through :class:`impact.outputs.folder.OutputFolder`, which never
replaces what impact did not write. Temporary names start with ``.impact-staging-``, so an
impact run that finds one left by a killed process in its output folder removes it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from impact.outputs.manifest import STAGING_PREFIX


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _usual_mode(path: Path, directory: bool) -> None:
    """Give a temporary file or folder the mode an ordinary one would get (mkstemp and mkdtemp
    create them private to the owner)."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


@contextlib.contextmanager
def atomic_directory(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary directory that replaces ``target`` only on success.

    Parameters
    ----------
    target : path
        The directory the caller wants to (re)write.

    Yields
    ------
    Path
        A fresh empty directory on the same file system as ``target``; write everything here.
    """
    target = Path(os.path.abspath(target))  # ``.`` and ``..`` have no name of their own
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{target.name}-", dir=target.parent))
    _usual_mode(staging, directory=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    backup = None
    if target.exists():
        backup = target.with_name(f"{STAGING_PREFIX}{target.name}-old-{os.getpid()}")
        os.replace(target, backup)
    os.replace(staging, target)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(target: str | os.PathLike[str], mode: str = "w", **kwargs) -> Iterator:
    """Open a temporary file that replaces ``target`` only when the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{STAGING_PREFIX}{target.name}-", dir=target.parent)
    os.close(fd)
    _usual_mode(Path(tmp), directory=False)
    try:
        with open(tmp, mode, **kwargs) as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
