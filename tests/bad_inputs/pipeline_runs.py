"""Full pipeline runs shared by the atomic-output, determinism and privacy tests.

The small synthetic studies (see :mod:`bad_inputs.workspace`) are run through ``impact run``
twice each through the installed script (a fresh process per run, exactly as a user runs
it), into the
*same* output path (then moved aside as ``a/`` and ``b/``), so that paths written into the
outputs are the same and any byte difference is real non-determinism. Run ``a`` renders the
reports (HTML, Word, PDF; English; no per-round reports); run ``b`` writes only the bundles
and private tables (``--no-render``), which keeps the suite fast: rendering is the slow part
and the report files are not compared. :func:`prepared_programme` prepares and analyses the
programme study in-process once, so the atomic-output tests can re-run the late steps
quickly. Made once per process: each study is run twice in the whole session.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bad_inputs.workspace import CliOutcome, clean_studies, edit_yaml, run_script, tree_digest

STUDIES = ("programme", "randomised")


@dataclass
class StudyRuns:
    """Two runs of one study with the same inputs, config and seed."""

    study: Path
    a: Path
    b: Path
    outcomes: list[CliOutcome]
    inputs_before: dict[str, str]
    inputs_after: dict[str, str]
    prepared: Any = None
    analyses: Any = None


@dataclass
class PipelineRuns:
    """The runs of every study, by study name."""

    base: Path
    studies: dict[str, StudyRuns] = field(default_factory=dict)


_CACHE: dict[str, PipelineRuns] = {}


def _all_formats(doc: dict) -> None:
    doc["report"]["formats"] = ["html", "docx", "pdf"]
    doc["report"]["languages"] = ["en"]
    doc["report"]["per_round"] = False


def _run_twice(base: Path, name: str, source: Path) -> StudyRuns:
    study = base / "inputs" / name
    shutil.copytree(source, study)
    edit_yaml(study / "study.yaml", _all_formats)
    config = study / "study.yaml"
    target = base / "out" / name
    before = tree_digest(study)
    outcomes, copies = [], []
    for label, options in (("a", []), ("b", ["--no-render"])):
        outcomes.append(run_script(["run", config, "--out", target, *options]))
        if outcomes[-1].exit_code != 0:
            raise RuntimeError(f"impact run {name} (run {label}) failed:\n{outcomes[-1].output}")
        copy = base / label / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(target), str(copy))
        copies.append(copy)
    # leave run "a" in place as the "previous output" of later runs
    shutil.copytree(copies[0], target)
    return StudyRuns(
        study=study,
        a=copies[0],
        b=copies[1],
        outcomes=outcomes,
        inputs_before=before,
        inputs_after=tree_digest(study),
    )


def pipeline_runs(base: Path) -> PipelineRuns:
    """Run each small study twice (once per process; later calls reuse the runs)."""
    if "runs" not in _CACHE:
        clean = clean_studies(base / "clean")
        runs = PipelineRuns(base)
        for name in STUDIES:
            runs.studies[name] = _run_twice(base, name, getattr(clean, name))
        _CACHE["runs"] = runs
    return _CACHE["runs"]


def prepared_programme(runs: PipelineRuns) -> StudyRuns:
    """The programme runs, with the study prepared and analysed in this process (once)."""
    study = runs.studies["programme"]
    if study.prepared is None:
        from impact.pipeline import analyse_study, prepare_study

        study.prepared = prepare_study(study.study / "study.yaml")
        study.analyses = analyse_study(study.prepared)
    return study
