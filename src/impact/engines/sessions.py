"""Connections to the engines: an in-process DuckDB database or a Spark session.

:func:`open_session` returns an :class:`EngineSession` with the same small interface for both
engines — load a pandas table, create a table from SQL, fetch a (small) result as pandas, list
a table's columns, and hand Splink its database API — so the scaling code is written once.

* **DuckDB** runs in process; a new in-memory database per session unless a connection is
  passed (then its tables can be used directly). ``memory_limit`` and ``threads`` bound it.
* **Spark** uses the active session if there is one, else starts a local session
  (``local[2]``, two shuffle partitions, no web UI, quiet logging) once per process.
  Spark is optional: without ``pyspark`` or Java a clear :class:`~impact.errors.ImpactError`
  says what to install.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
from abc import ABC, abstractmethod
from typing import Any

import pandas as pd
import pyarrow as pa

from impact.engines.dialect import Dialect
from impact.engines.selection import check_engine
from impact.errors import ImpactError

logger = logging.getLogger(__name__)

#: Settings of the local Spark session started when none is active.
SPARK_LOCAL_CONF: dict[str, str] = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "2g",
    "spark.sql.adaptive.enabled": "true",
}
_COUNTER = itertools.count()


def temp_name(stem: str) -> str:
    """A fresh table name for intermediate results (``impact_<stem>_<n>``)."""
    return f"impact_{stem}_{next(_COUNTER)}"


def _nullable(arrow_type: pa.DataType) -> Any:
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return pd.Float64Dtype()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("python")
    return None


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """Convert an Arrow table to pandas with nullable dtypes (``Int64``, ``boolean`` …)."""
    casts = {
        f.name: pa.float64()
        for f in table.schema
        if pa.types.is_decimal(f.type) or pa.types.is_floating(f.type)
    }
    for name, target in casts.items():
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, table.column(name).cast(target))
    frame = table.to_pandas(types_mapper=_nullable)
    return frame


def _kind(type_name: str) -> str:
    t = type_name.lower()
    if t.startswith("bool"):
        return "boolean"
    if any(
        t.startswith(p)
        for p in (
            "tinyint",
            "smallint",
            "int",
            "bigint",
            "hugeint",
            "long",
            "short",
            "byte",
            "float",
            "double",
            "decimal",
            "real",
            "ubigint",
            "uinteger",
            "usmallint",
            "utinyint",
            "numeric",
        )
    ):
        return "number"
    if t.startswith(("varchar", "string", "text", "char")):
        return "string"
    if t.startswith(("date", "timestamp", "time", "interval")):
        return "datetime"
    if t in ('"null"', "null", "void"):
        return "null"
    return "other"


class EngineSession(ABC):
    """A connection to one engine with the operations the scaling code needs."""

    engine: str
    dialect: Dialect

    @abstractmethod
    def put(self, frame: pd.DataFrame, name: str) -> str:
        """Store a pandas table in the engine under ``name``; return the name."""

    @abstractmethod
    def create(self, name: str, query: str) -> str:
        """Materialise the result of ``query`` as table ``name``; return the name."""

    @abstractmethod
    def fetch(self, query: str) -> pd.DataFrame:
        """Run ``query`` and return its (small) result as pandas with nullable dtypes."""

    @abstractmethod
    def column_types(self, name: str) -> dict[str, str]:
        """Column → kind: ``boolean``, ``number``, ``string``, ``datetime``, ``null``, ``other``."""

    @abstractmethod
    def has_table(self, name: str) -> bool:
        """Whether a table or view named ``name`` exists."""

    @abstractmethod
    def drop(self, name: str) -> None:
        """Remove a table created by this session (no error when absent)."""

    @abstractmethod
    def splink_api(self) -> Any:
        """Splink's database API object for this engine."""

    @abstractmethod
    def close(self) -> None:
        """Release what this session opened (the shared Spark session stays up)."""

    def __enter__(self) -> EngineSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DuckDBSession(EngineSession):
    """An in-process DuckDB database.

    Parameters
    ----------
    connection : duckdb.DuckDBPyConnection, optional
        An open connection whose tables may be used; default a new in-memory database, closed
        with the session.
    memory_limit : str, optional
        DuckDB's ``memory_limit`` (e.g. ``"4GB"``); beyond it DuckDB spills to disk.
    threads : int, optional
        Worker threads (default: all cores).
    """

    engine = "duckdb"
    dialect = Dialect("duckdb")

    def __init__(
        self, connection: Any = None, memory_limit: str | None = None, threads: int | None = None
    ):
        import duckdb

        self._owned = connection is None
        self.con = connection if connection is not None else duckdb.connect()
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")

    def put(self, frame: pd.DataFrame, name: str) -> str:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        self.con.register("impact_incoming", table)
        try:
            target = self.dialect.quote(name)
            self.con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT * FROM impact_incoming")
        finally:
            self.con.unregister("impact_incoming")
        return name

    def create(self, name: str, query: str) -> str:
        self.con.execute(f"CREATE OR REPLACE TABLE {self.dialect.quote(name)} AS {query}")
        return name

    def fetch(self, query: str) -> pd.DataFrame:
        return arrow_to_pandas(self.con.sql(query).to_arrow_table())

    def column_types(self, name: str) -> dict[str, str]:
        rows = self.con.execute(f"DESCRIBE {self.dialect.quote(name)}").fetchall()
        return {r[0]: _kind(str(r[1])) for r in rows}

    def has_table(self, name: str) -> bool:
        found = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        return bool(found and found[0])

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {self.dialect.quote(name)}")

    def splink_api(self) -> Any:
        from splink import DuckDBAPI

        return DuckDBAPI(connection=self.con)

    def close(self) -> None:
        if self._owned:
            self.con.close()


