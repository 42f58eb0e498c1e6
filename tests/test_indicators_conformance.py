"""The conformance vectors in data_schema/conformance/ pass, and cover every indicator and path."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.errors import InputError
from impact.indicators import builtin_registry, run_conformance
from impact.indicators.conformance import default_vectors_path, read_vectors


@pytest.fixture(scope="module")
def result():
    return run_conformance()


def test_every_vector_passes(result):
    assert result.passed, result.summary()
    assert "0 failed" in result.summary()


def test_vectors_cover_every_builtin_indicator_and_edge_case():
    vectors = read_vectors(default_vectors_path())
    for ident in builtin_registry().ids:
        assert ident in vectors.columns, ident
    assert vectors["case_id"].is_unique
    descriptions = " ".join(vectors["description"])
    for phrase in [
        "job_from_none",
        "job_upgraded",
        "job_changed_other",
        "internship",
        "relevant education",
        "exactly 5 of 8",
        "exactly 4 of 8",
        "interviews +1",
        "interviews +2",
        "AND internship",
        "job_matches_field is missing",
        "did not answer the result survey",
        "strict counting",
    ]:
        assert phrase in descriptions, phrase
    assert set(vectors["params"]) >= {
        "",
        "min_small_steps=4",
        "min_extra_interviews=1",
        "small_steps_missing=strict",
        "took_steps.min_small_steps=3",
    }
    # Every expected cell is filled in deliberately: missing only where the README allows it.
    assert (vectors["small_steps_count"] != "").sum() > 40


def test_a_wrong_expectation_is_reported(tmp_path, result):
    vectors = read_vectors(default_vectors_path())
    vectors.loc[0, "got_job"] = "true"
    path = tmp_path / "bad.csv"
    vectors.to_csv(path, index=False)
    bad = run_conformance(path)
    assert not bad.passed
    failure = bad.failures().iloc[0]
    assert (failure.case_id, failure.indicator, failure.expected, failure.actual) == (
        "job01",
        "got_job",
        "true",
        "false",
    )
    assert "job01 got_job: expected true, got false" in bad.summary()
    assert isinstance(result.tidy(), pd.DataFrame)


def test_vector_file_problems(tmp_path):
    with pytest.raises(InputError, match="not found"):
        run_conformance(tmp_path / "none.csv")
    path = tmp_path / "v.csv"
    path.write_text("case_id,description\nx,y\n", encoding="utf-8")
    with pytest.raises(InputError, match="lack required columns"):
        run_conformance(path)
    vectors = read_vectors(default_vectors_path())
    vectors["no_such_indicator"] = ""
    vectors.to_csv(path, index=False)
    with pytest.raises(InputError, match="expect indicators that are not defined"):
        run_conformance(path)
