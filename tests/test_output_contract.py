"""The output contract (:mod:`impact.outputs`): manifest, lock, crash-safe commit.

The catalogue (``tests/bad_inputs/catalogue_outputs.py``) points every command at folders impact
must not touch; these tests cover what the catalogue cannot: a second run while the first holds
the lock, a lock left by a killed run, a commit cut short after any of its steps, and
``impact run`` replacing its own earlier files while keeping the user's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

import impact.outputs.commit as commit_module
import impact.pipeline.run as run_module
from bad_inputs.workspace import clean_studies, run_cli, tree_digest
from impact.errors import ImpactError
from impact.outputs import MANIFEST_NAME, OutputFolder, atomic_directory, interrupts, read_manifest
from impact.outputs.commit import commit, plan_commit, recover
from impact.outputs.lock import OutputLock
from impact.outputs.manifest import JOURNAL_NAME, LOCK_NAME
from impact.pipeline.run import RunSummary


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return clean_studies(tmp_path_factory.mktemp("clean-studies"))


def _write(folder, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _output(path, files: dict[str, str], **options) -> None:
    with OutputFolder(path, command="test", **options) as folder:
        _write(folder.staging, files)


def _housekeeping(folder) -> list[str]:
    return sorted(p.name for p in folder.glob(".impact-*") if p.name != MANIFEST_NAME)


@pytest.fixture
def fake_run(monkeypatch):
    """``impact run`` without the pipeline: writes a small output of the usual shape."""
    calls = []

    def write_run(config, staging, final, **kwargs):
        calls.append(staging)
        _write(staging, {"bundles/project/results.json": "{}", "run_summary.csv": "bundle\n"})
        return RunSummary(out_dir=final)

    monkeypatch.setattr(run_module, "write_run", write_run)
    return calls


def test_rerun_replaces_impacts_files_and_keeps_the_users(clean, tmp_path, fake_run):
    out = tmp_path / "out"
    _output(out, {"bundles/old/results.json": "{}", "run_summary.csv": "old\n"})
    _write(out, {"notes.txt": "mine", "bundles/old/my-comments.txt": "mine too"})
    outcome = run_cli(["run", clean.programme / "study.yaml", "--out", out])
    assert outcome.exit_code == 0, outcome.output
    files = tree_digest(out)
    assert "bundles/old/results.json" not in files  # impact's, not written again: removed
    assert (out / "run_summary.csv").read_text() == "bundle\n"  # impact's: replaced
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "bundles/old/my-comments.txt").read_text() == "mine too"
    manifest = read_manifest(out)
    assert sorted(manifest.files) == ["bundles/project/results.json", "run_summary.csv"]
    assert manifest.study == "Jobbsteget Tillsammans (synthetic demo)"
    assert manifest.impact_version and manifest.written_at
    assert _housekeeping(out) == []


def test_dot_works_in_an_empty_folder_and_then_in_its_output(
    clean, tmp_path, fake_run, monkeypatch
):
    out = tmp_path / "empty"
    out.mkdir()
    monkeypatch.chdir(out)
    for _ in range(2):
        outcome = run_cli(["run", clean.programme / "study.yaml", "--out", "."])
        assert outcome.exit_code == 0, outcome.output
    assert sorted(read_manifest(out).files) == ["bundles/project/results.json", "run_summary.csv"]
    assert _housekeeping(out) == []


def test_refusals_come_before_any_work(clean, tmp_path, fake_run):
    users = tmp_path / "users"
    _write(users, {"notes.txt": "mine"})
    outcome = run_cli(["run", clean.programme / "study.yaml", "--out", users])
    assert outcome.exit_code == 2
    assert "impact did not write" in outcome.output and "notes.txt" in outcome.output
    assert fake_run == []  # refused before the pipeline started
    assert tree_digest(users) == {"notes.txt": tree_digest(users)["notes.txt"]}


def test_second_run_is_refused_while_the_first_holds_the_lock(clean, tmp_path, fake_run):
    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(out, "impact run other/study.yaml --out out"):
        outcome = run_cli(["run", clean.programme / "study.yaml", "--out", out])
        assert (out / LOCK_NAME).exists()
    assert outcome.exit_code == 2
    message = " ".join(outcome.output.split())
    assert f"another impact run (pid {os.getpid()}" in message
    assert "by `impact run other/study.yaml --out out`" in message
    assert f"is writing to {out}" in message and "wait for it to finish or stop it" in message
    assert fake_run == []
    assert not (out / LOCK_NAME).exists()  # released by its holder, nothing left


def test_lock_left_by_a_killed_run_is_taken_over(clean, tmp_path, fake_run):
    out = tmp_path / "out"
    _output(out, {"run_summary.csv": "old\n"})
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = {"pid": int(dead.stdout), "host": "", "command": "impact run killed.yaml",
             "started": "2026-01-01T07:12:00+00:00"}  # fmt: skip
    (out / LOCK_NAME).write_text(json.dumps(stale), encoding="utf-8")
    (out / ".impact-staging-1-dead").mkdir()
    (out / ".impact-staging-1-dead" / "half.csv").write_text("partial")
    outcome = run_cli(["run", clean.programme / "study.yaml", "--out", out])
    assert outcome.exit_code == 0, outcome.output
    message = " ".join(outcome.output.split())
    assert "taking over the lock" in message and f"pid {dead.stdout.strip()}" in message
    assert "impact run killed.yaml" in message
    assert _housekeeping(out) == []


def _plan(tmp_path):
    """An earlier output (a, b, c) and a staged new one (a, d, sub/e): a planned commit."""
    out = tmp_path / "out"
    _output(out, {"a.csv": "old a", "b.csv": "old b", "sub/c.csv": "old c"})
    _write(out, {"mine.txt": "the user's"})
    staging = out / ".impact-staging-test"
    _write(staging, {"a.csv": "new a", "d.csv": "new d", "sub/e.csv": "new e"})
    previous = read_manifest(out)
    plan = plan_commit(out, staging, previous, keep_previous=False, command="t", study="s")
    return out, plan


NEW = {"a.csv": "new a", "d.csv": "new d", "sub/e.csv": "new e", "mine.txt": "the user's"}


def _texts(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".impact-") for part in p.parts)
    }


@pytest.mark.parametrize("steps", range(9))
def test_commit_cut_short_after_any_step_is_rolled_forward(tmp_path, monkeypatch, steps):
    """``kill -9`` during the commit: the next run finishes it from the journal."""
    out, plan = _plan(tmp_path)
    done = []

    def crash_after(real):
        def step(*args, **kwargs):
            if len(done) == steps:
                raise SystemExit("killed")  # stands for kill -9: nothing after this runs
            done.append(args)
            return real(*args, **kwargs)

        return step

    monkeypatch.setattr(commit_module.os, "replace", crash_after(os.replace))
    monkeypatch.setattr(commit_module.Path, "unlink", crash_after(commit_module.Path.unlink))
    try:
        commit(out, plan)
    except SystemExit:
        pass
    monkeypatch.undo()
    if steps == 0:  # killed before the journal was in place: the earlier output is intact
        assert not (out / JOURNAL_NAME).exists()
        assert _texts(out) == {
            "a.csv": "old a", "b.csv": "old b", "sub/c.csv": "old c", "mine.txt": "the user's"
        }  # fmt: skip
    recover(out)
    if steps == 0:
        return
    assert _texts(out) == NEW
    assert sorted(read_manifest(out).files) == ["a.csv", "d.csv", "sub/e.csv"]
    assert _housekeeping(out) == []


def test_commit_refuses_a_new_file_where_the_user_has_one(tmp_path):
    out = tmp_path / "out"
    _output(out, {"a.csv": "old"})
    _write(out, {"d.csv": "the user's own d"})
    with pytest.raises(ImpactError, match="d.csv is a file impact did not write"):
        _output(out, {"a.csv": "new", "d.csv": "impact's d"})
    assert (out / "d.csv").read_text() == "the user's own d"
    assert (out / "a.csv").read_text() == "old"
    assert _housekeeping(out) == []


def test_added_reports_keep_earlier_ones(tmp_path):
    out = tmp_path / "reports"
    _output(out, {"a.sv.html": "sv"}, keep_previous=True)
    _output(out, {"a.en.html": "en"}, keep_previous=True)
    assert _texts(out) == {"a.sv.html": "sv", "a.en.html": "en"}
    assert sorted(read_manifest(out).files) == ["a.en.html", "a.sv.html"]


def test_one_file_output_leaves_the_rest_of_the_folder_alone(tmp_path):
    from impact.outputs import output_file

    folder = tmp_path / "work"
    _write(folder, {"panel.csv": "input", "notes.txt": "mine"})
    for text in ("first", "second"):
        with output_file(folder / "ind.csv", inputs=[folder / "panel.csv"]) as out:
            _write(out.staging, {"ind.csv": text})
    assert _texts(folder) == {"panel.csv": "input", "notes.txt": "mine", "ind.csv": "second"}
    with pytest.raises(ImpactError, match="notes.txt already exist"):
        with output_file(folder / "notes.txt"):
            pass
    with pytest.raises(ImpactError, match="is the input"):
        with output_file(folder / "panel.csv", inputs=[folder / "panel.csv"]):
            pass


def test_failed_run_into_a_new_folder_leaves_nothing(tmp_path):
    target = tmp_path / "new" / "deeper"
    with pytest.raises(KeyboardInterrupt):
        with OutputFolder(target) as folder:
            _write(folder.staging, {"a.csv": "x"})
            raise KeyboardInterrupt
    assert not (tmp_path / "new").exists()


def test_atomic_directory_accepts_dot(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    with atomic_directory(".") as staging:
        (staging / "x.txt").write_text("x")
    assert (tmp_path / "sub" / "x.txt").read_text() == "x"


def test_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path, monkeypatch):
    import impact.outputs.folder as folder_module

    def refused(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(folder_module, "_make_folders", refused)
    with pytest.raises(ImpactError, match="cannot write to --out .*Permission denied; choose a"):
        with OutputFolder(tmp_path / "out"):
            pass


@pytest.mark.parametrize("earlier", [True, False], ids=["earlier-output", "new-folder"])
def test_a_commit_that_fails_halfway_is_finished_by_the_next_run(tmp_path, monkeypatch, earlier):
    """An error during the renames (disk full) keeps the journal and the staging folder."""
    out = tmp_path / "out"
    if earlier:
        _output(out, {"a.csv": "old a", "b.csv": "old b"})
    calls, real_replace = [], os.replace

    def replace_then_fail(source, target):
        calls.append(target)
        if len(calls) == 3:  # journal, then a.csv, then fail
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(commit_module.os, "replace", replace_then_fail)
    with pytest.raises(OSError, match="No space left"):
        _output(out, {"a.csv": "new a", "c.csv": "new c"})
    monkeypatch.undo()
    assert (out / JOURNAL_NAME).exists()
    _output(out, {"d.csv": "next run"})  # takes the lock, rolls the commit forward, then runs
    assert _texts(out) == {"d.csv": "next run"}
    assert _housekeeping(out) == []


@pytest.mark.parametrize("late", [False, True], ids=["swallowed-at-the-end", "swallowed-mid-run"])
def test_a_swallowed_ctrl_c_never_commits_the_run(tmp_path, late):
    """A KeyboardInterrupt that a callback or a library swallows must still stop the run: the
    folder never commits after Ctrl-C, and the interrupt is raised again until it takes effect."""
    out = tmp_path / "out"
    with OutputFolder(out) as earlier:
        (earlier.staging / "result.txt").write_text("earlier run", encoding="utf-8")
    interrupts.reset()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt), OutputFolder(out) as folder:
            (folder.staging / "result.txt").write_text("interrupted run", encoding="utf-8")
            try:  # what the SIGINT handler does, inside code that swallows the interrupt
                interrupts.request()
                raise KeyboardInterrupt
            except KeyboardInterrupt:
                pass
            if late:
                time.sleep(5)  # the interrupt comes again within RETRY_SECONDS
    finally:
        interrupts.reset()
    assert time.monotonic() - started < 2
    assert (out / "result.txt").read_text(encoding="utf-8") == "earlier run"
    assert [p.name for p in out.iterdir() if p.name.startswith(".impact-")] == [MANIFEST_NAME]


@pytest.mark.parametrize(
    "field, value",
    [("remove", ["../outside.txt"]), ("install", ["/etc/passwd"]), ("staging", "../elsewhere")],
)
def test_a_damaged_journal_is_refused_not_followed(tmp_path, field, value):
    """The journal decides what is moved and deleted: a path in it that leaves the folder
    stops the recovery, and nothing outside the folder is touched."""
    outside = tmp_path / "outside.txt"
    outside.write_text("a file of the user's", encoding="utf-8")
    out = tmp_path / "out"
    with OutputFolder(out) as earlier:
        (earlier.staging / "result.txt").write_text("earlier run", encoding="utf-8")
    manifest = (out / MANIFEST_NAME).read_text(encoding="utf-8")
    journal = {"staging": ".impact-staging-1-x", "install": [], "remove": [], "manifest": manifest}
    journal[field] = value
    (out / JOURNAL_NAME).write_text(json.dumps(journal), encoding="utf-8")
    with pytest.raises(ImpactError, match="is damaged"):
        recover(out)
    assert outside.read_text(encoding="utf-8") == "a file of the user's"
    assert (out / "result.txt").read_text(encoding="utf-8") == "earlier run"
