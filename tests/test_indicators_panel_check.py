"""Panel values are checked against the canonical field types and codes before rules run."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.errors import InputError
from impact.indicators.compute import compute_indicators
from impact.indicators.definitions import parse_definitions
from impact.indicators.io import read_panel
from impact.indicators.panel_check import MAX_ROWS_SHOWN, canonical_field, panel_value_problems
from test_indicators_compute import panel


def _problems(frame: pd.DataFrame) -> list[tuple[int | None, str | None, str | None]]:
    with pytest.raises(InputError) as info:
        compute_indicators(frame)
    return [(p.row, p.column, p.value) for p in info.value.problems]


@pytest.mark.parametrize(
    ("column", "table", "field"),
    [
        ("b_interviews_3m", "baseline", "interviews_3m"),
        ("r_employment", "result", "employment"),
        ("f2_job_start_month", "followup", "job_start_month"),
    ],
)
def test_wave_prefix_names_the_canonical_table(column, table, field):
    found = canonical_field(column)
    assert found is not None
    assert (found[0], found[1].name) == (table, field)


@pytest.mark.parametrize("column", ["r_mentor_job", "person_id", "age", "b_", "x_employment"])
def test_columns_that_are_no_canonical_field_are_not_checked(column):
    assert canonical_field(column) is None


def test_every_wrong_value_of_every_column_in_one_error():
    frame = panel(4)
    frame["r_interviews_3m"] = pd.array(["1", "many", None, "2"], dtype="string")
    frame["r_employment"] = pd.array(["none", "heltid", "full_time", "Full_time"], dtype="string")
    frame["b_cv_status"] = pd.array([0, 7, 2, -1], dtype="Int64")
    frame["r_has_reference"] = pd.array(["true", "kanske", None, "FALSE"], dtype="string")
    frame["b_interviews_3m"] = pd.array([1.0, 2.5, None, 3.0], dtype="Float64")
    with pytest.raises(InputError) as info:
        compute_indicators(frame)
    problems = info.value.problems
    found = {(p.row, p.column, p.value) for p in problems}
    assert found == {
        (2, "r_interviews_3m", "many"),
        (2, "r_employment", "heltid"),
        (4, "r_employment", "Full_time"),
        (2, "b_cv_status", "7"),
        (4, "b_cv_status", "-1"),
        (2, "r_has_reference", "kanske"),
        (2, "b_interviews_3m", "2.5"),
    }
    expected = {p.column: p.expected for p in problems}
    assert expected["r_employment"] == (
        "one of none, part_time, full_time (field 'employment' of the result table)"
    )
    assert expected["b_cv_status"].startswith("a whole number, between 0 and 2")
    assert expected["r_interviews_3m"].startswith("a whole number, at least 0")
    assert expected["r_has_reference"].startswith("true or false")
    assert "needs numbers" not in str(info.value)  # the column is named, not the rule


def test_numbers_and_flags_in_the_wrong_kind_of_column():
    frame = panel(2)
    frame["r_employment"] = pd.array([1, None], dtype="Int64")
    frame["r_got_internship"] = pd.array([0, 1], dtype="Int64")
    frame["r_interviews_3m"] = pd.array([True, False], dtype="boolean")
    assert set(_problems(frame)) == {
        (1, "r_employment", "1"),
        (1, "r_got_internship", "0"),
        (2, "r_got_internship", "1"),
        (1, "r_interviews_3m", "True"),
        (2, "r_interviews_3m", "False"),
    }


def test_object_columns_are_checked_by_value():
    frame = panel(3)
    frame["r_interviews_3m"] = pd.Series([2, "x", True], dtype=object)
    frame["r_employment"] = pd.Series(["none", 3, None], dtype=object)
    assert set(_problems(frame)) == {
        (2, "r_interviews_3m", "x"),
        (3, "r_interviews_3m", "True"),
        (2, "r_employment", "3"),
    }


def test_many_bad_rows_list_the_first_ones_and_count_all():
    n = MAX_ROWS_SHOWN + 30
    frame = panel(n)
    frame["r_employment"] = pd.array(["heltid"] * n, dtype="string")
    with pytest.raises(InputError) as info:
        compute_indicators(frame)
    problems = info.value.problems
    assert [p.row for p in problems[:-1]] == list(range(1, MAX_ROWS_SHOWN + 1))
    last = problems[-1]
    assert (last.row, last.column, last.value) == (None, "r_employment", None)
    assert f"{n} rows do not, the first {MAX_ROWS_SHOWN} are listed" in last.expected


def test_text_cells_are_judged_by_their_text_and_nothing_is_converted():
    frame = panel(3)
    frame["r_interviews_3m"] = pd.array([" 4", "0", None], dtype="string")
    frame["r_has_reference"] = pd.array(["True", "false", "FALSE"], dtype="string")
    frame["r_employment"] = pd.Series(["full_time", None, "none"], dtype=object)
    columns = ["r_interviews_3m", "r_has_reference", "r_employment"]
    before = frame.copy()
    assert panel_value_problems(frame, columns) == []
    pd.testing.assert_frame_equal(frame, before)


def test_missing_columns_and_bad_values_are_reported_together():
    frame = panel(2).drop(columns=["r_visited_workplace"])
    frame["r_employment"] = pd.array(["heltid", "none"], dtype="string")
    assert set(_problems(frame)) == {
        (None, "r_visited_workplace", None),
        (1, "r_employment", "heltid"),
    }


def test_a_study_column_that_is_no_canonical_field_is_left_to_the_rule():
    extra = parse_definitions(
        {
            "definitions": [
                {
                    "id": "got_mentor_job",
                    "version": 1,
                    "section": "job",
                    "label": {"sv": "Mentor", "en": "Mentor"},
                    "definition": {"sv": "Mentor", "en": "Mentor"},
                    "rule": "r.mentor_job == 'ja'",
                }
            ]
        },
        "study.yaml",
    )
    frame = panel(2)
    frame["r_mentor_job"] = pd.array(["ja", "nej"], dtype="string")
    assert compute_indicators(frame, extra)["got_mentor_job"].tolist() == [True, False]


def test_csv_panel_with_text_in_a_count_column_names_column_row_and_value(tmp_path):
    frame = panel(6)
    frame["r_interviews_3m"] = frame["r_interviews_3m"].astype(object)
    frame.loc[4, "r_interviews_3m"] = "many"
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        compute_indicators(read_panel(path))
    [problem] = info.value.problems
    assert (problem.row, problem.column, problem.value) == (5, "r_interviews_3m", "many")
    assert "a whole number" in problem.expected
