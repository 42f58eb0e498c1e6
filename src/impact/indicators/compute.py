"""Compute the indicator table from the linked panel (the "Indicator table" contract).

For every definition, in dependency order: evaluate the rule, apply the population (persons
outside get ``pd.NA``, or ``false`` when the definition says ``outside: false``), then blank the
indicator for persons who did not answer a wave the indicator reads (``responded_<wave>`` false),
directly or through other indicators. The result has the panel's person-level columns followed by
one column per indicator (``boolean``; counts ``Int64``), and ``df.attrs["indicators"]`` holding
the definition ids, versions, rules, parameters and the missing counts per indicator.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from impact.engines.jobs import session_for
from impact.engines.selection import Engine, check_engine
from impact.engines.sessions import EngineSession
from impact.errors import InputError, Problem
from impact.indicators import expr_ast
from impact.indicators.aggregates import IndicatorAggregates, aggregate_pandas
from impact.indicators.expr_eval import EvaluationError, Evaluator, Value, classify
from impact.indicators.metadata import build_metadata, freeze
from impact.indicators.missing import missing_counts
from impact.indicators.on_engine import aggregates_in_engine, table_in_engine
from impact.indicators.panel_check import Definitions, check_panel, person_columns
from impact.indicators.registry import BoundIndicator, load_registry

logger = logging.getLogger(__name__)


def _responded(linked: pd.DataFrame, wave: str) -> pd.Series | None:
    column = f"responded_{wave}"
    if column not in linked.columns:
        return None
    try:
        value = classify(linked[column], column)
    except EvaluationError as error:
        raise InputError(
            "The linked panel's response flags are not true/false",
            [Problem("linked panel", "true/false", column=column, value=error.reason)],
        ) from None
    if value.kind not in ("boolean", "null"):
        raise InputError(
            "The linked panel's response flags are not true/false",
            [Problem("linked panel", "true/false", column=column, value=str(linked[column].dtype))],
        )
    return value.data.astype("boolean").fillna(False)


def _evaluation_problem(indicator: BoundIndicator, error: EvaluationError) -> InputError:
    expression = expr_ast.to_text(error.node) if error.node is not None else None
    problem = Problem(
        f"indicator '{indicator.id}' ({indicator.source})",
        error.reason,
        column=error.column or "rule",
        value=expression,
    )
    return InputError(f"Indicator '{indicator.id}' cannot be computed", [problem])


def _evaluate_one(
    indicator: BoundIndicator,
    evaluator: Evaluator,
    responded: Mapping[str, pd.Series | None],
) -> tuple[pd.Series, dict[str, int]]:
    index = evaluator.index
    try:
        value = evaluator.evaluate(indicator.rule)
        if indicator.definition.kind == "boolean":
            result = evaluator.require(value, "boolean", indicator.rule, "a true/false indicator")
        else:
            result = _as_count(value, indicator)
        population = (
            evaluator.condition(indicator.population) if indicator.population is not None else None
        )
    except EvaluationError as error:
        raise _evaluation_problem(indicator, error) from None
    not_responded = pd.Series(False, index=index)
    for wave in sorted(indicator.waves):
        flag = responded.get(wave)
        if flag is not None:
            not_responded |= ~flag
    outside = pd.Series(False, index=index)
    if population is not None:
        if indicator.definition.population and indicator.definition.population.outside == "false":
            result = (population & result).astype("boolean")
        else:
            outside = population.eq(False).fillna(False).astype(bool) & ~not_responded
            result = result.where(population.fillna(False).astype(bool), pd.NA)
    result = result.where(~not_responded, pd.NA)
    missing = result.isna()
    counts = {
        "n": int(len(result)),
        "missing": int(missing.sum()),
        "not_responded": int(not_responded.sum()),
        "outside_population": int((outside & missing).sum()),
        "missing_inputs": int((missing & ~not_responded & ~outside).sum()),
    }
    return result.rename(indicator.id), counts


def _as_count(value: Value, indicator: BoundIndicator) -> pd.Series:
    if value.kind == "null":
        return pd.Series(pd.NA, index=value.data.index, dtype="Int64")
    if value.kind != "number":
        raise EvaluationError(f"a count indicator needs a number, got {value.kind}", indicator.rule)
    data = value.data
    whole = data.dropna()
    if not (whole == whole.round()).all():
        raise EvaluationError("a count indicator needs whole numbers", indicator.rule)
    return data.astype("Int64")


def compute_indicators(
    linked: pd.DataFrame,
    definitions: Definitions = None,
    params: Mapping[str, Any] | None = None,
    *,
    engine: Engine = "pandas",
    session: EngineSession | None = None,
) -> pd.DataFrame:
    """Compute every indicator for every person of the linked panel.

    The same table on every engine: on ``duckdb`` or ``spark`` the panel is checked exactly as
    on pandas (same errors) and the rules run as SQL in the engine
    (:mod:`impact.indicators.on_engine`).

    Parameters
    ----------
    linked : pandas.DataFrame
        The linked panel: one row per person, wave columns prefixed ``b_``, ``r_``, ``f1_`` …,
        person-level columns (``person_id``, ``responded_b``, ``responded_r`` …) unprefixed.
    definitions : None, path, DefinitionSet, list of IndicatorDefinition or IndicatorRegistry
        None uses the built-in definitions; a YAML file (the study config's
        ``indicators.definitions``) adds definitions or replaces built-in ones with the same id.
    params : mapping, optional
        Parameter overrides (the study config's ``indicators.params``): ``{name: value}`` for
        every definition declaring ``name``, or ``{"id.name": value}`` for one definition.
    engine : {"pandas", "duckdb", "spark"}
        Where the rules are evaluated (``docs/scale.md``).
    session : EngineSession, optional
        An open session of ``engine`` (default: one opened for this call).

    Returns
    -------
    pandas.DataFrame
        The person-level columns, then one column per indicator (``boolean``; counts
        ``Int64``), ``pd.NA`` where missing; ``attrs["indicators"]`` holds the metadata
        (``definitions`` with id, version, rule, params, inputs; ``params``; ``missing``).

    Raises
    ------
    InputError
        For missing columns, unknown parameters, values their canonical field does not allow
        (wrong type, out of range, not a code: every offending cell of every column the
        indicators read, see :mod:`impact.indicators.panel_check`), or values a rule cannot use;
        an unknown engine, or a session of another engine.
    """
    engine = check_engine(engine)
    if engine != "pandas":
        with session_for(engine, session) as active:
            return table_in_engine(active, linked, definitions, params)
    registry = load_registry(definitions)
    bound = registry.bind(params)
    check_panel(linked, bound)
    passed = person_columns(linked)
    clashes = [i for i in registry.ids if i in passed]
    if clashes:
        raise InputError(
            "Indicator ids clash with panel columns",
            [
                Problem("linked panel", "no column named like an indicator", column=c)
                for c in clashes
            ],
        )
    cache: dict[str, Value] = {}

    def column(name: str) -> Value:
        if name not in cache:
            try:
                cache[name] = classify(linked[name], name)
            except EvaluationError as error:
                raise InputError(
                    "A panel column cannot be used in indicator rules",
                    [Problem("linked panel", error.reason, column=name)],
                ) from None
        return cache[name]

    waves = sorted({w for b in bound for w in b.waves})
    responded = {w: _responded(linked, w) for w in waves}
    for wave, flag in responded.items():
        if flag is None:
            logger.info("no responded_%s column: indicators are not blanked for non-response", wave)
    results: dict[str, pd.Series] = {}
    counts: dict[str, dict[str, int]] = {}
    for indicator in bound:
        evaluator = Evaluator(linked.index, column, results, indicator.params)
        results[indicator.id], counts[indicator.id] = _evaluate_one(indicator, evaluator, responded)
        logger.debug("computed %s: %s", indicator.id, counts[indicator.id])
    table = pd.concat([linked[passed]] + [results[i] for i in registry.ids], axis=1)
    table.attrs = {"indicators": freeze(build_metadata(registry, bound, counts))}
    return table


def aggregate_indicators(
    panel: pd.DataFrame | str,
    definitions: Definitions = None,
    params: Mapping[str, Any] | None = None,
    *,
    engine: Engine = "pandas",
    groups: Sequence[str] = (),
    session: EngineSession | None = None,
    keep_table: bool = False,
) -> IndicatorAggregates:
    """Compute the indicators and return their aggregates, overall and by group.

    On DuckDB or Spark only the aggregates leave the engine, so the panel may be a table of
    millions of persons already in the ``session``, passed by name.

    Parameters
    ----------
    panel : pandas.DataFrame or str
        The linked panel, or (DuckDB, Spark) the name of a table in ``session``.
    definitions, params, engine
        As for :func:`compute_indicators`.
    groups : sequence of str
        Person-level columns to aggregate by (e.g. ``["round_id", "gender"]``).
    session : EngineSession, optional
        An open session of ``engine`` (default: one opened for this call).
    keep_table : bool
        Leave the indicator table in ``session`` (its name in ``result.table``), for further
        SQL; needs a session.

    Returns
    -------
    IndicatorAggregates

    Raises
    ------
    InputError
        As :func:`compute_indicators`, or for group columns not in the panel, a panel table
        not in the engine, or ``keep_table`` without a session.
    """
    engine = check_engine(engine)
    groups = list(groups)
    if engine == "pandas":
        return _aggregate_on_pandas(panel, definitions, params, groups)
    if keep_table and session is None:
        raise InputError(
            "keep_table needs a session to keep the table in",
            [Problem("indicators", "a session from impact.engines.open_session", column="session")],
        )
    with session_for(engine, session) as active:
        return aggregates_in_engine(active, panel, definitions, params, groups, keep=keep_table)


def _aggregate_on_pandas(
    panel: pd.DataFrame | str,
    definitions: Definitions,
    params: Mapping[str, Any] | None,
    groups: list[str],
) -> IndicatorAggregates:
    if not isinstance(panel, pd.DataFrame):
        raise InputError(
            "engine 'pandas' needs the panel as a DataFrame",
            [Problem("panel", "a pandas DataFrame", value=type(panel).__name__)],
        )
    missing_groups = [g for g in groups if g not in panel.columns]
    if missing_groups:
        raise InputError(
            "Group columns not in the panel",
            [Problem("linked panel", "a person-level column", column=g) for g in missing_groups],
        )
    table = compute_indicators(panel, definitions, params)
    registry = load_registry(definitions)
    kinds = {
        b.id: ("boolean" if b.definition.kind == "boolean" else "number")
        for b in registry.bind(params)
    }
    ordered = {i: kinds[i] for i in registry.ids}
    return IndicatorAggregates(
        "pandas", aggregate_pandas(table, ordered, groups), missing_counts(table), None, None
    )
