"""Outputs are atomic: an interrupted or failed run leaves the previous outputs byte-identical
and no staging folder or lock behind; inputs are never modified; a completed run replaces only
what impact wrote."""

from __future__ import annotations

import pytest

import impact.pipeline.run as run_module
from bad_inputs.pipeline_runs import pipeline_runs, prepared_programme
from bad_inputs.workspace import run_cli, tree_digest
from impact.errors import ImpactError
from impact.outputs import MANIFEST_NAME, read_manifest

#: Runs the whole pipeline (shared runs: see bad_inputs.pipeline_runs).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return pipeline_runs(tmp_path_factory.mktemp("pipeline-runs"))


@pytest.fixture(params=["programme", "randomised"])
def study(request, runs):
    return runs.studies[request.param]


def test_first_runs_succeeded(study):
    for outcome in study.outcomes:
        assert outcome.exit_code == 0, outcome.output
    assert (study.a / "bundles").is_dir()
    assert any((study.a / "reports").rglob("*.html"))


def test_inputs_are_never_modified(study):
    assert study.inputs_before == study.inputs_after
    assert study.inputs_before  # the inputs were hashed


def _failing(real, error: BaseException, do_real_work: bool):
    """A step that fails; with ``do_real_work`` it first writes its partial output."""

    def step(*args, **kwargs):
        if do_real_work:
            real(*args, **kwargs)
        raise error

    return step


def _in_process(monkeypatch, study) -> None:
    """Use the first run's prepared study and analyses instead of preparing them again."""
    monkeypatch.setattr(run_module, "prepare_study", lambda config: study.prepared)
    monkeypatch.setattr(run_module, "analyse_study", lambda prepared, **kw: study.analyses)


ERRORS = {
    "interrupt": (KeyboardInterrupt(), 130, None),  # message: see test_interrupt_message
    "crash": (RuntimeError("disk on fire"), 1, "internal error"),
    "refused": (ImpactError("refusing to publish: 1 privacy problem(s)"), 2, "refusing"),
}
#: (late step, what goes wrong, do the step's real work first, extra options)
LATE = [
    ("write_bundles", "interrupt", True, []),
    ("write_bundles", "crash", True, []),
    ("render_all", "interrupt", False, []),
    ("assert_private", "refused", False, ["--no-render"]),
]


@pytest.mark.parametrize(("step", "kind", "work", "options"), LATE)
def test_interrupted_run_keeps_previous_outputs(runs, monkeypatch, step, kind, work, options):
    study = prepared_programme(runs)
    target = runs.base / "out" / "programme"
    previous = tree_digest(target)
    assert previous, "the previous output must exist"
    _in_process(monkeypatch, study)
    error, code, message = ERRORS[kind]
    monkeypatch.setattr(run_module, step, _failing(getattr(run_module, step), error, work))
    outcome = run_cli(["run", study.study / "study.yaml", "--out", target, *options])
    assert outcome.exit_code == code, outcome.output
    assert message is None or message in outcome.output
    assert "Traceback" not in outcome.output
    assert tree_digest(target) == previous
    leftovers = [p.name for p in target.glob(".impact-*") if p.name != MANIFEST_NAME]
    assert not leftovers, leftovers
    assert tree_digest(study.study) == study.inputs_before


def test_interrupt_message(runs, monkeypatch):
    study = runs.studies["programme"]
    target = runs.base / "out" / "programme"

    def interrupted(config):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "prepare_study", interrupted)
    outcome = run_cli(["run", study.study / "study.yaml", "--out", target])
    assert outcome.exit_code == 130
    assert "interrupted; no output was changed" in outcome.output


def test_completed_rerun_replaces_impacts_files_and_keeps_the_users(runs, monkeypatch):
    """A successful run replaces what the previous run wrote: impact's files of the old run do
    not linger; a file the user added (also inside impact's folders) stays."""
    study = prepared_programme(runs)
    target = runs.base / "out" / "programme"
    users = target / "bundles" / "my-notes-on-the-bundles.txt"
    users.write_text("mine\n", encoding="utf-8")
    old_reports = [name for name in read_manifest(target).files if name.startswith("reports/")]
    assert old_reports
    _in_process(monkeypatch, study)
    outcome = run_cli(["run", study.study / "study.yaml", "--out", target, "--no-render"])
    assert outcome.exit_code == 0, outcome.output
    assert users.read_text(encoding="utf-8") == "mine\n"
    assert not any((target / name).exists() for name in old_reports)
    assert (target / "bundles").is_dir()
    assert not any(name.startswith("reports/") for name in read_manifest(target).files)
