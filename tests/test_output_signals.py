"""Ctrl-C, ``kill -9`` and a second run, against the real ``impact run`` in a subprocess.

A small synthetic study (``impact synth programme --n 60``, one HTML report per bundle) is run
once to make the "previous output". Then, for each stage of a run (preparing, analysing, writing
bundles, rendering with worker processes), ``impact -v run`` is started into the same folder,
the stage's log line is awaited, and SIGINT or SIGKILL is sent. SIGINT must end the command
within 5 s with exit code 130 and "interrupted; no output was changed"; after either signal the
previous output must be byte-identical, and nothing may be left that blocks the next run (after
SIGINT nothing at all; after SIGKILL only the lock file and staging folder, which the next run
takes over and removes). A second run started while the first holds the folder is refused at
once with a message naming the first. Marked ``slow``: about ten runs of the small study.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from bad_inputs.workspace import edit_yaml, run_script, tree_digest
from impact.outputs import MANIFEST_NAME

pytestmark = pytest.mark.slow

IMPACT = str(Path(sys.executable).with_name("impact"))

#: The log line (``impact -v``) that starts each stage of ``impact run``.
STAGES = {
    "prepare": "impact.pipeline.run: preparing the study",
    "analyse": "impact.pipeline.run: analysing",
    "bundles": "impact.pipeline.run: writing the analyst-only tables",
    "render": "impact.pipeline.run: rendering the reports",
}


def _small_report(doc: dict) -> None:
    doc["report"].update({"per_round": False, "languages": ["en"], "formats": ["html"]})


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    from impact.synth.demo import write_synthetic

    base = tmp_path_factory.mktemp("signals")
    write_synthetic("programme", base / "study", n=60, seed=5)
    config = base / "study" / "study.yaml"
    edit_yaml(config, _small_report)
    out = base / "out"
    first = run_script(["run", config, "--out", out])
    assert first.exit_code == 0, first.output
    return SimpleNamespace(config=config, out=out, previous=tree_digest(out), names=_names(out))


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class Run:
    """``impact -v run`` in a subprocess, its stderr read line by line in a thread."""

    def __init__(self, config: Path, out: Path):
        self.process = subprocess.Popen(
            [IMPACT, "-v", "run", str(config), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, text: str, timeout: float = 300) -> None:
        """Block until a stderr line contains ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if line is None:
                raise AssertionError(f"the run ended before {text!r}:\n{self.stderr}")
            self.seen.append(line)
            if text in line:
                return
        raise AssertionError(f"no {text!r} within {timeout} s:\n{self.stderr}")

    def finish(self, timeout: float = 60) -> int:
        """Wait for the exit code, then for the end of stderr: it ends only when every child
        process holding it (render workers) has ended too."""
        code = self.process.wait(timeout=timeout)
        while (line := self.lines.get(timeout=30)) is not None:
            self.seen.append(line)
        return code

    @property
    def stderr(self) -> str:
        return "".join(self.seen)


def _left_by_a_kill(name: str) -> bool:
    """The lock file and staging folder a killed run leaves (the next run takes them over)."""
    return name == ".impact-lock" or name.startswith(".impact-staging-")


def _previous_output_intact(study, *, housekeeping_allowed: bool) -> None:
    files = {k: v for k, v in tree_digest(study.out).items() if not _left_by_a_kill(k)}
    assert files == study.previous, "the previous output changed"
    extra = sorted(set(_names(study.out)) - set(study.names))
    if housekeeping_allowed:
        assert all(_left_by_a_kill(n) for n in extra), extra
    else:
        assert extra == [], f"left behind: {extra}"


@pytest.mark.parametrize("stage", list(STAGES))
def test_ctrl_c_stops_within_5_s_and_keeps_the_previous_output(study, stage):
    run = Run(study.config, study.out)
    run.wait_for(STAGES[stage])
    time.sleep(1.0)  # well inside the stage
    sent = time.monotonic()
    run.process.send_signal(signal.SIGINT)
    code = run.finish()
    took = time.monotonic() - sent
    print(f"SIGINT while {stage}: stopped in {took:.2f} s")  # shown with pytest -s
    assert code == 130, run.stderr
    assert took < 5, f"Ctrl-C took {took:.1f} s"
    assert "interrupted; no output was changed" in run.stderr
    assert "Traceback" not in run.stderr
    _previous_output_intact(study, housekeeping_allowed=False)


@pytest.mark.parametrize("stage", list(STAGES))
def test_kill_9_keeps_the_previous_output(study, stage):
    run = Run(study.config, study.out)
    run.wait_for(STAGES[stage])
    time.sleep(1.0)
    run.process.send_signal(signal.SIGKILL)
    assert run.finish() == -signal.SIGKILL  # and render workers died with it: stderr ended
    _previous_output_intact(study, housekeeping_allowed=True)


def test_a_second_run_is_refused_while_the_first_runs(study):
    first = Run(study.config, study.out)
    first.wait_for(STAGES["prepare"])
    started = time.monotonic()
    second = run_script(["run", study.config, "--out", study.out], timeout=60)
    assert time.monotonic() - started < 30
    first.process.send_signal(signal.SIGINT)
    assert first.finish() == 130, first.stderr
    message = " ".join(second.output.split())
    assert second.exit_code == 2, second.output
    assert f"another impact run (pid {first.process.pid}" in message
    assert f"by `impact -v run {study.config} --out {study.out}`" in message
    assert "wait for it to finish or stop it" in message
    assert "Traceback" not in second.output
    _previous_output_intact(study, housekeeping_allowed=True)


def test_the_next_run_after_kill_9_completes_and_cleans_up(study):
    """Runs last (file order): takes over the killed run's lock, removes its staging."""
    (study.out / ".impact-lock").write_text('{"pid": 999999999, "command": "killed"}')
    done = run_script(["-v", "run", study.config, "--out", study.out, "--no-render"])
    assert done.exit_code == 0, done.output
    assert "taking over the lock" in done.output
    assert sorted(p.name for p in study.out.glob(".impact-*")) == [MANIFEST_NAME]
    assert not (study.out / "reports").exists()  # impact's reports of the earlier run: replaced
