"""compute_indicators: the indicator-table contract, metadata, missing counts, bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.errors import InputError
from impact.indicators import builtin_registry, missing_counts
from impact.indicators.compute import compute_indicators
from impact.indicators.definitions import parse_definitions

NA = pd.NA


def panel(n: int = 3, **overrides) -> pd.DataFrame:
    """A small linked panel in canonical dtypes; everyone answered, nothing changed."""
    data = {
        "person_id": pd.array([f"p{i}" for i in range(n)], dtype="string"),
        "round_id": pd.array(["R01"] * n, dtype="string"),
        "gender": pd.array(["woman"] * n, dtype="string"),
        "age": pd.array([30] * n, dtype="Int64"),
        "responded_b": [True] * n,
        "responded_r": [True] * n,
        "b_link_code": pd.array(["FA07KA2"] * n, dtype="string"),
        "b_employment": pd.array(["none"] * n, dtype="string"),
        "r_employment": pd.array(["none"] * n, dtype="string"),
        "b_job_matches_field": pd.array([None] * n, dtype="boolean"),
        "r_job_matches_field": pd.array([None] * n, dtype="boolean"),
        "r_changed_job": pd.array([False] * n, dtype="boolean"),
        "r_got_internship": pd.array([False] * n, dtype="boolean"),
        "r_started_relevant_education": pd.array([False] * n, dtype="boolean"),
        "r_visited_workplace": pd.array([False] * n, dtype="boolean"),
        "b_has_reference": pd.array([False] * n, dtype="boolean"),
        "r_has_reference": pd.array([False] * n, dtype="boolean"),
        "r_contributed_job": pd.array([None] * n, dtype="string"),
        "r_contributed_internship": pd.array([None] * n, dtype="string"),
        "r_contributed_education": pd.array([None] * n, dtype="string"),
    }
    for field in [
        "interviews_3m",
        "cv_status",
        "professional_contacts",
        "knows_education_paths",
        "knows_social_codes",
        "swedish_level",
        "professional_swedish_level",
        "knows_labour_market",
    ]:
        data[f"b_{field}"] = pd.array([1] * n, dtype="Int64")
        data[f"r_{field}"] = pd.array([1] * n, dtype="Int64")
    frame = pd.DataFrame(data)
    for column, values in overrides.items():
        frame[column] = pd.array(values, dtype=frame[column].dtype if column in frame else None)
    return frame


def test_contract_columns_dtypes_and_privacy():
    table = compute_indicators(panel())
    ids = builtin_registry().ids
    assert list(table.columns) == [
        "person_id",
        "round_id",
        "gender",
        "age",
        "responded_b",
        "responded_r",
        *ids,
    ]
    assert "b_link_code" not in table.columns
    for ident in ids:
        expected = "Int64" if ident == "small_steps_count" else "boolean"
        assert str(table[ident].dtype) == expected, ident
    assert len(table) == 3


def test_metadata_names_versions_params_and_rules():
    table = compute_indicators(panel(), params={"min_small_steps": 4})
    meta = table.attrs["indicators"]
    entries = {d["id"]: d for d in meta["definitions"]}
    assert entries["took_steps"]["version"] == 1
    assert entries["took_steps"]["params"] == {"min_small_steps": 4}
    assert entries["took_steps"]["population"] == "not got_job"
    assert entries["took_steps"]["outside_population"] == "false"
    assert entries["more_interviews"]["inputs"] == ["r_interviews_3m", "b_interviews_3m"]
    assert entries["got_job"]["source"] == "builtin"
    assert meta["params"]["more_interviews"] == {
        "min_extra_interviews": 2,
        "reference_period_months": 3,
    }
    assert set(meta["missing"]) == set(entries)


def test_missing_counts_split_by_reason():
    frame = panel(
        4,
        responded_r=[True, True, True, False],
        r_employment=["full_time", "none", "none", None],
        r_contributed_job=["yes", None, None, None],
        b_interviews_3m=[1, None, 1, 1],
    )
    counts = missing_counts(compute_indicators(frame)).tidy().set_index("indicator")
    assert counts.loc[
        "more_interviews", ["n_missing", "n_not_responded", "n_missing_inputs"]
    ].tolist() == [
        2,
        1,
        1,
    ]
    # programme_contributed_job: person 0 got a job; persons 1-2 outside; person 3 no response.
    row = counts.loc["programme_contributed_job"]
    assert (row.n_available, row.n_outside_population, row.n_not_responded) == (1, 2, 1)
    assert list(counts.columns) == [
        "version",
        "n",
        "n_available",
        "n_missing",
        "n_not_responded",
        "n_outside_population",
        "n_missing_inputs",
    ]
    text = missing_counts(compute_indicators(frame)).summary()
    assert "more_interviews: 2 missing" in text
    assert "<h4>" in missing_counts(compute_indicators(frame))._repr_html_()


def test_missing_counts_needs_metadata():
    with pytest.raises(InputError, match="no indicator metadata"):
        missing_counts(pd.DataFrame({"a": [1]}))


def test_responded_flags_blank_result_based_indicators():
    frame = panel(2, responded_r=[True, False], r_got_internship=[True, True])
    table = compute_indicators(frame)
    assert table["got_internship"].tolist() == [True, NA]
    assert table["took_steps"].tolist() == [True, NA]


def test_panel_without_responded_flags_uses_item_missingness():
    frame = panel(1).drop(columns=["responded_b", "responded_r"])
    table = compute_indicators(frame)
    assert table["job_or_steps"].tolist() == [False]


def test_missing_columns_are_all_reported():
    frame = panel().drop(columns=["r_visited_workplace", "b_cv_status"])
    with pytest.raises(InputError) as info:
        compute_indicators(frame)
    columns = {p.column for p in info.value.problems}
    assert columns == {"r_visited_workplace", "b_cv_status"}
    assert "visited_workplace" in str(info.value)


def test_bad_panel_inputs():
    with pytest.raises(InputError, match="pandas DataFrame"):
        compute_indicators({"a": [1]})
    frame = panel()
    frame["person_id"] = pd.array(["p0", "p0", "p1"], dtype="string")
    with pytest.raises(InputError, match="one row per person"):
        compute_indicators(frame)
    frame = panel()
    frame["r_employment"] = pd.array([1, 2, 3], dtype="Int64")
    with pytest.raises(InputError) as info:
        compute_indicators(frame)
    problems = info.value.problems
    assert [(p.row, p.column, p.value) for p in problems] == [
        (1, "r_employment", "1"),
        (2, "r_employment", "2"),
        (3, "r_employment", "3"),
    ]
    assert "one of none, part_time, full_time" in problems[0].expected
    frame = panel()
    frame["responded_r"] = ["yes", "no", "yes"]
    with pytest.raises(InputError, match="response flags"):
        compute_indicators(frame)


def test_user_definition_added_and_built_in_overridden():
    extra = parse_definitions(
        {
            "definitions": [
                {
                    "id": "full_time_at_result",
                    "version": 1,
                    "section": "job",
                    "label": {"sv": "Heltid", "en": "Full-time"},
                    "definition": {"sv": "Heltid", "en": "Full-time"},
                    "rule": "r.employment == 'full_time'",
                    "population": {
                        "rule": "person.age >= 25",
                        "label": {"sv": "25 år och äldre", "en": "Aged 25 and over"},
                    },
                },
                {
                    "id": "got_internship",
                    "version": 2,
                    "section": "steps",
                    "label": {"sv": "Praktik", "en": "Internship"},
                    "definition": {"sv": "I praktik", "en": "In an internship"},
                    "rule": "r.got_internship or r.in_internship",
                },
            ]
        },
        "study.yaml",
    )
    frame = panel(
        3,
        age=[20, 30, 40],
        r_employment=["full_time", "full_time", "none"],
    )
    frame["r_in_internship"] = pd.array([False, True, False], dtype="boolean")
    table = compute_indicators(frame, definitions=extra)
    assert table["full_time_at_result"].tolist() == [NA, True, False]
    assert table["got_internship"].tolist() == [False, True, False]
    meta = {d["id"]: d for d in table.attrs["indicators"]["definitions"]}
    assert meta["got_internship"]["version"] == 2
    assert meta["got_internship"]["source"] == "study.yaml"


def test_indicator_named_like_a_panel_column_is_refused():
    frame = panel()
    frame["got_job"] = True
    with pytest.raises(InputError, match="clash"):
        compute_indicators(frame)


def test_csv_typed_panel_gives_the_same_table():
    frame = panel(3, r_employment=["full_time", "none", None], b_interviews_3m=[0, 1, None])
    as_numpy = frame.copy()
    for column in as_numpy.columns:
        if str(as_numpy[column].dtype) in ("Int64", "boolean", "string"):
            as_numpy[column] = as_numpy[column].astype(object)
    a = compute_indicators(frame)
    b = compute_indicators(as_numpy)
    pd.testing.assert_frame_equal(a[builtin_registry().ids], b[builtin_registry().ids])


def test_metadata_is_read_only_shared_and_serialisable(tmp_path):
    import copy
    import json

    table = compute_indicators(panel())
    meta = table.attrs["indicators"]
    assert copy.deepcopy(meta) is meta  # pandas' attrs copies stay cheap
    assert table[["got_job"]].attrs["indicators"] is meta
    with pytest.raises(TypeError, match="read-only"):
        meta["params"]["took_steps"]["min_small_steps"] = 1
    with pytest.raises(TypeError, match="read-only"):
        meta["definitions"].append({})
    mutable = meta.to_dict()
    mutable["definitions"].append({})
    assert json.loads(json.dumps(meta)) == meta
    path = tmp_path / "t.parquet"
    table.to_parquet(path)
    assert pd.read_parquet(path).attrs["indicators"] == meta
