"""The catalogue of bad inputs: what is broken, how to break it, what the user must be told.

Each :class:`Case` builds its fixture from a copy of a clean synthetic study (see
:mod:`bad_inputs.workspace`), names the ``impact`` command to run, and states the answer:
either an error (exit code ≠ 0, a message naming the file / row / column / key and what was
expected, no traceback, no output written) or a documented fallback (exit 0, with a note or a
caution flag that the case checks). ``tests/test_bad_inputs.py`` runs every case;
``make_doc.py`` turns the catalogue into ``docs/reliability.md``.

Cases are grouped by module, in ``catalogue_*.py`` files of this package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from bad_inputs.workspace import CliOutcome, Workspace

Area = Literal["ingest", "config", "linking", "indicators", "analyses", "reports", "outputs"]
AREAS: tuple[Area, ...] = (
    "ingest",
    "config",
    "linking",
    "indicators",
    "analyses",
    "reports",
    "outputs",
)


@dataclass(frozen=True)
class Case:
    """One bad input and the answer the user must get.

    Attributes
    ----------
    id : str
        Short unique name (the pytest id).
    area : Area
        Which part of the package reads the input.
    problem : str
        What is wrong with the input, in words (shown in docs/reliability.md).
    build : callable
        ``build(ws) -> argv``: breaks a copy of a clean study in the workspace ``ws`` and
        returns the ``impact`` command line to run (without the program name).
    expect : tuple of str
        Strings the output must contain (file, row, column, key, what was expected).
    fix : str or None
        For an error: how the message tells the user to fix it (must appear in the message;
        required for every error case).
    exit_code : int
        Expected exit code (2 for user errors; 0 for documented fallbacks).
    fallback : str or None
        For cases whose right answer is a documented fallback, what it is.
    check : callable or None
        ``check(ws, outcome)``: extra assertions on the output of a fallback case.
    writes : bool
        Whether the command writes ``ws.out`` (which must then stay absent on failure).
    forbidden : tuple of str
        Strings that must NOT appear in the output (e.g. a raw linking code).
    patch : callable or None
        ``patch(ws, monkeypatch)``: for inputs the command line cannot point at (e.g. a custom
        report template folder), redirect the library to the workspace for this run.
    bug : str or None
        A known bug in another module this case exposes (one line); the test is then marked
        ``xfail(strict=True)`` until the module is fixed.
    slow : bool
        The command runs whole analyses (``impact rct`` / ``impact run``: 10–30 s); the test
        is marked ``slow``.
    isolated : bool
        Run through the installed ``impact`` script in a fresh process (``impact run`` forks
        worker processes, which is unsafe in a test process that already runs threads).
    """

    id: str
    area: Area
    problem: str
    build: Callable[[Workspace], list[str]]
    expect: tuple[str, ...] = ()
    fix: str | None = None
    exit_code: int = 2
    fallback: str | None = None
    check: Callable[[Workspace, CliOutcome], None] | None = None
    writes: bool = True
    forbidden: tuple[str, ...] = ()
    patch: Callable[[Workspace, Any], None] | None = None
    bug: str | None = None
    slow: bool = False
    isolated: bool = False

    @property
    def answer(self) -> str:
        """What the user gets, in words (for the doc table)."""
        if self.fallback is not None:
            return f"fallback (exit {self.exit_code}): {self.fallback}"
        quoted = ", ".join(f"“{s}”" for s in self.expect)
        return f"exit {self.exit_code}; message names {quoted}; fix: “{self.fix}”"


def all_cases() -> list[Case]:
    """Every case of the catalogue, in area order."""
    from bad_inputs import (
        catalogue_adapters,
        catalogue_analyses,
        catalogue_config,
        catalogue_hostile,
        catalogue_indicators,
        catalogue_ingest,
        catalogue_linking,
        catalogue_outputs,
        catalogue_power_study,
        catalogue_reports,
        catalogue_take_up,
    )

    cases = [
        *catalogue_ingest.CASES,
        *catalogue_take_up.CASES,
        *catalogue_hostile.CASES,
        *catalogue_adapters.CASES,
        *catalogue_config.CASES,
        *catalogue_linking.CASES,
        *catalogue_indicators.CASES,
        *catalogue_analyses.CASES,
        *catalogue_power_study.CASES,
        *catalogue_reports.CASES,
        *catalogue_outputs.CASES,
    ]
    ids = [c.id for c in cases]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"catalogue case ids must be unique: {duplicated}")
    return sorted(cases, key=lambda c: AREAS.index(c.area))
