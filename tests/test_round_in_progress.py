"""A round still in progress (baseline in, no result answers yet) and a study without any.

One small synthetic programme (3 rounds) whose result export lacks round R03: the run must
succeed, the project's numbers must cover R01–R02 only (R03's people are not counted as
missing outcomes), the project report must name R03 and its participants, and R03 gets its own
report saying it has no result answers yet, in Swedish and English.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from bad_inputs.workspace import edit_yaml, run_cli, tree_digest
from impact.analysis.outcomes import programme_outcomes
from impact.outputs import OutputFolder
from impact.pipeline import analyse_study, prepare_study, run_study
from impact.pipeline.in_progress import completed_rounds, rounds_in_progress
from impact.privacy import scan_outputs
from impact.report.api import make_provenance, render_all, write_round_in_progress_bundle
from impact.synth import programme_study

IN_PROGRESS = "R03"


def _drop_round(path: Path, round_id: str) -> None:
    """Remove one round's answers from a canonical CSV export."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("round_id")
    kept = [rows[0]] + [row for row in rows[1:] if row[column] != round_id]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(kept)


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("in-progress")
    written = programme_study(seed=21, n_participants=90, n_rounds=3).write(
        root / "study", kind="canonical"
    )
    config = written if written.suffix == ".yaml" else written / "study.yaml"
    _drop_round(config.parent / "canonical" / "result.csv", IN_PROGRESS)
    edit_yaml(config, lambda doc: doc["report"].update(languages=["sv", "en"], formats=["html"]))
    return config


@pytest.fixture(scope="module")
def prepared(study):
    return prepare_study(study)


@pytest.fixture(scope="module")
def analyses(prepared):
    return analyse_study(prepared)


@pytest.fixture(scope="module")
def run(study, prepared, analyses, tmp_path_factory):
    """``run_study`` on the prepared study (not prepared and analysed a second time)."""
    import impact.pipeline.run as run_module

    out = tmp_path_factory.mktemp("in-progress-run") / "out"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(run_module, "prepare_study", lambda config: prepared)
        monkeypatch.setattr(run_module, "analyse_study", lambda prepared: analyses)
        return run_study(study, out, render=False)


def _results(path: Path) -> dict:
    return json.loads((Path(path) / "results.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_round_without_result_answers_is_in_progress(prepared, analyses):
    table = prepared.table
    participants = int((table["round_id"] == IN_PROGRESS).sum())
    assert participants > 0
    assert rounds_in_progress(table, prepared.data.result) == {IN_PROGRESS: participants}
    assert analyses.in_progress == {IN_PROGRESS: participants}
    assert set(analyses.outcomes) == {"all", "R01", "R02"}
    assert (
        f"round {IN_PROGRESS} is still in progress ({participants} participant(s), no result "
        "answers yet): left out of the project's figures; its report says so"
    ) in analyses.notes


@pytest.mark.slow
def test_project_numbers_cover_only_rounds_with_result_answers(prepared, analyses):
    table = prepared.table
    done = table[table["round_id"] != IN_PROGRESS]
    project = analyses.outcomes["all"]
    # the same numbers as an analysis of the completed rounds alone
    expected = programme_outcomes(done, targets=prepared.config.analysis.targets)
    pd.testing.assert_frame_equal(project.shares.tidy(), expected.shares.tidy())
    response = project.response.tidy()
    overall = response[(response["group_var"] == "overall") & (response["wave"] == "r")].iloc[0]
    assert overall["participants"] == len(done)  # R03's people are not non-respondents
    assert overall["respondents"] == int(done["responded_r"].sum())
    headline = project.tidy().set_index("indicator")
    assert headline.loc["job_or_steps", "missing"] == int((~done["responded_r"]).sum())


@pytest.mark.slow
def test_completed_rounds_keeps_every_row_when_no_round_is_in_progress(prepared):
    assert completed_rounds(prepared.table, {}) is prepared.table


@pytest.mark.slow
def test_every_round_in_progress_is_a_clear_error(prepared):
    from impact.errors import ImpactError

    rounds = {r: 1 for r in prepared.table["round_id"].unique()}
    with pytest.raises(ImpactError, match="no round has result answers linked to its people"):
        completed_rounds(prepared.table, rounds)


@pytest.mark.slow
def test_run_writes_the_other_rounds_and_a_bundle_for_the_round_in_progress(run, prepared):
    assert set(run.bundles) == {"project", "round-R01", "round-R02", "round-R03", "codebook"}
    assert run.privacy is not None and run.privacy.ok
    participants = int((prepared.table["round_id"] == IN_PROGRESS).sum())
    project = _results(run.bundles["project"])
    assert project["data"]["rounds_in_progress"] == [IN_PROGRESS]
    assert project["numbers"][f"in_progress_participants.{IN_PROGRESS}"]["value"] == participants
    done = prepared.table[prepared.table["round_id"] != IN_PROGRESS]
    assert project["numbers"]["participants"]["value"] == len(done)
    shares = pd.read_csv(Path(run.bundles["project"]) / "tables" / "shares_by_round.csv")
    assert set(shares["group"]) == {"R01", "R02"}
    bundle = _results(run.bundles["round-R03"])
    assert (bundle["round_id"], bundle["name"]) == (IN_PROGRESS, "programme_R03")
    assert bundle["data"]["in_progress"] is True and bundle["tables"] == {}
    assert bundle["numbers"][f"in_progress_participants.{IN_PROGRESS}"]["value"] == participants


@pytest.fixture(scope="module")
def rendered(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("in-progress-reports")
    bundles = [run.bundles["project"], run.bundles["round-R03"]]
    batch = render_all(bundles, langs=["sv", "en"], formats=["html"], out_dir=out, workers=1)
    assert batch.ok, batch.summary()
    return out


def _text(path: Path) -> str:
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text("utf-8"))).split())


