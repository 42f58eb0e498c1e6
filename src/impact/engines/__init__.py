"""Where the work happens: pandas, DuckDB or Spark sessions and their SQL dialects.

The lowest layer under the stages. ``engine`` chooses where linking
(:func:`impact.link.link_study`), the indicators (:func:`impact.indicators.compute_indicators`)
and register matching (:func:`impact.analysis.matching.match_persons`) run: ``pandas`` (default,
small studies), ``duckdb`` (embedded, one machine, larger than memory) or ``spark`` (a cluster;
local mode in tests). This package holds only the engine choice (:mod:`.selection`), the
sessions (:mod:`.sessions`; a job's session and temporary tables: :mod:`.jobs`) and the SQL
dialects (:mod:`.dialect`); each stage compiles its own
SQL. It imports nothing from the stages. See ``docs/scale.md``.
"""

from impact.engines.jobs import TemporaryTables, session_for
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
    "DEFAULT_ENGINE",
    "ENGINES",
    "DuckDBSession",
    "Engine",
    "EngineSession",
    "SparkEngineSession",
    "TemporaryTables",
    "check_engine",
    "open_session",
    "require_spark",
    "session_for",
    "spark_session",
]
