"""Whole studies: every file read, every problem collected into one error; the bad-input list."""

from __future__ import annotations

import hashlib
import textwrap

import pandas as pd
import pytest

from fixtures.ingest.support import make_study, valid_rows, without, write_csv
from impact.errors import InputError
from impact.ingest import ValidationReport, load_study, read_table, validate_study

DTYPE_NAMES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "datetime": "datetime64[ns]",
    "date": "datetime64[ns]",
}


def test_load_study_returns_typed_tables_and_provenance(tmp_path):
    config = make_study(tmp_path, design="randomised")
    data = load_study(config)
    assert set(data.tables()) == {
        "baseline",
        "followup",
        "result",
        "randomisation",
        "register_persons",
        "register_months",
    }
    from impact.ingest import load_table_schema

    for table, frame in data.tables().items():
        schema = load_table_schema(table)
        assert list(frame.columns) == schema.field_names
        for spec in schema.fields:
            assert str(frame[spec.name].dtype) == DTYPE_NAMES[spec.type], (table, spec.name)
        assert isinstance(frame.index, pd.RangeIndex)
    # follow-up files without followup_number: numbered by their position in the config
    assert data.followup["followup_number"].tolist() == [1, 1, 1, 2, 2, 2]
    # age derived from birth year and submission date
    assert data.baseline["age"].tolist() == [2024 - 1988] * 3
    assert len(data.sources) == 7
    first = data.sources[0]
    expected = hashlib.sha256((tmp_path / "raw" / "baslinje.csv").read_bytes()).hexdigest()
    assert (first.table, first.sha256, first.rows, first.problems) == ("baseline", expected, 3, 0)


def test_tables_not_configured_are_none(tmp_path):
    config = make_study(
        tmp_path, followup=[], randomisation=[], register_persons=[], register_months=[]
    )
    data = load_study(config)
    assert data.followup is None and data.randomisation is None
    assert data.register_months is None and data.baseline is not None


