"""Every bad input of the catalogue gets a clear answer from the real command line.

For each case (tests/bad_inputs/): build the broken fixture from a clean synthetic study, run
``impact`` in-process through :func:`impact.cli.main.run` (the wrapper that turns user errors
into messages), and check: the exit code; the message names the file / row / column / key and
what was expected; no traceback; the previous output folder is byte-identical (nothing partial
written); the inputs are unchanged. Documented fallbacks (exit 0) run their own checks.
A few cases also run through the installed ``impact`` script in a subprocess.
"""

from __future__ import annotations

import csv
import re

import pytest

from bad_inputs.catalogue import AREAS, all_cases
from bad_inputs.make_doc import DOC, render
from bad_inputs.workspace import Workspace, clean_studies, run_cli, run_script, tree_digest
from impact.errors import PROBLEM_COLUMNS
from impact.outputs import MANIFEST_NAME, OutputFolder

CASES = all_cases()
PREVIOUS = "previous-output.txt"
PROBLEM_TABLE = "impact-problems-"


def _inputs(ws: Workspace) -> dict[str, str]:
    """Digest of the inputs: everything but the output folder and the problem table."""
    return {
        k: v
        for k, v in tree_digest(ws.root).items()
        if not k.startswith("out/") and not k.rsplit("/", 1)[-1].startswith(PROBLEM_TABLE)
    }


def _assert_problem_tables(case, ws: Workspace, argv: list[str], message: str) -> None:
    """Data problems of validate/run go to a table beside the study file, never the output.

    The message names the table, says it is personal data, and the table has one row per
    problem counted in the message.
    """
    tables = list(ws.root.rglob(f"{PROBLEM_TABLE}*.csv"))
    if case.area == "ingest" and str(argv[0]) in ("validate", "run"):
        assert tables, "the full problem table was not written"
    for table in tables:
        assert ws.out not in table.parents, "the problem table was written into the output"
        assert str(table) in message, f"the message does not name {table}"
        assert "personal data" in message
        with table.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and list(rows[0]) == PROBLEM_COLUMNS
        counted = re.search(r"The full table of (\d+) problem", message)
        assert counted and int(counted.group(1)) == len(rows)


def _param(case):
    marks = [pytest.mark.xfail(strict=True, reason=case.bug)] if case.bug else []
    if case.slow:
        marks.append(pytest.mark.slow)
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="session")
def clean(tmp_path_factory):
    return clean_studies(tmp_path_factory.mktemp("clean-studies"))


def _prepare(case, clean, tmp_path) -> tuple[Workspace, list[str], dict, dict]:
    ws = Workspace(tmp_path, clean)
    argv = case.build(ws)
    if case.exit_code != 0 and case.writes:
        # an earlier run's output: a failing run must leave it exactly as it was
        with OutputFolder(ws.out) as earlier:  # written by impact: it carries a manifest
            (earlier.staging / PREVIOUS).write_text("results of an earlier run\n", encoding="utf-8")
    return ws, argv, _inputs(ws), tree_digest(ws.out)


def _assert_outcome(case, ws, argv, outcome, inputs, previous) -> None:
    assert "Traceback" not in outcome.output
    assert "internal error" not in outcome.output, outcome.output
    assert outcome.exit_code == case.exit_code, outcome.output
    message = outcome.message
    missing = [text for text in case.expect if text not in message]
    assert not missing, f"message lacks {missing}:\n{message}"
    for text in case.forbidden:
        assert text not in outcome.output, f"{text!r} must never be shown"
    if case.exit_code != 0:
        assert case.fix is not None and case.fix in message, f"no fix {case.fix!r}:\n{message}"
        _assert_problem_tables(case, ws, argv, message)
        assert tree_digest(ws.out) == previous, "a failing run changed the output folder"
        leftovers = [p.name for p in ws.out.glob(".impact-*") if p.name != MANIFEST_NAME]
        assert not leftovers, f"staging folders or a lock left behind: {leftovers}"
    elif case.check is not None:
        case.check(ws, outcome)
    assert _inputs(ws) == inputs, "the inputs were modified"


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input(case, clean, tmp_path, monkeypatch):
    ws, argv, inputs, previous = _prepare(case, clean, tmp_path)
    if case.patch is not None:
        case.patch(ws, monkeypatch)
    outcome = run_script(argv) if case.isolated else run_cli(argv)
    _assert_outcome(case, ws, argv, outcome, inputs, previous)


SUBPROCESS_CASES = ("unknown-answer-label",)


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS_CASES], ids=lambda c: c.id)
def test_bad_input_through_installed_script(case, clean, tmp_path):
    """The console script (a separate process) behaves as the in-process runner."""
    ws, argv, inputs, previous = _prepare(case, clean, tmp_path)
    outcome = run_script(argv)
    _assert_outcome(case, ws, argv, outcome, inputs, previous)


def test_catalogue_size_and_coverage():
    assert len(CASES) >= 40
    assert len([c for c in CASES if c.exit_code != 0]) >= 80  # issue #18: 80 hostile inputs
    assert {c.area for c in CASES} == set(AREAS)
    for case in CASES:
        assert case.problem and (case.expect or case.fallback), case.id
        assert (case.exit_code == 0) == (case.fallback is not None), case.id
        assert (case.exit_code == 0) == (case.fix is None), case.id
        assert case.fallback is None or case.check is not None, case.id


def test_reliability_doc_is_generated_from_the_catalogue():
    assert DOC.read_text(encoding="utf-8") == render(CASES), (
        "docs/reliability.md is out of date: run .venv/bin/python tests/bad_inputs/make_doc.py"
    )
