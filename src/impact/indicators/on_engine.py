"""Indicators on DuckDB or Spark: the definitions compiled to SQL and run where the panel is.

With ``engine="duckdb"`` or ``"spark"``, :func:`impact.indicators.compute_indicators` and
:func:`impact.indicators.aggregate_indicators` come here: every definition is compiled by
:mod:`impact.indicators.sql_compile` and the indicator table is built in the engine by one
``CREATE TABLE … AS SELECT`` (one nested layer per level of indicators reading indicators,
:mod:`impact.indicators.sql_queries`). Python receives the aggregates — per indicator and
group: persons, available, missing, true (or sum), share (or mean) — and the missing counts by
reason, and the indicator table only when it is asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from impact.engines.jobs import TemporaryTables
from impact.engines.sessions import EngineSession, temp_name
from impact.errors import InputError, Problem
from impact.indicators import expr_ast, sql_queries
from impact.indicators.aggregates import ALL, IndicatorAggregates, finish_aggregates
from impact.indicators.expr_eval import EvaluationError
from impact.indicators.metadata import build_metadata, freeze
from impact.indicators.panel_check import (
    Definitions,
    check_panel,
    missing_column_problems,
    person_columns,
)
from impact.indicators.registry import BoundIndicator, IndicatorRegistry, load_registry
from impact.indicators.sql_compile import CompiledIndicator, compile_indicator

logger = logging.getLogger(__name__)

ROW_COLUMN = "_impact_row"


def _column_kinds(session: EngineSession, table: str, needed: list[str]) -> dict[str, str]:
    types = session.column_types(table)
    wanted = [c for c in needed if c in types]
    if not wanted:
        return types
    q = session.dialect.quote
    counts = session.fetch(
        "SELECT "
        + ", ".join(f"COUNT({q(c)}) AS c{i}" for i, c in enumerate(wanted))
        + f" FROM {q(table)}"
    )
    kinds = dict(types)
    for i, column in enumerate(wanted):
        if int(counts[f"c{i}"].iloc[0]) == 0:
            kinds[column] = "null"
    return kinds


def _check_columns(
    session: EngineSession,
    table: str,
    columns: list[str],
    bound: list[BoundIndicator],
    ids: list[str],
) -> None:
    problems = missing_column_problems(columns, bound)
    if "person_id" in columns:
        q = session.dialect.quote
        found = session.fetch(
            f"SELECT COUNT(*) AS n FROM (SELECT {q('person_id')} FROM {q(table)} "
            f"WHERE {q('person_id')} IS NOT NULL GROUP BY {q('person_id')} "
            "HAVING COUNT(*) > 1) AS d"
        )
        repeated = int(found["n"].iloc[0])
        if repeated:
            problems.append(
                Problem(
                    "linked panel",
                    "one row per person",
                    column="person_id",
                    value=f"{repeated} repeated",
                )
            )
    clashes = [c for c in ids if c in columns]
    problems += [
        Problem("linked panel", "no column named like an indicator", column=c) for c in clashes
    ]
    if problems:
        raise InputError("The linked panel cannot be used for these indicators", problems)


def _compile_all(
    bound: list[BoundIndicator], session: EngineSession, kinds: dict[str, str]
) -> list[CompiledIndicator]:
    for column, kind in kinds.items():
        if column.startswith("responded_") and kind not in ("boolean", "null"):
            raise InputError(
                "The linked panel's response flags are not true/false",
                [Problem("linked panel", "true/false", column=column, value=kind)],
            )
    compiled: list[CompiledIndicator] = []
    done: dict[str, str] = {}
    for indicator in bound:
        try:
            item = compile_indicator(indicator, session.dialect, kinds, done)
        except EvaluationError as error:
            expression = expr_ast.to_text(error.node) if error.node is not None else None
            raise InputError(
                f"Indicator '{indicator.id}' cannot be computed",
                [
                    Problem(
                        f"indicator '{indicator.id}' ({indicator.source})",
                        error.reason,
                        column=error.column or "rule",
                        value=expression,
                    )
                ],
            ) from None
        compiled.append(item)
        done[indicator.id] = item.kind
    return compiled


@dataclass
class _Run:
    """One evaluation in a session: the source table and its columns, the temporary tables."""

    tables: TemporaryTables
    registry: IndicatorRegistry
    bound: list[BoundIndicator]
    source: str = ""
    columns: list[str] = field(default_factory=list)

    @property
    def session(self) -> EngineSession:
        return self.tables.session

    def load(self, panel: pd.DataFrame | str) -> None:
        """Put a DataFrame panel into the session, or check that the named table exists."""
        if isinstance(panel, pd.DataFrame):
            self.source = self.tables.put(
                panel.assign(**{ROW_COLUMN: np.arange(len(panel))}), "panel"
            )
        elif not self.session.has_table(panel):
            raise InputError(
                "Panel table not found in the engine",
                [
                    Problem(
                        self.session.engine,
                        "an existing table or view",
                        column="panel",
                        value=panel,
                    )
                ],
            )
        else:
            self.source = panel
        self.columns = list(self.session.column_types(self.source))


def _check_groups(columns: Sequence[str], groups: Sequence[str]) -> None:
    missing_groups = [g for g in groups if g not in columns]
    if missing_groups:
        raise InputError(
            "Group columns not in the panel",
            [Problem("linked panel", "a person-level column", column=g) for g in missing_groups],
        )


def _build_table(run: _Run, groups: Sequence[str]) -> tuple[str, list[CompiledIndicator]]:
    """Check the panel, compile the rules and create the indicator table in the session.

    Returns the table's name and the compiled indicators in the registry's order.
    """
    session, bound, columns = run.session, run.bound, run.columns
    _check_columns(session, run.source, columns, bound, run.registry.ids)
    _check_groups(columns, groups)
    needed = sorted(
        {c for b in bound for c in b.columns} | {c for c in columns if c.startswith("responded_")}
    )
    kinds = _column_kinds(session, run.source, needed)
    compiled = _compile_all(bound, session, kinds)
    passed = person_columns(pd.DataFrame(columns=[c for c in columns if c != ROW_COLUMN]))
    kept_columns = passed + [g for g in groups if g not in passed]
    kept_columns += [ROW_COLUMN] if ROW_COLUMN in columns else []
    full = run.tables.create(
        "indicators", sql_queries.layered_query(session, run.source, bound, compiled, kept_columns)
    )
    order = {c.id: i for i, c in enumerate(compiled)}
    return full, [compiled[order[i]] for i in run.registry.ids]


def _check_whole_numbers(counts: pd.DataFrame, compiled: list[CompiledIndicator]) -> None:
    for i, c in enumerate(compiled):
        if c.kind == "number" and int(counts[f"w{i}"].iloc[0]):
            raise InputError(
                f"Indicator '{c.id}' cannot be computed",
                [
                    Problem(
                        f"indicator '{c.id}'",
                        "a count indicator needs whole numbers",
                        column="rule",
                    )
                ],
            )


def _aggregate_rows(
    session: EngineSession, full: str, compiled: list[CompiledIndicator], groups: Sequence[str]
) -> pd.DataFrame:
    rows = []
    for group_by in [None, *groups]:
        result = session.fetch(sql_queries.group_query(session, full, compiled, group_by))
        for record in result.to_dict("records"):
            for i, c in enumerate(compiled):
                total = record[f"t{i}"]
                rows.append(
                    {
                        "group_by": group_by or ALL,
                        "group": record["grp"],
                        "indicator": c.id,
                        "kind": c.kind,
                        "n": record["n"],
                        "n_available": record[f"a{i}"],
                        "n_true": total if c.kind == "boolean" else pd.NA,
                        "sum": (0.0 if pd.isna(total) else total) if c.kind == "number" else pd.NA,
                    }
                )
    return finish_aggregates(pd.DataFrame(rows))


def _fetch_table(run: _Run, full: str, compiled: list[CompiledIndicator]) -> pd.DataFrame:
    """The indicator table as pandas, in the panel's row order."""
    q = run.session.dialect.quote
    passed = person_columns(pd.DataFrame(columns=[c for c in run.columns if c != ROW_COLUMN]))
    select = ", ".join(q(c) for c in passed + run.registry.ids)
    order_by = (
        ROW_COLUMN
        if ROW_COLUMN in run.columns
        else ("person_id" if "person_id" in run.columns else None)
    )
    tail = f" ORDER BY {q(order_by)}" if order_by else ""
    table = run.session.fetch(f"SELECT {select} FROM {q(full)}{tail}")
    for c in compiled:
        table[c.id] = table[c.id].astype("boolean" if c.kind == "boolean" else "Int64")
    return table