def test_problems_across_all_files_are_collected_into_one_error(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    base = valid_rows("baseline")
    base[1]["birth_year"] = "1890"  # out of range
    base[2]["response_id"] = base[0]["response_id"]  # duplicate response_id
    result = valid_rows("result")
    result[0]["satisfaction"] = "very"  # wrong type
    result[1]["employment"] = "sometimes"  # unknown answer label
    for row in result:
        row["shoe_size"] = "42"  # unknown column
    months = without(valid_rows("register_months"), "wage_income")  # missing required column
    config = make_study(
        tmp_path,
        baseline=[write_csv(raw / "b.csv", base)],
        result=[write_csv(raw / "r.csv", result)],
        followup=[raw / "missing.csv", write_csv(raw / "empty.csv", [{"a": "x"}])],
        register_months=[write_csv(raw / "m.csv", months)],
    )
    (raw / "empty.csv").write_text("")
    with pytest.raises(InputError) as info:
        load_study(config)
    error = info.value
    found = {
        (p.source.rsplit("/", 1)[-1], p.row, p.column.split(" ")[0] if p.column else None)
        for p in error.problems
    }
    assert found == {
        ("b.csv", 2, "birth_year"),
        ("b.csv", 1, "response_id"),
        ("b.csv", 3, "response_id"),
        ("r.csv", None, "shoe_size"),
        ("r.csv", 1, "satisfaction"),
        ("r.csv", 2, "employment"),
        ("missing.csv", None, None),
        ("empty.csv", None, None),
        ("m.csv", None, "wage_income"),
    }
    message = str(error)
    assert "Input validation failed in 5 file(s) (9 problem(s))" in message
    assert "file not found" in message and "the file is empty" in message
    # response ids are identifying: never shown
    assert base[0]["response_id"] not in message


def test_validate_study_report(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = valid_rows("baseline")
    rows[0]["swedish_level"] = "7"
    config = make_study(tmp_path, baseline=[write_csv(raw / "b.csv", rows)])
    report = validate_study(config)
    assert isinstance(report, ValidationReport)
    assert not report.ok and report.data is None
    tidy = report.tidy()
    assert list(tidy.columns) == ["source", "row", "column", "value", "expected", "fix", "kind"]
    assert tidy[["row", "column", "value"]].values.tolist() == [[1, "swedish_level", "7"]]
    files = report.file_table()
    assert list(files.columns) == ["table", "source", "rows", "problems", "sha256"]
    assert files.loc[files["table"] == "baseline", "problems"].tolist() == [1]
    assert "1 problem(s) in total" in report.summary()
    assert "<h4>Input validation</h4>" in report._repr_html_()
    (tmp_path / "ok").mkdir()
    ok = validate_study(make_study(tmp_path / "ok"))
    assert ok.ok and ok.data is not None and "valid" in ok.summary()
    assert ok.tidy().empty


def test_bad_mapping_is_reported_before_reading_files(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("name: m\ncolumns:\n  baseline: {Kön: gendr}\n", encoding="utf-8")
    report = validate_study(make_study(tmp_path, mapping="m.yaml"))
    assert [p.column for p in report.problems] == ["columns.baseline.Kön"]
    assert "did you mean 'gender'" in report.problems[0].expected


def test_config_errors_are_raised(tmp_path):
    config = make_study(tmp_path)
    config.write_text(config.read_text().replace("design:", "desing:"))
    with pytest.raises(InputError, match="did you mean 'design'"):
        validate_study(config)


@pytest.mark.parametrize(
    ("mutate", "column", "words"),
    [
        (lambda r: r[0].update(submitted_at="1 mars"), "submitted_at", "a date and time"),
        (lambda r: r[1].update(years_in_sweden="två"), "years_in_sweden", "a number"),
        (lambda r: r[2].update(has_reference="kanske"), "has_reference", "known answer label"),
        (lambda r: r[0].update(cv_status="3"), "cv_status", "between 0 and 2"),
        (lambda r: r[0].update(gender="f"), "gender", "'woman', 'man'"),
        (lambda r: r[1].update(round_id=""), "round_id", "the field is required"),
        (lambda r: r[1].update(response_id=r[0]["response_id"]), "response_id", "duplicate"),
    ],
)
def test_single_bad_values(tmp_path, mutate, column, words):
    rows = valid_rows("baseline")
    mutate(rows)
    with pytest.raises(InputError) as info:
        read_table(write_csv(tmp_path / "b.csv", rows), "baseline")
    problems = info.value.problems
    assert {p.column for p in problems} == {column}
    assert all(words in p.expected for p in problems), problems


def test_datetime_formats_and_age_given(tmp_path):
    rows = valid_rows("baseline")
    rows[0]["submitted_at"] = "2024-03-01T10:15:00+01:00"
    rows[1]["submitted_at"] = "2024/03/01 10.15"
    rows[2]["submitted_at"] = ""
    rows[2]["age"] = "40"
    rows[0]["age"] = rows[1]["age"] = ""
    frame = read_table(write_csv(tmp_path / "b.csv", rows), "baseline")
    assert frame["submitted_at"].tolist()[:2] == [
        pd.Timestamp("2024-03-01 09:15"),  # converted to UTC
        pd.Timestamp("2024-03-01 10:15"),
    ]
    assert frame["submitted_at"].isna().tolist() == [False, False, True]
    assert frame["age"].tolist() == [36, 36, 40]


def test_followup_number_in_file_and_in_read_table(tmp_path):
    rows = without(valid_rows("followup"), "followup_number")
    path = write_csv(tmp_path / "f.csv", rows)
    with pytest.raises(InputError, match="followup_number"):
        read_table(path, "followup")
    assert read_table(path, "followup", followup_number=2)["followup_number"].tolist() == [2] * 3
    with_numbers = write_csv(tmp_path / "g.csv", valid_rows("followup"))
    frame = read_table(with_numbers, "followup", followup_number=5)
    assert frame["followup_number"].tolist() == [1, 1, 1]  # the file's own column wins


def test_randomisation_keeps_extra_covariates(tmp_path):
    rows = valid_rows("randomisation")
    for i, row in enumerate(rows):
        row["municipality"] = f"M{i}"
        row["prior_income"] = f"{i * 1000},5"
    frame = read_table(write_csv(tmp_path / "r.csv", rows, ";"), "randomisation")
    assert frame["municipality"].tolist() == ["M0", "M1", "M2"]
    assert frame["prior_income"].tolist() == [0.5, 1000.5, 2000.5]


def test_unknown_table_name_in_read_table(tmp_path):
    path = write_csv(tmp_path / "p.csv", valid_rows("register_persons"))
    with pytest.raises(InputError, match="did you mean 'register_persons'"):
        read_table(path, "register_person")


def test_study_reads_xlsx_sheet_named_in_config(tmp_path):
    import openpyxl

    rows = valid_rows("register_months")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["Uttag från SCB"])
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    book.save(tmp_path / "m.xlsx")
    (tmp_path / "study.yaml").write_text(
        textwrap.dedent(
            """
            study: {name: X}
            inputs:
              baseline: b.csv
              register_months: m.xlsx
              sheets: {register_months: Data}
            """
        ),
        encoding="utf-8",
    )
    write_csv(tmp_path / "b.csv", valid_rows("baseline"))
    data = load_study(tmp_path / "study.yaml")
    assert data.register_months["month"].tolist() == [0, 1, 2]
