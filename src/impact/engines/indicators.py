"""Indicators on DuckDB or Spark: the definitions compiled to SQL, only aggregates come back.

:func:`indicators_at_scale` evaluates the declarative indicator definitions
(:mod:`impact.indicators`) where the linked panel lives. With ``engine="pandas"`` it calls
:func:`impact.indicators.compute_indicators`; with ``duckdb`` or ``spark`` every definition is
compiled by :mod:`impact.engines.sql_indicators` and the indicator table is built in the engine
by one ``CREATE TABLE … AS SELECT`` (one nested layer per level of indicators reading
indicators). Python receives only aggregates — per indicator and group: persons, available,
missing, true (or sum), share (or mean) — and the missing counts by reason, unless the
indicator table is asked for (``collect=True``, for tests and small panels).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from impact.engines import indicators_sql
from impact.engines.selection import Engine, check_engine
from impact.engines.sessions import EngineSession, open_session, temp_name
from impact.engines.sql_indicators import CompiledIndicator, compile_indicator
from impact.errors import InputError, Problem
from impact.indicators import expr_ast
from impact.indicators.compute import (
    Definitions,
    check_panel,
    compute_indicators,
    person_columns,
)
from impact.indicators.expr_eval import EvaluationError
from impact.indicators.metadata import build_metadata, freeze
from impact.indicators.missing import MissingCounts, missing_counts
from impact.indicators.registry import BoundIndicator, load_registry
from impact.results import Result

logger = logging.getLogger(__name__)

#: Columns of :meth:`ScaledIndicators.tidy`.
AGGREGATE_COLUMNS = [
    "group_by",
    "group",
    "indicator",
    "kind",
    "n",
    "n_available",
    "n_missing",
    "n_true",
    "share",
    "sum",
    "mean",
]
ROW_COLUMN = "_impact_row"
ALL = "all"


@dataclass(frozen=True, repr=False)
class ScaledIndicators(Result):
    """Indicator aggregates computed on an engine.

    Attributes
    ----------
    engine : str
        ``pandas``, ``duckdb`` or ``spark``.
    aggregates : pandas.DataFrame
        One row per grouping (``group_by`` = ``all`` or a group column), group value and
        indicator: ``n`` persons, ``n_available``, ``n_missing``; for true/false indicators
        ``n_true`` and ``share`` (= n_true / n_available), for counts ``sum`` and ``mean``.
    missing : MissingCounts
        Missing values per indicator split by reason (as :func:`impact.indicators.missing_counts`).
    table : str or None
        Name of the indicator table left in the engine (``keep_table=True``).
    indicators : pandas.DataFrame or None
        The indicator table itself, when ``collect=True``.
    """

    engine: str
    aggregates: pd.DataFrame
    missing: MissingCounts
    table: str | None = None
    indicators: pd.DataFrame | None = None
    title = "Indicator aggregates"

    def tidy(self) -> pd.DataFrame:
        """Return the aggregates (columns :data:`AGGREGATE_COLUMNS`)."""
        return self.aggregates.copy()

    def summary(self) -> str:
        """Return the overall share (or mean) of every indicator."""
        overall = self.aggregates[self.aggregates["group_by"] == ALL]
        persons = int(overall["n"].max()) if len(overall) else 0
        lines = [f"{self.title} ({self.engine}, {persons} persons):"]
        for row in overall.itertuples(index=False):
            value = row.share if row.kind == "boolean" else row.mean
            shown = "missing" if pd.isna(value) else f"{value:.3f}"
            lines.append(f"  {row.indicator}: {shown} (n available {row.n_available})")
        return "\n".join(lines)


def _finish_aggregates(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    for column in ("n", "n_available", "n_true"):
        out[column] = out[column].astype("Int64")
    out["n_missing"] = (out["n"] - out["n_available"]).astype("Int64")
    out["sum"] = out["sum"].astype("Float64")
    available = out["n_available"].astype("Float64")
    out["share"] = (out["n_true"].astype("Float64") / available).where(available > 0, pd.NA)
    out["mean"] = (out["sum"] / available).where(available > 0, pd.NA)
    out.loc[out["kind"] != "boolean", ["share"]] = pd.NA
    out.loc[out["kind"] != "number", ["mean"]] = pd.NA
    out["group"] = out["group"].astype("string")
    out = out.sort_values(["group_by", "group", "indicator"], na_position="last", kind="stable")
    return out[AGGREGATE_COLUMNS].reset_index(drop=True)


def aggregate_pandas(
    table: pd.DataFrame, kinds: Mapping[str, str], groups: Sequence[str] = ()
) -> pd.DataFrame:
    """Aggregate an indicator table in pandas (the reference for the SQL engines).

    Parameters
    ----------
    table : pandas.DataFrame
        Indicator table (``compute_indicators`` output).
    kinds : mapping
        Indicator id → ``boolean`` or ``number``.
    groups : sequence of str
        Person-level columns to split by (besides the overall row).
    """
    rows = []
    for group_by in [None, *groups]:
        keys = (
            pd.Series(pd.NA, index=table.index, dtype="string")
            if group_by is None
            else table[group_by].astype("string")
        )
        for ident, kind in kinds.items():
            values = table[ident]
            frame = pd.DataFrame({"key": keys, "value": values})
            grouped = frame.groupby("key", dropna=False, sort=False)["value"]
            n = grouped.size()
            available = grouped.count()
            if kind == "boolean":
                trues = grouped.apply(lambda v: int(v.fillna(False).astype(bool).sum()))
                total = pd.Series(np.nan, index=n.index)
            else:
                trues = pd.Series(pd.NA, index=n.index)
                total = grouped.apply(lambda v: float(v.dropna().astype(float).sum()))
            for key in n.index:
                rows.append(
                    {
                        "group_by": group_by or ALL,
                        "group": key,
                        "indicator": ident,
                        "kind": kind,
                        "n": int(n[key]),
                        "n_available": int(available[key]),
                        "n_true": trues[key],
                        "sum": total[key] if kind == "number" else pd.NA,
                    }
                )
    return _finish_aggregates(pd.DataFrame(rows))


def _kinds(bound: list[BoundIndicator]) -> dict[str, str]:
    return {b.id: ("boolean" if b.definition.kind == "boolean" else "number") for b in bound}


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
    problems: list[Problem] = []
    for indicator in bound:
        for column in indicator.columns:
            if column not in columns:
                problems.append(
                    Problem(
                        "linked panel",
                        f"column read by indicator '{indicator.id}' (override the definition if"
                        " your questionnaire lacks this question)",
                        column=column,
                    )
                )
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


def _run_sql(
    session: EngineSession,
    panel: pd.DataFrame | str,
    definitions: Definitions,
    params: Mapping[str, Any] | None,
    groups: Sequence[str],
    collect: bool,
    keep: bool,
) -> ScaledIndicators:
    registry = load_registry(definitions)
    bound = registry.bind(params)
    created: list[str] = []
    if isinstance(panel, pd.DataFrame):
        source = session.put(
            panel.assign(**{ROW_COLUMN: np.arange(len(panel))}), temp_name("panel")
        )
        created.append(source)
    else:
        source = panel
        if not session.has_table(source):
            raise InputError(
                "Panel table not found in the engine",
                [
                    Problem(
                        session.engine, "an existing table or view", column="panel", value=source
                    )
                ],
            )
    try:
        columns = list(session.column_types(source))
        _check_columns(session, source, columns, bound, registry.ids)
        missing_groups = [g for g in groups if g not in columns]
        if missing_groups:
            raise InputError(
                "Group columns not in the panel",
                [
                    Problem("linked panel", "a person-level column", column=g)
                    for g in missing_groups
                ],
            )
        needed = sorted(
            {c for b in bound for c in b.columns}
            | {c for c in columns if c.startswith("responded_")}
        )
        kinds = _column_kinds(session, source, needed)
        compiled = _compile_all(bound, session, kinds)
        passed = person_columns(pd.DataFrame(columns=[c for c in columns if c != ROW_COLUMN]))
        kept_columns = passed + [g for g in groups if g not in passed]
        kept_columns += [ROW_COLUMN] if ROW_COLUMN in columns else []
        full = session.create(
            temp_name("indicators"),
            indicators_sql.layered_query(session, source, bound, compiled, kept_columns),
        )
        order = {c.id: i for i, c in enumerate(compiled)}
        compiled_out = [compiled[order[i]] for i in registry.ids]
        counts = session.fetch(indicators_sql.missing_query(session, full, compiled_out))
        for i, c in enumerate(compiled_out):
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
        missing = indicators_sql.missing_table(counts, compiled_out, bound)
        kinds_out = {c.id: c.kind for c in compiled_out}
        rows = []
        for group_by in [None, *groups]:
            result = session.fetch(
                indicators_sql.group_query(session, full, compiled_out, group_by)
            )
            for record in result.to_dict("records"):
                for i, c in enumerate(compiled_out):
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
                            "sum": (0.0 if pd.isna(total) else total)
                            if c.kind == "number"
                            else pd.NA,
                        }
                    )
        aggregates = _finish_aggregates(pd.DataFrame(rows))
        q = session.dialect.quote
        select = ", ".join(q(c) for c in passed + registry.ids)
        indicators = None
        if collect:
            order_by = (
                ROW_COLUMN
                if ROW_COLUMN in columns
                else ("person_id" if "person_id" in columns else None)
            )
            tail = f" ORDER BY {q(order_by)}" if order_by else ""
            indicators = session.fetch(f"SELECT {select} FROM {q(full)}{tail}")
            for ident, kind in kinds_out.items():
                indicators[ident] = indicators[ident].astype(
                    "boolean" if kind == "boolean" else "Int64"
                )
        table = None
        if keep:
            table = session.create(temp_name("indicator_table"), f"SELECT {select} FROM {q(full)}")
        created.append(full)
    finally:
        for name in created:
            session.drop(name)
    return ScaledIndicators(session.engine, aggregates, missing, table, indicators)


def indicators_at_scale(
    panel: pd.DataFrame | str,
    *,
    engine: Engine = "pandas",
    definitions: Definitions = None,
    params: Mapping[str, Any] | None = None,
    groups: Sequence[str] = (),
    session: EngineSession | None = None,
    collect: bool = False,
    keep_table: bool = False,
) -> ScaledIndicators:
    """Compute the indicators on an engine and return their aggregates.

    Parameters
    ----------
    panel : pandas.DataFrame or str
        The linked panel, or the name of a table already in the engine's ``session``.
    engine : {"pandas", "duckdb", "spark"}
        Where to compute.
    definitions, params
        As for :func:`impact.indicators.compute_indicators`.
    groups : sequence of str
        Person-level columns to aggregate by (e.g. ``["round_id", "gender"]``).
    session : EngineSession, optional
        An open session (see :func:`impact.engines.open_session`). Default: a session opened
        and closed for this call.
    collect : bool
        Also return the indicator table as pandas (person-level columns and indicators).
    keep_table : bool
        Leave the indicator table in the ``session`` (its name in ``result.table``), for
        further SQL; needs a session.

    Returns
    -------
    ScaledIndicators

    Raises
    ------
    InputError
        As ``compute_indicators`` (missing columns, bad parameters, rules that do not fit the
        data), or for an unknown engine or panel table.
    """
    engine = check_engine(engine)
    groups = list(groups)
    if engine == "pandas":
        if not isinstance(panel, pd.DataFrame):
            raise InputError(
                "engine 'pandas' needs the panel as a DataFrame",
                [Problem("panel", "a pandas DataFrame", value=type(panel).__name__)],
            )
        missing_groups = [g for g in groups if g not in panel.columns]
        if missing_groups:
            raise InputError(
                "Group columns not in the panel",
                [
                    Problem("linked panel", "a person-level column", column=g)
                    for g in missing_groups
                ],
            )
        table = compute_indicators(panel, definitions, params)
        bound = load_registry(definitions).bind(params)
        kinds = {i: _kinds(bound)[i] for i in load_registry(definitions).ids}
        return ScaledIndicators(
            "pandas",
            aggregate_pandas(table, kinds, groups),
            missing_counts(table),
            None,
            table if collect else None,
        )
    if session is not None and session.engine != engine:
        raise InputError(
            "The session belongs to another engine",
            [Problem("session", f"a {engine} session", value=session.engine)],
        )
    if keep_table and session is None:
        raise InputError(
            "keep_table needs a session to keep the table in",
            [Problem("indicators", "a session from impact.engines.open_session", column="session")],
        )
    own = session is None
    active = open_session(engine) if own else session
    try:
        return _run_sql(active, panel, definitions, params, groups, collect, keep=keep_table)
    finally:
        if own:
            active.close()


def indicator_table(
    panel: pd.DataFrame,
    *,
    engine: Engine = "pandas",
    definitions: Definitions = None,
    params: Mapping[str, Any] | None = None,
    session: EngineSession | None = None,
) -> pd.DataFrame:
    """The person-level indicator table of :func:`~impact.indicators.compute_indicators`,
    with the indicators evaluated on ``engine``.

    This is what ``impact run`` uses when a study sets ``engine: duckdb`` or ``spark``: the
    panel is checked exactly as ``compute_indicators`` checks it (same errors), the rules run
    as SQL in the engine, and the result — the panel's person-level columns, one column per
    indicator, and ``attrs["indicators"]`` with definitions, parameters and missing counts —
    equals ``compute_indicators(panel, definitions, params)``.

    Parameters
    ----------
    panel : pandas.DataFrame
        The linked panel.
    engine : {"pandas", "duckdb", "spark"}
        Where the rules are evaluated.
    definitions, params
        As for :func:`impact.indicators.compute_indicators`.
    session : EngineSession, optional
        An open session of ``engine`` (default: one opened for this call).

    Returns
    -------
    pandas.DataFrame
    """
    engine = check_engine(engine)
    if engine == "pandas":
        return compute_indicators(panel, definitions, params)
    registry = load_registry(definitions)
    bound = registry.bind(params)
    check_panel(panel, bound)
    passed = person_columns(panel)
    scaled = indicators_at_scale(
        panel,
        engine=engine,
        definitions=registry,
        params=params,
        session=session,
        collect=True,
    )
    values = scaled.indicators[list(registry.ids)].set_axis(panel.index)
    table = pd.concat([panel[passed], values], axis=1)
    counts = scaled.missing.as_metadata()
    table.attrs = {"indicators": freeze(build_metadata(registry, bound, counts))}
    logger.info(
        "computed %d indicators for %d persons on %s", len(registry.ids), len(panel), engine
    )
    return table
