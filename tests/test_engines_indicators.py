"""Indicators compiled to SQL (DuckDB) give exactly what they give on pandas.

``compute_indicators`` and ``aggregate_indicators`` with ``engine="duckdb"`` against the same
calls with ``engine="pandas"``.

References: the hand-derived conformance vectors in ``data_schema/conformance/indicators.csv``
(expected values written from the domain rules, not from an implementation) and the pandas
implementation :func:`impact.indicators.compute_indicators`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from impact.engines import open_session
from impact.engines.dialect import Dialect
from impact.errors import InputError
from impact.indicators import aggregate_indicators, parse
from impact.indicators.compute import compute_indicators
from impact.indicators.conformance import (
    INPUT_COLUMN,
    META_COLUMNS,
    default_vectors_path,
    read_vectors,
)
from impact.indicators.expr_eval import EvaluationError
from impact.indicators.io import parse_cells, parse_params
from impact.indicators.sql_compile import SqlCompiler

SCALES = [
    "knows_education_paths",
    "knows_social_codes",
    "swedish_level",
    "professional_swedish_level",
    "knows_labour_market",
]


def random_panel(n: int, seed: int, missing: float = 0.15) -> pd.DataFrame:
    """A linked panel with every field the built-in indicators read, with missing answers."""
    rng = np.random.default_rng(seed)

    def blank(values: pd.Series) -> pd.Series:
        return values.mask(rng.random(n) < missing)

    def ints(low: int, high: int) -> pd.Series:
        return blank(pd.Series(rng.integers(low, high + 1, n), dtype="Int64"))

    def bools(p: float) -> pd.Series:
        return blank(pd.Series(rng.random(n) < p, dtype="boolean"))

    def codes(values: list[str]) -> pd.Series:
        return blank(pd.Series(rng.choice(values, n), dtype="string"))

    panel = {
        "person_id": pd.Series([f"p{i:05d}" for i in range(n)], dtype="string"),
        "round_id": pd.Series(rng.choice(["R01", "R02", "R03"], n), dtype="string"),
        "gender": codes(["woman", "man", "other"]),
        "responded_b": pd.Series(rng.random(n) < 0.9, dtype="boolean"),
        "responded_r": pd.Series(rng.random(n) < 0.75, dtype="boolean"),
    }
    for wave in ("b", "r"):
        panel[f"{wave}_employment"] = codes(["none", "part_time", "full_time"])
        panel[f"{wave}_job_matches_field"] = bools(0.4)
        panel[f"{wave}_interviews_3m"] = ints(0, 5)
        panel[f"{wave}_cv_status"] = ints(0, 2)
        panel[f"{wave}_professional_contacts"] = ints(0, 8)
        panel[f"{wave}_has_reference"] = bools(0.3)
        for scale in SCALES:
            panel[f"{wave}_{scale}"] = ints(1, 5)
    for name in (
        "changed_job",
        "got_internship",
        "started_relevant_education",
        "visited_workplace",
    ):
        panel[f"r_{name}"] = bools(0.3)
    for name in ("contributed_job", "contributed_internship", "contributed_education"):
        panel[f"r_{name}"] = codes(["yes", "no", "dont_know"])
    return pd.DataFrame(panel)


def on_engine(panel: pd.DataFrame, engine: str, session=None, **options):
    """The indicator table and the aggregates of ``panel`` computed on ``engine``."""
    groups = options.pop("groups", ())
    table = compute_indicators(panel, engine=engine, session=session, **options)
    aggregates = aggregate_indicators(
        panel, engine=engine, session=session, groups=groups, **options
    )
    return table, aggregates


def assert_same(reference, other) -> None:
    pd.testing.assert_frame_equal(reference[0], other[0])
    assert reference[0].attrs == other[0].attrs
    pd.testing.assert_frame_equal(reference[1].aggregates, other[1].aggregates)
    pd.testing.assert_frame_equal(reference[1].missing.tidy(), other[1].missing.tidy())


def conformance_groups():
    vectors = read_vectors(default_vectors_path())
    inputs = [c for c in vectors.columns if INPUT_COLUMN.match(c)]
    expected = [c for c in vectors.columns if c not in META_COLUMNS and c not in inputs]
    for params_text, group in vectors.groupby("params", sort=False):
        panel = pd.DataFrame({c: parse_cells(group[c]) for c in inputs}).reset_index(drop=True)
        yield params_text, panel, group.reset_index(drop=True), expected


@pytest.fixture(scope="module")
def duck():
    with open_session("duckdb") as session:
        yield session


@pytest.mark.parametrize("case", list(conformance_groups()), ids=lambda c: c[0] or "defaults")
def test_conformance_vectors_on_duckdb(case, duck):
    params_text, panel, group, expected = case
    params = parse_params(params_text.split(";"))
    reference = on_engine(panel, "pandas", params=params)
    on_duck = on_engine(panel, "duckdb", duck, params=params)
    assert_same(reference, on_duck)
    for indicator in expected:  # the hand-derived expected cells
        got = on_duck[0][indicator].astype("string").str.lower().fillna("")
        assert got.tolist() == group[indicator].str.strip().str.lower().tolist(), indicator


def test_random_panel_with_groups_matches_pandas(duck):
    panel = random_panel(3000, seed=11)
    params = {"min_small_steps": 4, "small_steps_missing": "strict"}
    reference = on_engine(panel, "pandas", params=params, groups=["round_id", "gender"])
    on_duck = on_engine(panel, "duckdb", duck, params=params, groups=["round_id", "gender"])
    assert_same(reference, on_duck)
    on_duck = on_duck[1]
    overall = on_duck.tidy().query("group_by == 'all' and indicator == 'got_job'").iloc[0]
    assert overall["n"] == 3000
    assert overall["n_missing"] > 0  # missing answers and non-response are present
    assert set(on_duck.tidy()["group_by"]) == {"all", "round_id", "gender"}
    # the missing group value (gender not answered) is its own group, as in pandas
    assert on_duck.tidy().query("group_by == 'gender'")["group"].isna().any()


def test_table_stays_in_the_engine_when_a_session_is_passed(duck):
    panel = random_panel(200, seed=2)
    duck.put(panel, "engines_test_panel")
    result = aggregate_indicators(
        "engines_test_panel", engine="duckdb", session=duck, keep_table=True
    )
    assert result.indicators is None and result.table is not None
    stored = duck.fetch(f'SELECT COUNT(*) AS n, COUNT("got_job") AS a FROM "{result.table}"')
    assert int(stored["n"].iloc[0]) == 200
    reference = aggregate_indicators(panel, engine="pandas")
    pd.testing.assert_frame_equal(reference.aggregates, result.aggregates)
    assert "got_job" in result.summary()


def test_all_missing_column_behaves_like_pandas(duck):
    panel = random_panel(300, seed=5)
    panel["r_visited_workplace"] = pd.Series(pd.NA, index=panel.index, dtype="string")
    panel["b_cv_status"] = pd.Series([None] * len(panel), dtype=object)
    assert_same(on_engine(panel, "pandas"), on_engine(panel, "duckdb", duck))


def test_kleene_logic_in_sql(duck):
    compiler = SqlCompiler(Dialect("duckdb"), {"b_x": "boolean", "b_n": "number"}, {}, {"k": 2})
    expressions = {
        "false_and_missing": "false and b.x",
        "true_or_missing": "true or b.x",
        "not_missing": "not b.x",
        "difference": "b.n - 1 >= $k",
        "listed": "b.n in [1, 2]",
    }
    select = ", ".join(f"{compiler.condition(parse(e))} AS {k}" for k, e in expressions.items())
    row = duck.fetch(
        f"SELECT {select} FROM (SELECT CAST(NULL AS BOOLEAN) AS b_x, CAST(NULL AS BIGINT) AS b_n) t"
    )
    assert bool(row["false_and_missing"].iloc[0]) is False
    assert bool(row["true_or_missing"].iloc[0]) is True
    for name in ("not_missing", "difference", "listed"):
        assert pd.isna(row[name].iloc[0])


def test_wrong_kinds_fail_like_pandas(duck):
    panel = random_panel(50, seed=1)
    panel["b_cv_status"] = panel["b_cv_status"].astype("string")  # text where a number is needed
    messages = []
    for engine in ("pandas", "duckdb"):
        with pytest.raises(InputError) as error:
            aggregate_indicators(panel, engine=engine, session=duck if engine == "duckdb" else None)
        messages.append(str(error.value))
    assert "improved_cv" in messages[0] and "improved_cv" in messages[1]
    assert "cannot compare" in messages[1]


def test_compiler_names_the_bad_subexpression():
    compiler = SqlCompiler(Dialect("spark"), {"b_s": "string"}, {}, {})
    with pytest.raises(EvaluationError, match="needs numbers"):
        compiler.condition(parse("b.s > 'a'"))
    with pytest.raises(EvaluationError, match="unknown parameter"):
        compiler.condition(parse("b.s == $nope"))


def test_bad_inputs_are_named(duck):
    panel = random_panel(20, seed=3)
    with pytest.raises(InputError, match="Unknown engine"):
        aggregate_indicators(panel, engine="polars")
    with pytest.raises(InputError) as error:
        aggregate_indicators(panel.drop(columns=["r_cv_status"]), engine="duckdb", session=duck)
    assert "r_cv_status" in str(error.value)
    with pytest.raises(InputError, match="Group columns"):
        aggregate_indicators(panel, engine="duckdb", groups=["nope"], session=duck)
    doubled = pd.concat([panel, panel.iloc[:2]], ignore_index=True)
    with pytest.raises(InputError, match="one row per person"):
        aggregate_indicators(doubled, engine="duckdb", session=duck)
    with pytest.raises(InputError, match="keep_table"):
        aggregate_indicators(panel, engine="duckdb", keep_table=True)
    with pytest.raises(InputError, match="not found"):
        aggregate_indicators("no_such_table", engine="duckdb", session=duck)
