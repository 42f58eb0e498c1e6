"""One cohort with known truth, exported as every survey tool writes it (tests/survey_exports.py):
every layout gives the truth's shares, overall and by gender, and the same indicator table."""

from __future__ import annotations

import pandas as pd
import pytest

import survey_exports as se
from impact.ingest import validate_study
from impact.pipeline import prepare_study

TOOL_LAYOUTS = [name for name in se.LAYOUTS if name != "canonical"]
CHECKED = [
    "got_job",
    "took_steps",
    "job_or_steps",
    "got_internship",
    "started_relevant_education",
    "visited_workplace",
    "small_steps_count",
    "expanded_network",
]
EXPECTED_TOOL = {
    "qualtrics_csv": "qualtrics",
    "qualtrics_sav": "qualtrics",
    "kobo_xlsx": "kobo",
    "kobo_csv": "kobo",
    "stata": "generic",
}
#: Layouts where the tool writes "not ticked" (0 / Nej) itself, so no blank needs the rule.
TOOL_WRITES_UNTICKED = {"kobo_xlsx", "stata"}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("layouts")
    return {name: prepare_study(se.write_layout(name, root / name)) for name in se.LAYOUTS}


def _truth_shares() -> pd.DataFrame:
    persons = se.cohort().persons
    answered = persons[persons["response_result"].notna()]
    frame = answered[[*CHECKED, "gender"]].astype({"small_steps_count": "float"})
    overall = frame[CHECKED].astype(float).mean().rename("all")
    by_gender = frame.groupby("gender")[CHECKED].agg(lambda s: s.astype(float).mean()).T
    return pd.concat([overall, by_gender], axis=1)


def _shares(table: pd.DataFrame) -> pd.DataFrame:
    frame = table[[*CHECKED, "gender"]].copy()
    for column in CHECKED:
        frame[column] = frame[column].astype("Float64")
    overall = frame[CHECKED].mean().rename("all")
    by_gender = frame.groupby("gender")[CHECKED].mean().T
    return pd.concat([overall, by_gender], axis=1).astype(float)


@pytest.mark.parametrize("layout", list(se.LAYOUTS))
def test_every_layout_reports_the_truths_shares_overall_and_by_gender(prepared, layout):
    truth = _truth_shares()
    got = _shares(prepared[layout].table)[truth.columns]
    assert ((got - truth).abs() * 100 < 0.1).all().all(), (got - truth).to_string()
    # the failure: blanks read as missing gave internship 100 %
    assert 0.05 < got.at["got_internship", "all"] < 0.5
    assert got.at["job_or_steps", "all"] < 0.95


def test_the_same_cohort_gives_identical_indicator_tables_in_every_layout(prepared):
    ids = [d["id"] for d in prepared["canonical"].table.attrs["indicators"]["definitions"]]
    columns = ["person_id", "gender", *ids]

    def table(name):
        frame = prepared[name].table[columns]
        return frame.sort_values("person_id").reset_index(drop=True)

    reference = table("canonical")
    assert len(reference) == se.N_PARTICIPANTS
    for name in TOOL_LAYOUTS:
        pd.testing.assert_frame_equal(table(name), reference, obj=name)


@pytest.fixture(scope="module")
def detected(tmp_path_factory):
    root = tmp_path_factory.mktemp("detected")
    return {
        name: validate_study(se.write_layout(name, root / name, detect=True))
        for name in TOOL_LAYOUTS
    }


@pytest.mark.parametrize("layout", TOOL_LAYOUTS)
def test_each_tool_is_recognised_from_the_header_and_its_junk_rows_dropped(detected, layout):
    report = detected[layout]
    assert report.ok, report.tidy().to_string()
    tool = EXPECTED_TOOL.get(layout, layout)
    for export in report.exports:
        assert export.chosen_by == "detected"
        assert export.adapter == tool, export.detection
        assert export.detection.confidence >= 0.5
        assert export.detection.reasons
        if tool != "generic":
            assert "column" in export.detection.describe()
        expected = se.EXPECTED_DROPS.get(layout, {})
        assert {k: len(v) for k, v in export.dropped.items()} == expected
    result = next(e for e in report.exports if e.table == "result")
    counts = {c.field: c.counts for c in result.checkboxes}
    assert set(counts) == set(se.CHECKBOX_FIELDS)
    ticks = se.cohort().ticks
    for label, field in se.OPTIONS.items():
        assert counts[field]["ticked"] == int(ticks[label].sum())
        assert counts[field]["skipped"] == 0
        decided_false = sum(v for k, v in counts[field].items() if k not in ("ticked", "skipped"))
        assert decided_false == len(ticks) - int(ticks[label].sum())
    blank_all = ~ticks[list(se.OPTIONS)].any(axis=1) & ~ticks["none"] & (ticks["other"] == "")
    if layout not in TOOL_WRITES_UNTICKED:
        assert counts["got_internship"]["page_answered"] == int(blank_all.sum())
    summary = report.summary()
    assert f"checkbox got_internship (rule 'page'): ticked {int(ticks.iloc[:, 0].sum())}" in summary


def test_the_reported_outcome_table_is_the_same_from_every_layout_and_matches_the_truth(prepared):
    from impact.analysis.outcomes import programme_outcomes

    def reported(name):
        return programme_outcomes(prepared[name].table, targets={"job_or_steps": 0.9}).tidy()

    reference = reported("canonical")
    truth = _truth_shares()
    rows = reference.set_index("indicator")
    for indicator in ("job_or_steps", "got_internship", "got_job", "took_steps"):
        row = rows.loc[indicator]
        assert abs(row["share"] - truth.at[indicator, "all"]) * 100 < 0.1
        assert abs(row["share_a"] - truth.at[indicator, row["group_a"]]) * 100 < 0.1
        assert abs(row["share_b"] - truth.at[indicator, row["group_b"]]) * 100 < 0.1
    assert rows.loc["job_or_steps", "target_status"] != "met"  # 82 % against a 90 % target
    for name in TOOL_LAYOUTS:
        pd.testing.assert_frame_equal(reported(name), reference, obj=name)


def test_validate_out_writes_the_checkbox_decisions(tmp_path):
    from typer.testing import CliRunner

    from impact.cli.main import app

    study = se.write_layout("limesurvey", tmp_path / "limesurvey")
    out = tmp_path / "canonical"
    result = CliRunner().invoke(app, ["validate", str(study), "--out", str(out)])
    assert result.exit_code == 0, result.output
    decisions = pd.read_csv(out / "checkbox_decisions.csv")
    assert decisions["field"].tolist() == se.CHECKBOX_FIELDS
    assert (decisions["rule"] == "page").all() and (decisions["skipped"] == 0).all()
    ticks = se.cohort().ticks
    assert decisions["ticked"].tolist() == [int(ticks[label].sum()) for label in se.OPTIONS]
    result_table = pd.read_parquet(out / "result.parquet")
    assert result_table["got_internship"].notna().all()