def aggregates_in_engine(
    session: EngineSession,
    panel: pd.DataFrame | str,
    definitions: Definitions,
    params: Mapping[str, Any] | None,
    groups: Sequence[str] = (),
    *,
    collect: bool = False,
    keep: bool = False,
) -> IndicatorAggregates:
    """Evaluate the indicators in ``session`` and return their aggregates.

    Parameters
    ----------
    session : EngineSession
        An open DuckDB or Spark session.
    panel : pandas.DataFrame or str
        The linked panel, or the name of a table in ``session``.
    definitions, params
        As for :func:`impact.indicators.compute_indicators`.
    groups : sequence of str
        Person-level columns to aggregate by.
    collect : bool
        Also bring the indicator table back as pandas (``result.indicators``).
    keep : bool
        Leave the indicator table in ``session`` (its name in ``result.table``).
    """
    registry = load_registry(definitions)
    with TemporaryTables(session) as tables:
        run = _Run(tables, registry, registry.bind(params))
        run.load(panel)
        full, compiled = _build_table(run, groups)
        counts = session.fetch(sql_queries.missing_query(session, full, compiled))
        _check_whole_numbers(counts, compiled)
        missing = sql_queries.missing_table(counts, compiled, run.bound)
        aggregates = _aggregate_rows(session, full, compiled, groups)
        indicators = _fetch_table(run, full, compiled) if collect else None
        table = _keep_table(run, full) if keep else None
    return IndicatorAggregates(session.engine, aggregates, missing, table, indicators)