def require_spark() -> None:
    """Raise :class:`ImpactError` unless pyspark and a Java runtime are available."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ImpactError(
            "engine 'spark' needs pyspark: install it with `pip install 'pyspark>=4.0'` (and a "
            "Java 17+ runtime), or choose engine 'duckdb'"
        ) from None
    java_home = os.environ.get("JAVA_HOME")
    has_java = bool(java_home and os.path.exists(os.path.join(java_home, "bin", "java")))
    if not has_java and shutil.which("java") is None:
        raise ImpactError(
            "engine 'spark' needs a Java runtime (Java 17 or later): install one and put `java` "
            "on the PATH or set JAVA_HOME, or choose engine 'duckdb'"
        )


def spark_session(conf: dict[str, str] | None = None) -> Any:
    """Return the active Spark session, or start a quiet local one (``local[2]``).

    Parameters
    ----------
    conf : dict, optional
        Settings overriding :data:`SPARK_LOCAL_CONF` when a new session is started.

    Raises
    ------
    ImpactError
        When pyspark or Java is missing, or the session cannot start.
    """
    require_spark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.master("local[2]").appName("impact")
    for key, value in {**SPARK_LOCAL_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # Java gateway failures surface as generic exceptions
        raise ImpactError(f"Spark could not start a local session: {error}") from None
    session.sparkContext.setLogLevel("ERROR")
    for name in ("py4j", "pyspark"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return session


class SparkEngineSession(EngineSession):
    """A Spark session; tables are temporary views over locally checkpointed DataFrames.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession, optional
        The session to use; default :func:`spark_session`.
    """

    engine = "spark"
    dialect = Dialect("spark")

    def __init__(self, spark: Any = None):
        self.spark = spark if spark is not None else spark_session()
        self._persisted: dict[str, Any] = {}

    def _register(self, frame: Any, name: str) -> str:
        self.drop(name)
        # materialise and cut the lineage: later queries plan against this table only,
        # not against every step that made it (Catalyst slows down badly on deep plans)
        frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        self._persisted[name] = frame
        return name

    def put(self, frame: pd.DataFrame, name: str) -> str:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        return self._register(self.spark.createDataFrame(table), name)

    def create(self, name: str, query: str) -> str:
        return self._register(self.spark.sql(query), name)

    def fetch(self, query: str) -> pd.DataFrame:
        return arrow_to_pandas(self.spark.sql(query).toArrow())

    def column_types(self, name: str) -> dict[str, str]:
        return {f.name: _kind(f.dataType.simpleString()) for f in self.spark.table(name).schema}

    def has_table(self, name: str) -> bool:
        return bool(self.spark.catalog.tableExists(name))

    def drop(self, name: str) -> None:
        frame = self._persisted.pop(name, None)
        if frame is not None:
            frame.unpersist()
        self.spark.catalog.dropTempView(name)

    def splink_api(self) -> Any:
        from splink.backends.spark import SparkAPI

        class _UncachedSparkAPI(SparkAPI):
            """Splink's Spark API without caching its intermediate tables.

            Splink persists every intermediate table and never releases them; each cached
            plan slows the analysis of every later query in the session. The session caches
            the one table it keeps from Splink (the compared pairs) itself.
            """

            def _break_lineage_and_repartition(self, spark_df, templated_name, physical_name):
                return spark_df

        return _UncachedSparkAPI(
            spark_session=self.spark,
            break_lineage_method="persist",
            register_udfs_automatically=False,
        )

    def close(self) -> None:
        for name in list(self._persisted):
            self.drop(name)


def open_session(engine: str, connection: Any = None, **options: Any) -> EngineSession:
    """Open a session on a SQL engine.

    Parameters
    ----------
    engine : {"duckdb", "spark"}
        The engine (``pandas`` has no session).
    connection : optional
        An existing DuckDB connection or Spark session to use.
    **options
        ``memory_limit`` and ``threads`` for DuckDB.

    Raises
    ------
    ImpactError
        For ``pandas`` or an unknown engine, or when Spark is unavailable.
    """
    name = check_engine(engine)
    if name == "duckdb":
        return DuckDBSession(connection, **options)
    if name == "spark":
        return SparkEngineSession(connection)
    raise ImpactError("engine 'pandas' runs in memory and has no SQL session")
