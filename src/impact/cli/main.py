"""Entry point of the ``impact`` command: builds the Typer app and turns user errors into messages.

Each sub-command lives in its own module under :mod:`impact.cli` and exposes
``register(app)``. Errors caused by the user (:class:`impact.errors.ImpactError`) are printed
as a clear message with a non-zero exit code and no traceback; ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import importlib
import logging
import signal
import sys
import threading

import typer
from rich.console import Console
from rich.markup import escape

from impact.errors import ImpactError
from impact.outputs import interrupts

COMMAND_MODULES = (
    "impact.cli.synth",
    "impact.cli.validate",
    "impact.cli.mapping",
    "impact.cli.link",
    "impact.cli.indicators",
    "impact.cli.power",
    "impact.cli.rct",
    "impact.cli.report",
    "impact.cli.pipeline",
)

app = typer.Typer(
    name="impact",
    help="Outcome evaluation and impact analysis of employment programmes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)
_state = {"debug": False}


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
) -> None:
    """Outcome evaluation and impact analysis of employment programmes."""
    _state["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else (logging.INFO if verbose else logging.WARNING),
        format="%(levelname)s %(name)s: %(message)s",
    )


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def _on_interrupt(signum, frame) -> None:
    """Ctrl-C: remember it (a library may wrap the KeyboardInterrupt in its own error)."""
    interrupts.request()  # repeated until it takes effect; no output is committed after it
    raise KeyboardInterrupt


def _unraisable(unraisable) -> None:
    """A Ctrl-C swallowed where Python cannot raise it (a weakref callback, ``__del__``) is
    not news for the user: :mod:`impact.outputs.interrupts` raises it again. Anything else goes
    to Python's usual report."""
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        logging.getLogger(__name__).debug("interrupt swallowed in %r; raised again", unraisable)
        return
    sys.__unraisablehook__(unraisable)


def _interrupted(error: BaseException) -> bool:
    """True after Ctrl-C, or when ``error`` was caused by a KeyboardInterrupt down its chain."""
    if interrupts.requested():
        return True
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def run(argv: list[str] | None = None) -> None:
    """Run the command line; the console script ``impact`` calls this.

    Click handles usage errors (exit 2) and ``--help`` itself in standalone mode and ends with
    ``SystemExit``; errors caused by the user's input are printed here without a traceback.
    """
    interrupts.reset()
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _on_interrupt) if main_thread else None
    previous_hook, sys.unraisablehook = sys.unraisablehook, _unraisable
    try:
        _run_app(argv)
    finally:
        interrupts.reset()
        sys.unraisablehook = previous_hook
        if main_thread and previous is not None:
            signal.signal(signal.SIGINT, previous)


def _run_app(argv: list[str] | None) -> None:
    """Run the app; turn user errors and interrupts into messages and exit codes."""
    try:
        app(args=argv, standalone_mode=True)
    except SystemExit as done:
        if done.code == 130:  # typer turns Ctrl-C into exit code 130
            err_console.print("interrupted; no output was changed")
        raise
    except ImpactError as error:
        if _state["debug"]:
            raise
        err_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:  # outside a command (e.g. while importing)
        err_console.print("interrupted; no output was changed")
        sys.exit(130)
    except Exception as error:  # a bug in impact, not the user's fault
        if _state["debug"]:
            raise
        if _interrupted(error):  # Ctrl-C that a library (Splink) wrapped in its own error
            err_console.print("interrupted; no output was changed")
            sys.exit(130)
        err_console.print(
            f"[bold red]internal error:[/] {escape(type(error).__name__)}: {escape(str(error))}\n"
            "This is a bug in impact; rerun with --debug for the traceback and report it.",
            highlight=False,
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    run()
