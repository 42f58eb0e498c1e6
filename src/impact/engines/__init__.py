"""Run linking, indicators and register matching on pandas, DuckDB or Spark.

The ``engine`` setting chooses where the work happens: ``pandas`` (default, small studies),
``duckdb`` (embedded, one machine, larger than memory) or ``spark`` (a cluster; local mode in
tests). Results are identical across engines. See ``docs/scale.md``.
"""

from impact.engines.indicators import ScaledIndicators, indicator_table, indicators_at_scale
from impact.engines.link_blocking import BLOCKINGS, Blocking
from impact.engines.link_scale import ScaleLinkResult, link_at_scale
from impact.engines.matching import ScaledMatching, match_at_scale, matched_set
from impact.engines.selection import DEFAULT_ENGINE, ENGINES, Engine, check_engine
from impact.engines.sessions import (
    DuckDBSession,
    EngineSession,
    SparkEngineSession,
    open_session,
    require_spark,
    spark_session,
)

__all__ = [
    "BLOCKINGS",
    "DEFAULT_ENGINE",
    "ENGINES",
    "Blocking",
    "DuckDBSession",
    "Engine",
    "EngineSession",
    "ScaleLinkResult",
    "ScaledIndicators",
    "ScaledMatching",
    "SparkEngineSession",
    "check_engine",
    "indicator_table",
    "indicators_at_scale",
    "link_at_scale",
    "match_at_scale",
    "matched_set",
    "open_session",
    "require_spark",
    "spark_session",
]
