"""Which engine a job runs on: the ``engine`` setting and its validation.

``pandas`` (the default) runs everything in memory with the reference implementations and suits
small studies; ``duckdb`` runs linking, indicators and register matching inside an embedded
DuckDB database (one machine, larger than memory); ``spark`` runs the same SQL on Apache Spark
(a cluster, or local mode for testing). Results are identical across engines.
"""

from __future__ import annotations

from typing import Literal, get_args

from impact.errors import InputError, Problem

Engine = Literal["pandas", "duckdb", "spark"]
#: Every engine name, in the order they are documented.
ENGINES: tuple[str, ...] = get_args(Engine)
#: The engine used when none is chosen.
DEFAULT_ENGINE: Engine = "pandas"


def check_engine(engine: object, source: str = "engine") -> Engine:
    """Return ``engine`` when it names a known engine, else raise a clear error.

    Parameters
    ----------
    engine : object
        The requested engine (``"pandas"``, ``"duckdb"`` or ``"spark"``; case-insensitive).
    source : str
        Where the value came from (a config key or a function), named in the error.

    Returns
    -------
    Engine
        The engine name in lower case.

    Raises
    ------
    InputError
        When ``engine`` is not one of :data:`ENGINES`.
    """
    name = engine.strip().lower() if isinstance(engine, str) else engine
    if name not in ENGINES:
        raise InputError(
            "Unknown engine",
            [Problem(source, f"one of {', '.join(ENGINES)}", column="engine", value=repr(engine))],
        )
    return name  # type: ignore[return-value]
