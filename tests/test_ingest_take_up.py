"""Take-up fields of the randomisation list: schema, checks at ingest, the way into the
analysis table and the crossover note."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.errors import InputError
from impact.ingest import read_table
from impact.ingest.schema import load_table_schema
from impact.ingest.single_file import validate_file
from impact.ingest.take_up import TAKE_UP_COLUMNS, crossover_note, take_up_problems
from impact.link.panel import build_panel

HEADER = "study_id,round_id,arm,link_code,started,completed,sessions_attended,left_month\n"


def _write(tmp_path, rows: str, header: str = HEADER):
    path = tmp_path / "randomisation.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def test_schema_fields_optional_with_both_languages():
    schema = load_table_schema("randomisation")
    for name in TAKE_UP_COLUMNS:
        spec = schema.field(name)
        assert spec.optional
        assert spec.titles["en"] and spec.titles["sv"] and spec.descriptions["sv"]
        assert spec.example is not None
    assert schema.field("started").dtype == "boolean"
    assert schema.field("sessions_attended").constraints["minimum"] == 0
    assert schema.field("left_month").dtype == "Int64"


def test_round_trip_with_take_up(tmp_path):
    path = _write(tmp_path, "S1,R01,treatment,AB01CD0,true,true,11,\nS2,R01,treatment,AB02CD0,"
                  "true,false,3,2\nS3,R01,control,AB03CD0,false,false,0,\n")  # fmt: skip
    frame = read_table(path, "randomisation")
    assert frame["started"].tolist() == [True, True, False]
    assert frame["completed"].tolist() == [True, False, False]
    assert frame["sessions_attended"].tolist() == [11, 3, 0]
    assert frame["left_month"].isna().tolist() == [True, False, True]
    assert str(frame["left_month"].dtype) == "Int64"


def test_list_without_take_up_stays_valid(tmp_path):
    path = _write(
        tmp_path, "S1,R01,treatment,AB01CD0\n", header="study_id,round_id,arm,link_code\n"
    )
    frame = read_table(path, "randomisation")
    assert all(frame[c].isna().all() for c in TAKE_UP_COLUMNS)


def _problems(tmp_path, rows: str):
    return validate_file(_write(tmp_path, rows), "randomisation").problems


def test_completed_without_started(tmp_path):
    (problem,) = _problems(tmp_path, "S1,R01,treatment,AB01CD0,true,true,9,\n"
                           "S2,R01,treatment,AB02CD0,false,true,0,\n")  # fmt: skip
    assert problem.source.endswith("randomisation.csv")
    assert (problem.row, problem.column, problem.value) == (2, "completed", "true")
    assert "started" in problem.expected and "set started to true" in problem.fix


def test_left_month_while_completed(tmp_path):
    (problem,) = _problems(tmp_path, "S1,R01,treatment,AB01CD0,true,true,9,4\n")
    assert (problem.row, problem.column, problem.value) == (1, "left_month", "4")
    assert "completed" in problem.expected and "empty left_month" in problem.fix


def test_negative_sessions_and_left_month(tmp_path):
    problems = _problems(tmp_path, "S1,R01,treatment,AB01CD0,true,false,-2,-1\n")
    assert {(p.row, p.column) for p in problems} == {(1, "sessions_attended"), (1, "left_month")}
    assert all("at least 0" in p.expected and p.fix for p in problems)


def test_problems_name_the_mapped_header():
    frame = pd.DataFrame(
        {"started": pd.array([False], "boolean"), "completed": pd.array([True], "boolean")},
        index=[5],
    )
    (problem,) = take_up_problems(frame, "lista.csv", {"completed": "Fullföljde programmet"})
    assert problem.row == 5 and problem.column == "Fullföljde programmet (→ completed)"


def test_crossover_allowed_and_counted(tmp_path):
    rows = "S1,R01,treatment,AB01CD0,true,true,9,\nS2,R01,control,AB02CD0,true,false,2,1\n"
    assert _problems(tmp_path, rows) == []
    frame = read_table(_write(tmp_path, rows), "randomisation")
    note = crossover_note(frame)
    assert note is not None and "1 of 1 people in the control group" in note
    assert crossover_note(frame.assign(started=pd.array([True, False], "boolean"))) is None
    assert crossover_note(frame.drop(columns="started")) is None


def test_read_table_raises_with_every_problem(tmp_path):
    path = _write(tmp_path, "S1,R01,treatment,AB01CD0,false,true,0,3\n")
    with pytest.raises(InputError) as caught:
        read_table(path, "randomisation")
    assert {p.column for p in caught.value.problems} == {"completed", "left_month"}


def _panel(randomisation: pd.DataFrame) -> pd.DataFrame:
    ids = pd.Series([f"p{i}" for i in range(len(randomisation))])
    member = pd.Series(range(len(randomisation)), index=randomisation.index)
    return build_panel(ids, {}, {}, randomisation, member)


def test_panel_carries_recorded_take_up_unprefixed(tmp_path):
    rows = "S1,R01,treatment,AB01CD0,true,false,4,2\nS2,R01,control,AB02CD0,false,false,0,\n"
    panel = _panel(read_table(_write(tmp_path, rows), "randomisation"))
    assert panel["started"].tolist() == [True, False]
    assert panel["left_month"].tolist()[0] == 2 and str(panel["left_month"].dtype) == "Int64"
    assert not any(c.startswith("rand_") and c[5:] in TAKE_UP_COLUMNS for c in panel.columns)


def test_panel_leaves_out_take_up_not_recorded(tmp_path):
    path = _write(
        tmp_path, "S1,R01,treatment,AB01CD0\n", header="study_id,round_id,arm,link_code\n"
    )
    panel = _panel(read_table(path, "randomisation"))
    assert not set(TAKE_UP_COLUMNS) & set(panel.columns)
    assert not {f"rand_{c}" for c in TAKE_UP_COLUMNS} & set(panel.columns)
