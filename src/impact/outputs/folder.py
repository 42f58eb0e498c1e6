"""The output contract in one place: check, lock, stage, commit.

``with OutputFolder(out, inputs=…) as folder:`` (or :func:`output_file` for one named file)

1. checks the path before any work (:mod:`impact.outputs.checks`): not the root or the home
   folder, not overlapping an input, empty or written by impact (a manifest), no impact-written
   file changed by the user since;
2. creates the folder if needed and takes its lock (:class:`impact.outputs.lock.OutputLock`),
   finishing a commit an earlier run left cut short;
3. yields ``folder.staging``, a fresh hidden folder inside the output folder, to write into;
4. on success moves the staged files into place, replacing only impact's own earlier files
   (:mod:`impact.outputs.commit`), and writes the new manifest; on any failure or interrupt it
   removes the staging folder, so the previous output is exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
import shutil
import sys
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path

from impact.errors import ImpactError
from impact.outputs import interrupts
from impact.outputs.atomic import atomic_directory
from impact.outputs.checks import (
    check_folder_target,
    check_new_files,
    check_not_input,
    check_owned,
    check_unchanged,
)
from impact.outputs.commit import commit, plan_commit, recover
from impact.outputs.lock import OutputLock
from impact.outputs.manifest import JOURNAL_NAME, STAGING_PREFIX, Manifest, read_manifest

#: Staging folders of the output folders this thread is writing right now.
_STAGING: ContextVar[tuple[Path, ...]] = ContextVar("impact_staging", default=())


def command_line(default: str) -> str:
    """The command being run (``impact run study.yaml --out x``), or ``default`` from Python."""
    if Path(sys.argv[0]).name == "impact":
        return shlex.join(["impact", *sys.argv[1:]])
    return default


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return those created (outermost first)."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()][::-1]
    created = []
    for path in missing:
        try:
            path.mkdir()
        except FileExistsError:
            continue
        created.append(path)
    return created


class OutputFolder:
    """An output folder written under the output contract (a context manager).

    Parameters
    ----------
    path : path
        The folder the user named (``--out``).
    inputs : iterable of paths
        Every input of the command; the folder may not be, contain or sit inside any of them.
    command : str
        What is running (shown in the manifest and to a run that finds the folder locked).
    study : str
        The study's name, for the manifest.
    keep_previous : bool
        Keep impact's earlier files that this run does not write again (``impact report`` adds
        reports); by default a run replaces everything the previous run wrote.
    names : list of str, optional
        Write only these files into a folder that may hold the user's own files (one-file
        outputs such as ``impact indicators --out table.csv``); then the folder need not be
        impact's, but each named file must be new or impact's and unchanged.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        inputs: Iterable[str | os.PathLike[str]] = (),
        command: str = "",
        study: str = "",
        keep_previous: bool = False,
        names: list[str] | None = None,
    ):
        self.given = path
        self.path = Path(path).expanduser().resolve()
        self.inputs = list(inputs)
        self.command = command_line(command)
        self.study = study
        self.keep_previous = keep_previous or names is not None
        self.names = names
        self.staging = self.path / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        self._lock = OutputLock(self.path, self.command)
        self._created: list[Path] = []

    def check(self) -> Manifest | None:
        """Every check that needs no lock; raises :class:`ImpactError`, writes nothing.

        While a commit cut short is pending (a journal), the files are compared with the
        manifest only after it has been finished, under the lock (:meth:`__enter__`).
        """
        pending = (self.path / JOURNAL_NAME).exists()
        if self.names is None:
            check_folder_target(self.path, self.given)
            check_not_input(self.path, self.inputs, f"{self.given} ({self.path})")
            if pending:  # impact's folder, in the middle of a commit
                return read_manifest(self.path)
            manifest = check_owned(self.path, self.given)
            if not self.keep_previous:
                check_unchanged(self.path, manifest)
            return manifest
        if os.path.lexists(self.path) and not self.path.is_dir():
            check_folder_target(self.path, self.given)
        for name in self.names:
            check_not_input(self.path / name, self.inputs, str(self.path / name))
        manifest = read_manifest(self.path) if self.path.is_dir() else None
        if not pending:
            check_new_files(self.path, manifest, self.names)
            check_unchanged(self.path, manifest, self.names)
        return manifest

    def __enter__(self) -> OutputFolder:
        self.check()
        try:
            self._created = _make_folders(self.path)
            self._lock.acquire()
            recover(self.path)
            self.previous = self.check()
            self.staging.mkdir()
        except OSError as error:
            self._release(failed=True)
            raise ImpactError(
                f"cannot write to --out {self.given} ({self.path}): {error.strerror or error}; "
                "choose a folder you may write to"
            ) from None
        except BaseException:
            self._release(failed=True)
            raise
        self._token = _STAGING.set((*_STAGING.get(), self.staging))
        return self

    def __exit__(self, kind, error, traceback) -> None:
        failed = kind is not None
        _STAGING.reset(self._token)
        if failed:
            interrupts.acknowledge()  # the interrupt (or error) has taken effect: clean up calmly
        try:
            if not failed and interrupts.requested():
                # Ctrl-C was swallowed somewhere (a callback, a library): never commit
                interrupts.acknowledge()
                raise KeyboardInterrupt
            if not failed:
                plan = plan_commit(
                    self.path,
                    self.staging,
                    self.previous,
                    keep_previous=self.keep_previous,
                    command=self.command,
                    study=self.study,
                )
                commit(self.path, plan)
        except BaseException:
            failed = True
            raise
        finally:
            self._release(failed)

    def _release(self, failed: bool) -> None:
        if not (self.path / JOURNAL_NAME).exists():  # else the next run finishes the commit
            shutil.rmtree(self.staging, ignore_errors=True)
        self._lock.release()
        if failed:  # a folder this run created goes again if nothing else is in it
            for path in reversed(self._created):
                try:
                    path.rmdir()
                except OSError:
                    break


def output_file(
    path: str | os.PathLike[str],
    *,
    companions: list[str] = (),  # type: ignore[assignment]
    inputs: Iterable[str | os.PathLike[str]] = (),
    command: str = "",
) -> OutputFolder:
    """The contract for one named output file (plus ``companions`` beside it, e.g. a
    ``.meta.json``): the file's folder may hold anything; only these files are replaced, and
    only if impact wrote them. Write them under ``folder.staging`` with the same names."""
    target = Path(path)
    return OutputFolder(
        target.parent,
        inputs=inputs,
        command=command,
        names=[target.name, *companions],
    )


@contextlib.contextmanager
def result_folder(directory: str | os.PathLike[str], *, command: str = "") -> Iterator[Path]:
    """Where a result's ``write(directory)`` writes its files.

    Inside an output folder impact is staging (``impact run``, ``impact rct`` …) the folder is
    built with :func:`impact.outputs.atomic_directory`, as part of that run; anywhere else (a
    notebook calling ``result.write("results/rct")``) it goes through :class:`OutputFolder`, so
    the folder gets a manifest and a folder of the user's is never replaced.
    """
    path = Path(directory).expanduser().resolve()
    if any(path == s or s in path.parents for s in _STAGING.get()):
        with atomic_directory(path) as staging:
            yield staging
        return
    with OutputFolder(path, command=command or f"write({str(directory)!r})") as folder:
        yield folder.staging
