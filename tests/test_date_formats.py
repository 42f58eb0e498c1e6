"""Declared date formats (``date_format:`` in a mapping) and the guessed format offered as fix."""

from __future__ import annotations

import pandas as pd
import pytest

from fixtures.ingest.support import valid_rows, write_csv
from impact.errors import InputError
from impact.ingest import read_table
from impact.ingest.convert import parse_value
from impact.ingest.date_formats import format_problem, guess_format
from impact.ingest.mapping import Mapping


@pytest.mark.parametrize(
    ("texts", "guess"),
    [
        (["13/02/2023 16:06", "01/03/2023 09:00"], "%d/%m/%Y %H:%M"),
        (["02/13/2023 4:06 PM"], "%m/%d/%Y %I:%M %p"),
        (["13.02.2023"], "%d.%m.%Y"),
        (["Feb 15 2023"], "%b %d %Y"),
        (["13/02/2023 16:06", "Feb 15 2023"], None),  # no one format reads both
        ([" ", ""], None),
    ],
)
def test_guess_format(texts, guess):
    assert guess_format(texts) == guess


def test_format_problem():
    assert format_problem("%d/%m/%Y %H:%M") is None
    assert "no % directive" in format_problem("dd/mm/yyyy")


def test_declared_format_is_tried_first_and_iso_still_works():
    assert parse_value("13/02/2023 16:06", "datetime", "%d/%m/%Y %H:%M") == pd.Timestamp(
        "2023-02-13 16:06"
    )
    assert parse_value("2023-02-13 16:06", "datetime", "%d/%m/%Y %H:%M") == pd.Timestamp(
        "2023-02-13 16:06"
    )
    assert parse_value("13/02/2023 16:06 +0100", "datetime", "%d/%m/%Y %H:%M %z") == (
        pd.Timestamp("2023-02-13 15:06")
    )
    with pytest.raises(ValueError):
        parse_value("13/02/2023 16:06", "datetime")


def test_mapping_date_format_per_field_and_checks():
    from impact.ingest.schema import load_table_schema

    baseline = load_table_schema("baseline")
    assert Mapping(name="m", date_format="%d/%m/%Y").date_formats(baseline) == {
        "submitted_at": "%d/%m/%Y"
    }
    mapping = Mapping(name="m", date_format={"submitted_at": "%d.%m.%Y", "age": "%Y"})
    assert mapping.date_formats(baseline) == {"submitted_at": "%d.%m.%Y"}
    problems = mapping.check("m.yaml")
    assert [(p.column, p.expected.split(" (")[0]) for p in problems] == [
        ("date_format.age", "a date or time field")
    ]


def _file_with_dates(tmp_path, dates):
    rows = valid_rows("baseline", n=len(dates))
    for row, date in zip(rows, dates, strict=True):
        row["submitted_at"] = date
    return write_csv(tmp_path / "b.csv", rows)


def test_the_fix_names_the_format_that_reads_every_failing_value(tmp_path):
    path = _file_with_dates(tmp_path, ["13/02/2023 16:06", "14/02/2023 09:30", "2023-02-15"])
    with pytest.raises(InputError) as error:
        read_table(path, "baseline")
    problems = error.value.problems
    assert [p.row for p in problems] == [1, 2]
    assert problems[0].fix.startswith(
        "declare date_format: '%d/%m/%Y %H:%M' in the mapping (it reads all of these values)"
    )


def test_a_wrong_declared_format_is_named_with_the_right_one(tmp_path):
    path = _file_with_dates(tmp_path, ["13/02/2023 16:06", "14/02/2023 09:30"])
    mapping = Mapping(name="m", date_format="%m/%d/%Y %H:%M")
    with pytest.raises(InputError) as error:
        read_table(path, "baseline", mapping=mapping)
    problem = error.value.problems[0]
    assert "or the mapping's date_format '%m/%d/%Y %H:%M'" in problem.expected
    assert problem.fix.startswith(
        "change the mapping's date_format from '%m/%d/%Y %H:%M' to '%d/%m/%Y %H:%M'"
    )
    frame = read_table(path, "baseline", mapping=Mapping(name="m", date_format="%d/%m/%Y %H:%M"))
    assert list(frame["submitted_at"]) == [
        pd.Timestamp("2023-02-13 16:06"),
        pd.Timestamp("2023-02-14 09:30"),
    ]
