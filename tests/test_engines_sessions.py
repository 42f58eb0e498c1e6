"""Engine selection and sessions: validation, clear errors when Spark cannot run, dialects."""

from __future__ import annotations

import builtins

import pandas as pd
import pytest

from impact.engines import ENGINES, check_engine, open_session, require_spark
from impact.engines.dialect import Dialect
from impact.engines.sessions import arrow_to_pandas
from impact.errors import ImpactError, InputError


def test_engine_names():
    assert ENGINES == ("pandas", "duckdb", "spark")
    assert check_engine(" DuckDB ") == "duckdb"
    with pytest.raises(InputError) as error:
        check_engine("polars", source="study config")
    assert "pandas, duckdb, spark" in str(error.value) and "study config" in str(error.value)
    with pytest.raises(ImpactError, match="no SQL session"):
        open_session("pandas")


def test_missing_pyspark_is_a_clear_error(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError("No module named 'pyspark'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImpactError, match="pip install 'pyspark>=4.0'"):
        require_spark()


def test_missing_java_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr("impact.engines.sessions.shutil.which", lambda name: None)
    with pytest.raises(ImpactError, match="Java runtime"):
        require_spark()


def test_duckdb_session_round_trip():
    frame = pd.DataFrame(
        {
            "n": pd.array([1, None, 3], dtype="Int64"),
            "b": pd.array([True, None, False], dtype="boolean"),
            "s": pd.array(["a", None, "c"], dtype="string"),
            "x": pd.array([0.5, None, 2.0], dtype="Float64"),
        }
    )
    with open_session("duckdb", memory_limit="1GB", threads=1) as session:
        session.put(frame, "t")
        assert session.has_table("t") and not session.has_table("u")
        assert session.column_types("t") == {
            "n": "number",
            "b": "boolean",
            "s": "string",
            "x": "number",
        }
        back = session.fetch('SELECT * FROM "t"')
        pd.testing.assert_frame_equal(back, frame, check_dtype=False)
        assert str(back["n"].dtype) == "Int64" and str(back["b"].dtype) == "boolean"
        session.drop("t")
        assert not session.has_table("t")


def test_dialects_quote_and_escape():
    duck, spark = Dialect("duckdb"), Dialect("spark")
    assert duck.quote("a b") == '"a b"' and spark.quote("a`b") == "`a``b`"
    assert duck.text("it's") == "'it''s'" and spark.text("a\\b") == "'a\\\\b'"
    assert duck.literal(True) == "TRUE" and duck.literal(2) == "2"
    assert duck.literal(0.5) == "CAST(0.5 AS DOUBLE)"
    assert (
        duck.null("string") == "CAST(NULL AS VARCHAR)"
        and spark.null("string") == "CAST(NULL AS STRING)"
    )


def test_arrow_decimals_become_floats():
    from decimal import Decimal

    import pyarrow as pa

    table = pa.table({"d": pa.array([Decimal("1.5"), None], type=pa.decimal128(4, 1))})
    assert str(arrow_to_pandas(table)["d"].dtype) == "Float64"
