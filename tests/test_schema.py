"""The canonical table schemas: complete metadata, and every constraint enforced by pandera."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from fixtures.ingest.support import valid_rows, write_csv
from impact.ingest import TABLES, load_table_schema, pandera_schema, read_table, validate_frame
from impact.ingest.schema import DTYPES
from impact.ingest.validate import dtype_matches
from impact.resources import data_schema_dir

SURVEY_COMMON = [
    "response_id",
    "round_id",
    "submitted_at",
    "link_code",
    "birth_year",
    "gender",
    "study_id",
]
QUESTIONS = [
    "employment",
    "job_matches_field",
    "interviews_3m",
    "professional_contacts",
    "swedish_level",
    "professional_swedish_level",
    "cv_status",
    "knows_labour_market",
    "knows_education_paths",
    "knows_social_codes",
    "has_reference",
    "in_internship",
    "in_education",
]
# Field lists from the shared formats (the coordinator's canonical fields).
EXPECTED_FIELDS = {
    "baseline": SURVEY_COMMON
    + QUESTIONS
    + ["education_level", "years_in_sweden", "occupation_field", "age"],
    "result": SURVEY_COMMON
    + QUESTIONS
    + [
        "changed_job",
        "got_internship",
        "started_relevant_education",
        "visited_workplace",
        "contributed_job",
        "contributed_internship",
        "contributed_education",
        "satisfaction",
        "comments",
    ],
    "followup": SURVEY_COMMON
    + ["followup_number", "employment", "job_start_month", "in_education"],
    "randomisation": [
        "study_id",
        "round_id",
        "arm",
        "stratum",
        "cluster",
        "randomised_on",
        "link_code",
        "birth_year",
        "gender",
        "started",
        "completed",
        "sessions_attended",
        "left_month",
    ],
    "register_persons": [
        "person_id",
        "group",
        "sex",
        "birth_year",
        "citizenship",
        "county",
        "education_level",
        "immigration_period",
        "employed_at_start",
    ],
    "register_months": ["person_id", "month", "employed", "wage_income"],
}
ORDINAL = {
    "education_level",
    "swedish_level",
    "professional_swedish_level",
    "cv_status",
    "knows_labour_market",
    "knows_education_paths",
    "knows_social_codes",
    "satisfaction",
}


def _docs():
    for table in TABLES:
        path = data_schema_dir() / f"{table}.schema.json"
        yield table, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("table", TABLES)
def test_fields_match_shared_formats(table):
    assert load_table_schema(table).field_names == EXPECTED_FIELDS[table]


@pytest.mark.parametrize(("table", "doc"), list(_docs()))
def test_every_field_has_bilingual_metadata(table, doc):
    assert doc["title"] and doc["title_sv"] and doc["description"] and doc["description_sv"]
    for field in doc["fields"]:
        for key in ("title", "title_sv", "description", "description_sv"):
            assert field.get(key), f"{table}.{field['name']} lacks {key}"
        assert field["type"] in DTYPES
        enum = field.get("constraints", {}).get("enum")
        if enum is not None or field["name"] in ORDINAL:
            labels = field["enumLabels"]
            codes = (
                enum
                if enum is not None
                else range(field["constraints"]["minimum"], field["constraints"]["maximum"] + 1)
            )
            assert sorted(labels) == sorted(str(c) for c in codes), field["name"]
            for code, label in labels.items():
                assert label["en"] and label["sv"], f"{field['name']}={code}"


def test_privacy_marks():
    marks = {
        (t, f.name): f.privacy for t in TABLES for f in load_table_schema(t).fields if f.privacy
    }
    for table in ("baseline", "followup", "result"):
        assert marks[(table, "link_code")] == "identifying"
        assert marks[(table, "response_id")] == "identifying"
    assert marks[("baseline", "occupation_field")] == "free_text"
    assert marks[("result", "comments")] == "free_text"
    assert marks[("randomisation", "link_code")] == "identifying"


def test_labels_and_titles_per_language():
    gender = load_table_schema("baseline").field("gender")
    assert gender.label("woman", "sv") == "Kvinna"
    assert gender.label("not_stated", "en") == "Prefer not to say"
    assert gender.title("sv") == "Kön"
    edu = load_table_schema("baseline").field("education_level")
    assert edu.label(5, "en") == "Master's degree or higher"
    assert load_table_schema("result").field("cv_status").label(2, "sv") == "CV klart"


def test_response_id_unique_and_primary_keys():
    for table in ("baseline", "followup", "result"):
        spec = load_table_schema(table).field("response_id")
        assert spec.constraints == {"required": True, "unique": True}
        assert load_table_schema(table).primary_key == ("response_id",)
    assert load_table_schema("register_months").primary_key == ("person_id", "month")


@pytest.mark.parametrize("table", TABLES)
def test_pandera_schema_is_derived_from_json(table):
    schema = pandera_schema(table)
    ts = load_table_schema(table)
    assert list(schema.columns) == ts.field_names
    for spec in ts.fields:
        column = schema.columns[spec.name]
        assert column.nullable == (not spec.required and spec.name not in ts.primary_key)
        assert column.required == (not spec.optional)
        assert len(column.checks) == sum(
            k in spec.constraints for k in ("enum", "minimum", "maximum", "pattern")
        )
    assert schema.strict == (not ts.additional_columns)


@pytest.mark.parametrize("table", TABLES)
def test_wrong_dtype_is_reported_for_every_field(valid_frames, table):
    frame = valid_frames[table]
    fields = load_table_schema(table).fields
    assert all(dtype_matches(frame[f.name], DTYPES[f.type]) for f in fields)
    problems = validate_frame(frame.astype(object), table)
    assert [p.column for p in problems] == [f.name for f in fields]
    assert all("wrong type" in p.expected and p.row is None for p in problems)


@pytest.fixture(scope="module")
def valid_frames(tmp_path_factory):
    """One valid 3-row frame per table, read through the whole ingest pipeline."""
    folder = tmp_path_factory.mktemp("valid")
    return {t: read_table(write_csv(folder / f"{t}.csv", valid_rows(t)), t) for t in TABLES}


@pytest.mark.parametrize("table", TABLES)
def test_valid_frames_pass(valid_frames, table):
    assert validate_frame(valid_frames[table], table) == []


def _violations(doc):
    """(field, constraint, mutate) for every constraint in one schema document."""
    for field in doc["fields"]:
        name = field["name"]
        for constraint, bound in field.get("constraints", {}).items():
            if constraint == "required" and bound:
                yield name, constraint, lambda df, n=name: _set(df, n, pd.NA)
            elif constraint == "unique" and bound:
                yield (
                    name,
                    constraint,
                    lambda df, n=name: _set(df, n, df[n].iloc[0], rows=slice(None)),
                )
            elif constraint == "enum":
                bad = 99 if field["type"] == "integer" else "not_a_code"
                yield name, constraint, lambda df, n=name, b=bad: _set(df, n, b)
            elif constraint == "minimum":
                yield name, constraint, lambda df, n=name, b=bound - 1: _set(df, n, b)
            elif constraint == "maximum":
                yield name, constraint, lambda df, n=name, b=bound + 1: _set(df, n, b)
            elif constraint == "pattern":
                yield name, constraint, lambda df, n=name: _set(df, n, "no match!")
            else:
                raise AssertionError(f"test does not cover constraint {constraint}")


def _set(df, name, value, rows=1):
    """Copy of ``df`` with ``value`` in column ``name`` at ``rows`` (index 1 = data row 2)."""
    out = df.copy()
    out.loc[rows, name] = value
    return out


CASES = [
    pytest.param(table, name, constraint, mutate, id=f"{table}.{name}.{constraint}")
    for table, doc in _docs()
    for name, constraint, mutate in _violations(doc)
]


@pytest.mark.parametrize(("table", "name", "constraint", "mutate"), CASES)
def test_every_constraint_is_enforced(valid_frames, table, name, constraint, mutate):
    frame = valid_frames[table]
    problems = validate_frame(mutate(frame), table, source="x.csv")
    assert problems, f"{constraint} on {name} not enforced"
    assert all(p.column == name for p in problems), problems
    assert all(p.source == "x.csv" for p in problems)
    expected_rows = {1, 2, 3} if constraint == "unique" else {2}
    assert {p.row for p in problems} == expected_rows


@pytest.mark.parametrize(("table", "doc"), list(_docs()))
def test_primary_keys_are_enforced(valid_frames, table, doc):
    frame = valid_frames[table]
    key = doc["primaryKey"]
    duplicated = frame.copy()
    for column in key:
        duplicated.loc[1, column] = duplicated.loc[0, column]
    problems = validate_frame(duplicated, table)
    assert {p.row for p in problems} == {1, 2}
    nulled = frame.copy()
    nulled[key[0]] = nulled[key[0]].where(nulled.index != 0)
    assert [p.row for p in validate_frame(nulled, table)] == [1]


def test_missing_required_column_unknown_column_and_wrong_dtype(valid_frames):
    frame = valid_frames["baseline"]
    problems = validate_frame(frame.drop(columns=["round_id"]), "baseline")
    assert [(p.column, p.row) for p in problems] == [("round_id", None)]
    assert "missing column" in problems[0].expected
    problems = validate_frame(frame.assign(shoe_size=1), "baseline")
    assert [p.column for p in problems] == ["shoe_size"]
    assert "unknown column" in problems[0].expected
    problems = validate_frame(frame.assign(birth_year=frame["birth_year"].astype(str)), "baseline")
    assert [p.column for p in problems] == ["birth_year"]
    assert "wrong type" in problems[0].expected
    assert "a whole number" in problems[0].expected


def test_optional_fields_may_be_absent(valid_frames):
    frame = valid_frames["baseline"].drop(columns=["age", "study_id"])
    assert validate_frame(frame, "baseline") == []


def test_identifying_values_are_never_shown(valid_frames):
    frame = valid_frames["baseline"].copy()
    frame.loc[1, "response_id"] = frame.loc[0, "response_id"]
    problems = validate_frame(frame, "baseline")
    assert problems and all(p.value is None for p in problems)
    assert "row(s) 1" in problems[1].expected


def test_unknown_table_name():
    from impact.errors import InputError

    with pytest.raises(InputError, match="baseline"):
        load_table_schema("basline")


def test_default_range_index_counts_rows_from_one():
    frame = pd.DataFrame({"person_id": ["a", "a"], "month": [0, 0]}).astype(
        {"person_id": "string", "month": "Int64"}
    )
    frame["employed"] = pd.array([True, False], dtype="boolean")
    frame["wage_income"] = pd.array([1.0, 2.0], dtype="Float64")
    rows = sorted({p.row for p in validate_frame(frame, "register_months")})
    assert rows == [1, 2]
