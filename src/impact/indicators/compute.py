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
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from impact.errors import InputError, Problem
from impact.indicators import expr_ast
from impact.indicators.definitions import DefinitionSet, IndicatorDefinition
from impact.indicators.expr_eval import EvaluationError, Evaluator, Value, classify
from impact.indicators.metadata import build_metadata, freeze
from impact.indicators.panel_check import panel_value_problems
from impact.indicators.registry import BoundIndicator, IndicatorRegistry, load_registry

logger = logging.getLogger(__name__)

#: Wave-prefixed panel columns (``b_…``, ``r_…``, ``f1_…``); everything else is person-level.
WAVE_COLUMN = re.compile(r"^(b|r|f[1-9][0-9]*)_")
#: Columns that must never reach an output (raw linking codes, response ids).
PRIVATE_COLUMN = re.compile(r"(^|_)(link_code|response_id)$")

Definitions = (
    IndicatorRegistry
    | str
    | os.PathLike[str]
    | DefinitionSet
    | Sequence[IndicatorDefinition]
    | None
)


def person_columns(linked: pd.DataFrame) -> list[str]:
    """Return the panel's person-level columns (no wave prefix, no private columns)."""
    return [
        c
        for c in linked.columns
        if isinstance(c, str) and not WAVE_COLUMN.match(c) and not PRIVATE_COLUMN.search(c)
    ]


def check_panel(linked: Any, bound: list[BoundIndicator]) -> None:
    """Check the panel's shape and the values of the columns the indicators read.

    Missing columns, repeated persons and every value that its canonical field does not allow
    (:mod:`impact.indicators.panel_check`) are collected into one InputError.
    """
    if not isinstance(linked, pd.DataFrame):
        raise InputError(
            "compute_indicators needs the linked panel as a pandas DataFrame",
            [Problem("linked panel", "a pandas DataFrame", value=type(linked).__name__)],
        )
    problems: list[Problem] = []
    for indicator in bound:
        for column in indicator.columns:
            if column not in linked.columns:
                problems.append(
                    Problem(
                        "linked panel",
                        f"column read by indicator '{indicator.id}' (override the definition if"
                        " your questionnaire lacks this question)",
                        column=column,
                    )
                )
    if "person_id" in linked.columns and linked["person_id"].duplicated().any():
        dupes = linked.loc[linked["person_id"].duplicated(), "person_id"].nunique()
        problems.append(
            Problem(
                "linked panel", "one row per person", column="person_id", value=f"{dupes} repeated"
            )
        )
    problems += panel_value_problems(linked, (c for i in bound for c in i.columns))
    if problems:
        raise InputError("The linked panel cannot be used for these indicators", problems)


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
) -> pd.DataFrame:
    """Compute every indicator for every person of the linked panel.

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
        indicators read, see :mod:`impact.indicators.panel_check`), or values a rule cannot use.
    """
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
