"""SQL for the indicator table and its aggregates (used by :mod:`impact.indicators.on_engine`).

* :func:`layered_query` — the indicator table: one nested ``SELECT`` per level of indicators
  reading indicators, each adding its indicators and two hidden flags per indicator
  (``_nr__<id>`` did not respond, ``_out__<id>`` outside the population);
* :func:`group_query` — persons, available values and trues (or sums) per group;
* :func:`missing_query` / :func:`missing_table` — missing values by reason, as
  :func:`impact.indicators.missing_counts` reports them.
"""

from __future__ import annotations

import pandas as pd

from impact.engines.sessions import EngineSession
from impact.indicators.missing import COLUMNS as MISSING_COLUMNS
from impact.indicators.missing import MissingCounts
from impact.indicators.registry import BoundIndicator
from impact.indicators.sql_compile import CompiledIndicator


def layered_query(
    session: EngineSession,
    table: str,
    bound: list[BoundIndicator],
    compiled: list[CompiledIndicator],
    keep: list[str],
) -> str:
    """One nested SELECT per dependency level; each adds its indicators and their flags.

    The result holds the ``keep`` columns of the panel (person-level columns, groups), the
    indicators and their flags — not the wave answers, which the aggregates do not need.
    """
    q = session.dialect.quote
    refs = {b.id: b.definition.references() for b in bound}
    depth: dict[str, int] = {}
    for b in bound:
        depth[b.id] = 1 + max((depth[r] for r in refs[b.id]), default=0)
    query = f"SELECT * FROM {q(table)}"
    for level in range(1, max(depth.values(), default=0) + 1):
        items = [c for c in compiled if depth[c.id] == level]
        columns = []
        for c in items:
            columns.append(f"{c.value} AS {q(c.id)}")
            columns.append(f"{c.not_responded} AS {q('_nr__' + c.id)}")
            columns.append(f"{c.outside} AS {q('_out__' + c.id)}")
        query = f"SELECT t{level}.*, {', '.join(columns)} FROM ({query}) AS t{level}"
    names = list(dict.fromkeys(keep))
    for c in compiled:
        names += [c.id, "_nr__" + c.id, "_out__" + c.id]
    return f"SELECT {', '.join(q(n) for n in names)} FROM ({query}) AS final"


def group_query(
    session: EngineSession, table: str, compiled: list[CompiledIndicator], group_by: str | None
) -> str:
    q = session.dialect.quote
    key = "CAST(NULL AS STRING)" if group_by is None else q(group_by)
    if group_by is None and session.engine == "duckdb":
        key = "CAST(NULL AS VARCHAR)"
    parts = [f"{key} AS grp", "COUNT(*) AS n"]
    for i, c in enumerate(compiled):
        col = q(c.id)
        parts.append(f"COUNT({col}) AS a{i}")
        if c.kind == "boolean":
            parts.append(f"SUM(CASE WHEN {col} THEN 1 ELSE 0 END) AS t{i}")
        else:
            parts.append(f"SUM(CAST({col} AS DOUBLE)) AS t{i}")
    tail = "" if group_by is None else f" GROUP BY {q(group_by)}"
    return f"SELECT {', '.join(parts)} FROM {q(table)}{tail}"


def missing_query(session: EngineSession, table: str, compiled: list[CompiledIndicator]) -> str:
    q = session.dialect.quote
    parts = ["COUNT(*) AS n"]
    for i, c in enumerate(compiled):
        col, nr, out = q(c.id), q("_nr__" + c.id), q("_out__" + c.id)
        parts += [
            f"SUM(CASE WHEN {col} IS NULL THEN 1 ELSE 0 END) AS m{i}",
            f"SUM(CASE WHEN {nr} THEN 1 ELSE 0 END) AS r{i}",
            f"SUM(CASE WHEN {out} AND {col} IS NULL THEN 1 ELSE 0 END) AS o{i}",
            f"SUM(CASE WHEN {col} IS NULL AND NOT {nr} AND NOT {out} THEN 1 ELSE 0 END) AS i{i}",
        ]
        if c.kind == "number":
            parts.append(f"SUM(CASE WHEN {col} <> FLOOR({col}) THEN 1 ELSE 0 END) AS w{i}")
    return f"SELECT {', '.join(parts)} FROM {q(table)}"


def missing_table(
    counts: pd.DataFrame, compiled: list[CompiledIndicator], bound: list[BoundIndicator]
) -> MissingCounts:
    versions = {b.id: b.definition.version for b in bound}
    row = counts.iloc[0]
    rows = []
    for i, c in enumerate(compiled):
        n, missing = int(row["n"]), int(row[f"m{i}"])
        rows.append(
            {
                "indicator": c.id,
                "version": versions[c.id],
                "n": n,
                "n_available": n - missing,
                "n_missing": missing,
                "n_not_responded": int(row[f"r{i}"]),
                "n_outside_population": int(row[f"o{i}"]),
                "n_missing_inputs": int(row[f"i{i}"]),
            }
        )
    table = pd.DataFrame(rows, columns=MISSING_COLUMNS)
    for column in MISSING_COLUMNS[1:]:
        table[column] = table[column].astype("Int64")
    return MissingCounts(table)