@pytest.mark.slow
def test_the_round_in_progress_report_says_so_in_both_languages(rendered, prepared):
    n = int((prepared.table["round_id"] == IN_PROGRESS).sum())
    en = _text(rendered / "round-R03" / "programme_R03.en.html")
    sv = _text(rendered / "round-R03" / "programme_R03.sv.html")
    assert "Round still in progress" in en
    assert (
        f"Round R03 has no result answers yet. {n} participants answered the baseline survey; "
        "the result survey has not been answered."
    ) in en
    assert "Omgången pågår" in sv
    assert (
        f"Omgång R03 har ännu inga svar på resultatenkäten. {n} deltagare har svarat på "
        "startenkäten"
    ) in sv
    assert "Headline indicators" not in en and "Huvudindikatorer" not in sv


@pytest.mark.slow
def test_the_project_report_names_the_round_in_progress(rendered, prepared):
    n = int((prepared.table["round_id"] == IN_PROGRESS).sum())
    en = _text(rendered / "project" / "programme.en.html")
    sv = _text(rendered / "project" / "programme.sv.html")
    assert (
        f"Not included: round R03 is still in progress ({n} participants who answered the "
        "baseline survey, no result answers yet)."
    ) in en
    assert "The figures in this report cover the rounds with result answers." in en
    assert f"Ingår inte: omgång R03 pågår fortfarande ({n} deltagare som svarat på" in sv


def test_a_small_round_in_progress_hides_its_count(tmp_path):
    bundle = write_round_in_progress_bundle(
        tmp_path / "bundles" / "round-R09",
        round_id="R09",
        participants=3,
        suppression_threshold=5,
        study={"name": "Small study"},
        provenance=make_provenance(seed=1),
    )
    assert _results(bundle)["numbers"]["in_progress_participants.R09"]["value"] is None
    batch = render_all([bundle], langs=["en"], formats=["html"], out_dir=tmp_path / "reports",
                       workers=1)  # fmt: skip
    assert batch.ok, batch.summary()
    text = _text(tmp_path / "reports" / "round-R09" / "programme_R09.en.html")
    assert "Round R09 has no result answers yet. fewer than 5 participants answered" in text
    assert scan_outputs([tmp_path / "bundles", tmp_path / "reports"]).ok


def test_a_study_without_result_answers_is_refused_clearly(study, tmp_path):
    config = tmp_path / "study.yaml"
    config.write_text(study.read_text(encoding="utf-8"), encoding="utf-8")
    edit_yaml(config, lambda doc: doc["inputs"].update(result=[]))
    # the copied config's relative paths point at the original study's files
    edit_yaml(
        config,
        lambda doc: doc["inputs"].update(baseline=str(study.parent / "canonical" / "baseline.csv")),
    )
    out = tmp_path / "out"
    with OutputFolder(out) as earlier:  # an earlier run's output (it carries a manifest)
        (earlier.staging / "earlier.txt").write_text("an earlier run\n", encoding="utf-8")
    before = tree_digest(out)
    outcome = run_cli(["run", config, "--out", out, "--no-render"])
    assert outcome.exit_code == 2, outcome.output
    message = outcome.message
    assert f"{config}: the study has no result answers yet (inputs.result names no file)" in (
        message
    )
    assert "baseline answer(s) in round(s) R01, R02, R03" in message
    assert "add the result export under inputs.result once the result survey has answers" in (
        message
    )
    assert "Traceback" not in outcome.output
    assert tree_digest(out) == before


def test_a_round_whose_result_answers_all_failed_to_link_is_a_clear_error():
    from impact.errors import ImpactError
    from impact.pipeline.in_progress import require_linked_results

    table = pd.DataFrame(
        {"round_id": ["R01", "R01", "R02", "R02"], "responded_r": [True, False, False, False]}
    )
    result = pd.DataFrame({"round_id": ["R01", "R02", "R02", "R02"]})
    with pytest.raises(ImpactError) as caught:
        require_linked_results(table, result)
    message = str(caught.value)
    assert message.startswith("round(s) R02 (3 result answer(s)): the result export has answers")
    assert "none could be linked to the round's baseline answers" in message
    require_linked_results(table, result[result["round_id"] == "R01"])  # R02 in progress: fine
