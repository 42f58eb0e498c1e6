"""Errors by cause: one line per (file, column, kind) and the full problem table as CSV."""

from __future__ import annotations

import csv
import stat

from typer.testing import CliRunner

from fixtures.ingest.support import make_study, valid_rows, write_csv
from impact.cli.main import app
from impact.errors import PROBLEM_COLUMNS, ImpactError, InputError, Problem
from impact.problem_groups import describe_by_cause, group_by_cause
from impact.problem_table import problem_table_path, save_problem_table, write_problem_table

runner = CliRunner()
FIX = "declare the dates as YYYY-MM-DD"


def _dates(n: int, source: str = "b.csv") -> list[Problem]:
    return [
        Problem(
            source,
            "a date like 2024-03-01",
            row=i,
            column="submitted_at",
            value=f"{i:02d}/02/2023",
            fix=FIX,
        )
        for i in range(1, n + 1)
    ]


def test_287_rows_with_one_cause_are_one_line():
    problems = _dates(287)
    [group] = group_by_cause(problems)
    assert group.count == 287
    line = group.describe()
    assert line == (
        "b.csv, column 'submitted_at': 287 rows fail the same way (e.g. row 1: '01/02/2023'; "
        "row 2: '02/02/2023'; row 3: '03/02/2023'; and 284 more) — expected a date like "
        f"2024-03-01; fix: {FIX}"
    )
    text = describe_by_cause(problems)
    assert text.splitlines() == ["(287 problem(s) with 1 cause(s)):", f"  - {line}"]


def test_causes_are_split_by_file_column_and_expectation_in_order_of_appearance():
    other_file = _dates(2, "f.csv")
    other_column = Problem("b.csv", "a whole number", row=4, column="age", value="x")
    problems = [*_dates(3), other_column, *other_file, *_dates(1)]
    groups = group_by_cause(problems)
    assert [g.count for g in groups] == [4, 1, 2]
    assert groups[1].describe() == other_column.describe()  # a single problem: its own line
    assert "f.csv, column 'submitted_at': 2 rows fail the same way" in groups[2].describe()


def test_kind_groups_problems_whose_expectation_names_the_row():
    problems = [
        Problem("b.csv", f"one encoding: line {i + 1} is UTF-8", row=i, kind="mixed")
        for i in (4, 9)
    ]
    [group] = group_by_cause(problems)
    assert group.describe().startswith("b.csv: 2 rows fail the same way (e.g. row 4; row 9)")


def test_input_error_message_is_grouped_and_ends_with_the_note():
    error = InputError("Input validation failed in 1 file(s)", _dates(50), note="table: x.csv")
    text = str(error)
    assert text.count("\n  - ") == 1
    assert "50 rows fail the same way" in text and text.endswith("\ntable: x.csv")


def test_problem_table_holds_every_problem_privately_and_defuses_formulas(tmp_path):
    problems = [
        *_dates(5),
        Problem("b.csv", "a known label", row=6, column="gender", value="=HYPERLINK(1)"),
        Problem("b.csv", "at least 0", row=7, column="interviews_3m", value="-2"),
        Problem("b.csv", "a code laid out as expected", row=8, column="link_code"),
    ]
    path = write_problem_table(problems, tmp_path / "impact-problems-study.csv")
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == PROBLEM_COLUMNS
    assert len(rows) == 8
    assert rows[0]["row"] == "1" and rows[0]["fix"] == FIX
    assert rows[5]["value"] == "'=HYPERLINK(1)"
    assert rows[6]["value"] == "-2"
    assert rows[7]["value"] == ""  # linking codes never carry a value
    assert not list(tmp_path.glob(".*tmp*"))


def test_problem_table_goes_beside_the_study_file_but_never_into_the_output(tmp_path):
    study = tmp_path / "s" / "study.yaml"
    assert problem_table_path(study) == (tmp_path / "s" / "impact-problems-study.csv").resolve()
    inside = problem_table_path(study, out=tmp_path / "s")
    assert inside == (tmp_path / "impact-problems-study.csv").resolve()
    assert save_problem_table(_dates(1), tmp_path / "missing" / "study.yaml") == ""
    assert not (tmp_path / "missing").exists()


def test_validate_prints_one_line_per_cause_and_writes_the_table(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = valid_rows("baseline", n=40)
    for i, row in enumerate(rows):
        row["submitted_at"] = f"{i % 28 + 1:02d}/02/2023 14:31"
    rows[3]["years_in_sweden"] = "ungefär fem"
    config = make_study(tmp_path, baseline=[write_csv(raw / "b.csv", rows)])
    result = runner.invoke(app, ["validate", str(config), "--out", str(tmp_path / "out")])
    assert isinstance(result.exception, ImpactError)
    lines = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(lines) == 2
    assert (
        "column 'submitted_at': 40 rows fail the same way (e.g. row 1: '01/02/2023 14:31'"
        in (lines[0])
    )
    assert (
        "and 37 more) — expected a date and time like 2024-03-01 14:30; fix: declare " in (lines[0])
    )
    assert "date_format: '%d/%m/%Y %H:%M' in the mapping" in lines[0]
    assert "row 4, column 'years_in_sweden': got 'ungefär fem'" in lines[1]
    table = tmp_path / "impact-problems-study.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 41
    assert str(table) in " ".join(str(result.exception).split())
    assert not (tmp_path / "out").exists()


def test_validate_one_file_writes_the_table_beside_that_file(tmp_path):
    rows = valid_rows("baseline", n=5)
    for row in rows:
        row["years_in_sweden"] = "many"
    (tmp_path / "raw").mkdir()
    path = write_csv(tmp_path / "raw" / "b.csv", rows)
    result = runner.invoke(app, ["validate", "--table", "baseline", str(path)])
    assert isinstance(result.exception, ImpactError)
    assert "column 'years_in_sweden': 5 rows fail the same way" in result.output
    table = tmp_path / "raw" / "impact-problems-b.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        assert [r["value"] for r in csv.DictReader(handle)] == ["many"] * 5


def test_a_config_error_writes_no_table(tmp_path):
    study = tmp_path / "study.yaml"
    study.write_text("study: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(study)])
    assert isinstance(result.exception, ImpactError)
    assert "correct the line named" in result.output
    assert list(tmp_path.iterdir()) == [study]
