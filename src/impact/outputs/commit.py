"""Move a finished staging folder into an output folder, file by file, crash-safely.

The commit replaces only files impact wrote (listed in the previous manifest); every other file
stays. Before the first rename a journal (``.impact-journal.json``) records the whole plan; it is
removed after the last step. Every step is idempotent, so a commit cut short (``kill -9``, power
loss after the journal reached the disk) is rolled forward by the next impact command that takes
the folder's lock (:func:`recover`): the folder then holds exactly the new run's files.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from impact._version import __version__
from impact.errors import ImpactError
from impact.outputs.manifest import (
    JOURNAL_NAME,
    MANIFEST_NAME,
    STAGING_PREFIX,
    Manifest,
    describe_tree,
    now_utc,
    safe_relative,
)

log = logging.getLogger(__name__)


@dataclass
class CommitPlan:
    """What a commit does: files to move in from staging, old files to remove, new manifest."""

    staging: str
    install: list[str]
    remove: list[str]
    manifest: Manifest

    def to_json(self) -> str:
        """The journal's text."""
        return json.dumps(
            {
                "staging": self.staging,
                "install": self.install,
                "remove": self.remove,
                "manifest": self.manifest.to_json(),
            }
        )

    @classmethod
    def from_json(cls, text: str, source: Path) -> CommitPlan:
        """Read a journal (written whole by :func:`_write_durably`, so never half a file).

        Every path in it must stay inside the folder, as in a manifest: the journal decides
        what is moved and deleted, so a damaged one is refused, never followed.
        """
        try:
            content = json.loads(text)
            staging = str(content["staging"])
            if Path(staging).name != staging or not staging.startswith(STAGING_PREFIX):
                raise ValueError(f"the staging entry {staging!r} is not a staging folder")
            return cls(
                staging=staging,
                install=[safe_relative(name) for name in content["install"]],
                remove=[safe_relative(name) for name in content["remove"]],
                manifest=Manifest.from_json(content["manifest"], source),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ImpactError(
                f"{source} is damaged ({error}), so impact cannot finish the earlier run's "
                f"commit into {source.parent}; it will not move or delete anything there. Move "
                "the files you want to keep elsewhere and delete the folder yourself."
            ) from None


def _conflict(folder: Path, name: str, previous: Manifest | None) -> str | None:
    """Why the new file ``name`` cannot be put in place, or None when it can."""
    target = folder / name
    parent = target.parent
    while parent != folder:
        if os.path.lexists(parent) and (parent.is_symlink() or not parent.is_dir()):
            return f"{parent} is a file of yours where impact needs a folder"
        parent = parent.parent
    if not os.path.lexists(target):
        return None
    if target.is_dir() and not target.is_symlink():
        return f"{target} is a folder of yours where impact writes a file"
    if previous is None or name not in previous.files:
        return f"{target} is a file impact did not write"
    if not previous.files[name].matches(target):
        return f"{target} was written by impact but has been changed since"
    return None


def plan_commit(
    folder: Path,
    staging: Path,
    previous: Manifest | None,
    *,
    keep_previous: bool,
    command: str,
    study: str,
) -> CommitPlan:
    """Plan moving ``staging`` into ``folder``; refuse if any file of the user's is in the way.

    Parameters
    ----------
    keep_previous : bool
        Keep impact's earlier files that this run did not write again (``impact report`` adds
        reports to a folder); otherwise they are removed (a run replaces the previous run).
    """
    new = describe_tree(staging)
    problems = [p for name in sorted(new) if (p := _conflict(folder, name, previous))]
    old = previous.files if previous is not None else {}
    kept = {
        name: record
        for name, record in old.items()
        if name not in new and record.matches(folder / name)
    }
    if not keep_previous:
        problems += [
            f"{folder / name} was written by impact but has been changed since"
            for name, record in sorted(old.items())
            if name not in new
            and os.path.lexists(folder / name)
            and not record.matches(folder / name)
        ]
    if problems:
        raise ImpactError(
            "impact will not replace files it did not write (or that were changed after it wrote "
            f"them), and nothing in {folder} was changed:\n"
            + "\n".join(f"  - {p}" for p in problems)
            + "\nMove these out of the folder (or choose another --out) and run again."
        )
    files = {**kept, **new} if keep_previous else dict(new)
    manifest = Manifest(files, __version__, command, study, now_utc())
    remove = [] if keep_previous else sorted(kept)
    return CommitPlan(staging.name, sorted(new), remove, manifest)


def _write_durably(path: Path, text: str) -> None:
    """Write ``path`` whole (temporary housekeeping file, fsync, rename)."""
    tmp = path.with_name(f"{STAGING_PREFIX}{path.name}-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _prune_empty(folder: Path, directory: Path) -> None:
    """Remove ``directory`` and its parents below ``folder`` while they are empty."""
    while directory != folder and folder in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def apply_plan(folder: Path, plan: CommitPlan) -> None:
    """Carry out (or finish) a journalled commit; safe to repeat after any interruption."""
    staging = folder / plan.staging
    for name in plan.install:
        source = staging / name
        if os.path.lexists(source):
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for name in plan.remove:
        target = folder / name
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        _prune_empty(folder, target.parent)
    _write_durably(folder / MANIFEST_NAME, plan.manifest.to_json())
    shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        (folder / JOURNAL_NAME).unlink()


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold back Ctrl-C while the renames run (milliseconds), so a commit is never cut in half
    by it; an interrupt that arrived meanwhile is dropped with a note: the run is complete."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "sigtimedwait"
    ):  # elsewhere an interrupt during the renames is finished by the next run (journal)
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if signal.SIGINT in signal.sigpending():
            signal.sigtimedwait({signal.SIGINT}, 0)
            log.warning(
                "interrupted while the finished output was being put in place; it is complete"
            )
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def commit(folder: Path, plan: CommitPlan) -> None:
    """Write the journal, then move the new files in and the old ones out."""
    with _interrupts_deferred():
        _write_durably(folder / JOURNAL_NAME, plan.to_json())
        apply_plan(folder, plan)
    log.info(
        "wrote %d file(s) to %s; removed %d file(s) of the previous run",
        len(plan.install),
        folder,
        len(plan.remove),
    )


def recover(folder: Path, own_staging: str | None = None) -> None:
    """Finish a commit cut short, and remove staging left by runs that were killed.

    Call only while holding the folder's lock.
    """
    journal = folder / JOURNAL_NAME
    if journal.exists():
        plan = CommitPlan.from_json(journal.read_text(encoding="utf-8"), journal)
        log.warning(
            "finishing the interrupted commit of an earlier run into %s (%s)",
            folder,
            plan.manifest.command or "unknown command",
        )
        apply_plan(folder, plan)
    for entry in folder.iterdir():
        if entry.name.startswith(STAGING_PREFIX) and entry.name != own_staging:
            log.info("removing %s, left by an impact run that was stopped", entry)
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
