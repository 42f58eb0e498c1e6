"""Ctrl-C that always takes effect, and never lets an interrupted run put its output in place.

Python turns SIGINT into a :class:`KeyboardInterrupt` raised wherever the main thread happens
to be. Where that is a weakref callback, a ``__del__`` or a library that catches broad
exceptions, the interrupt is printed as "Exception ignored" (or wrapped) and the run goes on,
and could even commit its output after the user asked it to stop. So the command line's SIGINT
handler calls :func:`request`, which

* remembers the request: :class:`~impact.outputs.folder.OutputFolder` never commits a run once
  an interrupt was requested (it raises ``KeyboardInterrupt`` instead), and
* raises ``KeyboardInterrupt`` again every :data:`RETRY_SECONDS` (``SIGALRM``) until the
  interrupt has taken effect, i.e. until an exception is unwinding through an output folder or
  the command line (they call :func:`acknowledge`).

Outside the main thread, or where ``setitimer`` is missing, only the first part applies.
"""

from __future__ import annotations

import signal
import threading

__all__ = ["RETRY_SECONDS", "acknowledge", "request", "requested", "reset"]

#: How often an interrupt that was swallowed somewhere is raised again, in seconds.
RETRY_SECONDS = 0.5

_requested = threading.Event()


def _can_repeat() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _again(signum, frame) -> None:
    if _requested.is_set():
        raise KeyboardInterrupt


def request() -> None:
    """Ctrl-C was pressed: remember it and repeat the interrupt until it takes effect."""
    _requested.set()
    if _can_repeat():
        signal.signal(signal.SIGALRM, _again)
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS, RETRY_SECONDS)


def requested() -> bool:
    """Whether Ctrl-C was pressed during this command."""
    return _requested.is_set()


def acknowledge() -> None:
    """The interrupt is being handled (an exception is unwinding): stop repeating it."""
    if _can_repeat():
        signal.setitimer(signal.ITIMER_REAL, 0)


def reset() -> None:
    """Forget any earlier interrupt (a new command starts)."""
    acknowledge()
    _requested.clear()
