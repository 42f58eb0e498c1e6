"""One run at a time per output folder: an exclusive lock file naming the run that holds it.

The lock is ``<folder>/.impact-lock``, held with :func:`fcntl.flock` (on Windows a
:func:`msvcrt.locking` byte lock) for the whole run and
holding the pid, host, command and start time. The kernel drops the lock when its process ends,
however it ends (``kill -9`` too), so a lock file left by a dead run is simply taken over (with a
log line naming that run); a live run's lock is refused with a message naming it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import socket
from pathlib import Path

from impact.errors import ImpactError
from impact.outputs.manifest import LOCK_NAME, now_utc

try:
    import fcntl
except ImportError:  # Windows: a byte-range lock on the file instead
    fcntl = None  # type: ignore[assignment]
    import msvcrt

log = logging.getLogger(__name__)

#: ``errno`` values meaning "another process holds the lock".
_HELD = (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, errno.EDEADLK)


def _lock_now(handle: int) -> None:
    """Lock the open file exclusively, without waiting; OSError when another process holds it."""
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows
        msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)


def _describe(holder: dict) -> str:
    """``pid 1234 on host, started 2026-… by `impact run …```, from what a lock file holds."""
    parts = [f"pid {holder.get('pid', '?')}"]
    if holder.get("host") and holder.get("host") != socket.gethostname():
        parts[0] += f" on {holder['host']}"
    if holder.get("started"):
        parts.append(f"started {holder['started']}")
    text = ", ".join(parts)
    if holder.get("command"):
        text += f" by `{holder['command']}`"
    return text


def _read_holder(handle: int) -> dict:
    """What the lock file says about its holder (empty when it cannot be read)."""
    raw = b""
    try:
        os.lseek(handle, 0, os.SEEK_SET)
        while chunk := os.read(handle, 65536):
            raw += chunk
    except OSError:  # Windows refuses to read a locked byte
        return {}
    try:
        holder = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, ValueError):
        holder = {}
    return holder if isinstance(holder, dict) else {}


class OutputLock:
    """The exclusive lock on one output folder (a context manager).

    Parameters
    ----------
    folder : Path
        The output folder (must exist).
    command : str
        The command line, shown to anyone who tries to write the same folder meanwhile.
    """

    def __init__(self, folder: Path, command: str):
        self.folder = folder
        self.path = folder / LOCK_NAME
        self.command = command
        self._handle: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`ImpactError` naming the run that holds it."""
        while True:
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                _lock_now(handle)
            except OSError as error:
                holder = _read_holder(handle)
                os.close(handle)
                if error.errno not in _HELD:
                    raise
                raise ImpactError(
                    f"another impact run ({_describe(holder)}) is writing to {self.folder}; "
                    "wait for it to finish or stop it, then run this command again"
                ) from None
            # the file may have been removed by the run that just released it: lock the new one
            try:
                same = os.fstat(handle).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(handle)
        stale = _read_holder(handle)
        if stale:
            log.warning(
                "taking over the lock of %s left by an impact run that is no longer running (%s)",
                self.folder,
                _describe(stale),
            )
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": self.command,
            "started": now_utc(),
        }
        os.ftruncate(handle, 0)
        os.lseek(handle, 0, os.SEEK_SET)
        os.write(handle, json.dumps(holder).encode("utf-8"))
        self._handle = handle

    def release(self) -> None:
        """Remove the lock file and drop the lock (nothing is left behind)."""
        if self._handle is None:
            return
        with contextlib.suppress(OSError):  # Windows cannot remove an open file: it stays
            os.unlink(self.path)
        os.close(self._handle)
        self._handle = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