def _keep_table(run: _Run, full: str) -> str:
    """A copy of the indicator table that stays in the session (not temporary)."""
    q = run.session.dialect.quote
    passed = person_columns(pd.DataFrame(columns=[c for c in run.columns if c != ROW_COLUMN]))
    select = ", ".join(q(c) for c in passed + run.registry.ids)
    return run.session.create(temp_name("indicator_table"), f"SELECT {select} FROM {q(full)}")


def table_in_engine(
    session: EngineSession,
    panel: pd.DataFrame,
    definitions: Definitions,
    params: Mapping[str, Any] | None,
) -> pd.DataFrame:
    """The indicator table of :func:`impact.indicators.compute_indicators`, evaluated in
    ``session``: the panel is checked as on pandas (same errors), the rules run as SQL, and the
    result equals the pandas one, ``attrs["indicators"]`` included."""
    registry = load_registry(definitions)
    bound = registry.bind(params)
    check_panel(panel, bound)
    passed = person_columns(panel)
    scaled = aggregates_in_engine(session, panel, registry, params, collect=True)
    values = scaled.indicators[list(registry.ids)].set_axis(panel.index)
    table = pd.concat([panel[passed], values], axis=1)
    counts = scaled.missing.as_metadata()
    table.attrs = {"indicators": freeze(build_metadata(registry, bound, counts))}
    logger.info(
        "computed %d indicators for %d persons on %s",
        len(registry.ids),
        len(panel),
        session.engine,
    )
    return table
