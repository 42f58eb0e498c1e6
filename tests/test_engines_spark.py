"""The Spark path in local mode gives the same results as pandas (and so as DuckDB).

One local Spark session (``local[2]``) for the whole test session; data kept small so the
file stays fast. References as in the DuckDB test files: the pandas implementations and the
hand-derived indicator conformance vectors.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from impact.analysis.matching import MatchSpec, match_persons, matched_rates
from impact.engines import SparkEngineSession, spark_session
from impact.indicators.compute import compute_indicators
from impact.link import link_study, link_waves
from impact.synth.register import register_extract
from link_fixtures import SECRET, make_study
from test_engines_indicators import assert_same, conformance_groups, on_engine, random_panel
from test_engines_pipeline import assert_same_links


@pytest.fixture(scope="session")
def spark():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        session = SparkEngineSession(spark_session())
        yield session
        session.close()


def test_indicators_on_spark_equal_pandas(spark):
    cases = {c[0]: c for c in conformance_groups()}
    _, panel, group, expected = cases[""]
    reference = on_engine(panel, "pandas")
    on_spark = on_engine(panel, "spark", spark)
    assert_same(reference, on_spark)
    for indicator in expected:  # the hand-derived expected cells
        got = on_spark[0][indicator].astype("string").str.lower().fillna("")
        assert got.tolist() == group[indicator].str.strip().str.lower().tolist(), indicator
    big = random_panel(400, seed=9)
    params = {"min_small_steps": 4, "small_steps_missing": "strict"}
    reference = on_engine(big, "pandas", params=params, groups=["round_id"])
    on_spark = on_engine(big, "spark", spark, params=params, groups=["round_id"])
    assert_same(reference, on_spark)


def test_matching_on_spark_equals_pandas(spark):
    extract = register_extract(seed=3, n_external=600, first_month=-2, last_month=6)
    persons, months = extract.tables["register_persons"], extract.tables["register_months"]
    for method, coarsen in (("exact", None), ("cem", {"birth_year": 4})):
        on_pandas = matched_rates(persons, months, method=method, coarsen=coarsen, collect=True)
        on_spark = matched_rates(
            persons,
            months,
            engine="spark",
            method=method,
            coarsen=coarsen,
            collect=True,
            session=spark,
        )
        pd.testing.assert_frame_equal(
            on_pandas.groups, on_spark.groups, check_dtype=False, rtol=1e-12
        )
        pd.testing.assert_frame_equal(on_pandas.rates, on_spark.rates, check_dtype=False, rtol=1e-9)
        pd.testing.assert_frame_equal(
            on_pandas.weights, on_spark.weights, check_dtype=False, rtol=1e-12
        )


def test_linking_on_spark_equals_pandas(spark):
    study = make_study(120, seed=8)
    on_pandas = link_waves(study.baseline, study.result, secret=SECRET, blocking="linear")
    on_spark = link_waves(
        study.baseline,
        study.result,
        secret=SECRET,
        blocking="linear",
        engine="spark",
        session=spark,
    )
    assert_same_links(on_pandas, on_spark)
    assert on_spark.report.waves["linked_splink"].iloc[-1] > 0


def test_study_linking_indicators_and_matching_on_spark_equal_pandas(spark):
    """What ``engine: spark`` in a study file runs: link_study, compute_indicators and
    match_persons on Spark."""
    study = make_study(60, seed=4)
    on_pandas = link_study(study.baseline, None, study.result, secret=SECRET)
    on_spark = link_study(
        study.baseline, None, study.result, secret=SECRET, engine="spark", session=spark
    )
    assert_same_links(on_pandas, on_spark)
    assert int(on_spark.report.waves["linked_splink"].fillna(0).sum()) > 0
    panel = random_panel(200, seed=4)
    reference = compute_indicators(panel)
    ours = compute_indicators(panel, engine="spark", session=spark)
    pd.testing.assert_frame_equal(reference, ours, check_dtype=False)
    assert reference.attrs == ours.attrs
    persons = register_extract(seed=5, n_external=300).tables["register_persons"]
    for spec in (MatchSpec(method="exact"), MatchSpec(method="cem", coarsen={"birth_year": 4})):
        expected = match_persons(persons, spec)
        got = match_persons(persons, spec, engine="spark", session=spark)
        pd.testing.assert_frame_equal(expected.persons, got.persons, rtol=1e-12)
