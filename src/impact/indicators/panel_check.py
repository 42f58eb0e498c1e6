"""Check the panel columns that indicators read against the canonical field types and codes.

A wave column of the linked panel is a canonical field with a wave prefix: ``b_`` (baseline),
``r_`` (result) or ``f<k>_`` (follow-up ``k``), so ``r_interviews_3m`` is the result table's
``interviews_3m``. Before any rule is evaluated, every such column an indicator reads is checked
against its field in ``data_schema/<table>.schema.json`` (via
:func:`impact.ingest.schema.load_table_schema`):

* integer and number fields hold numbers (whole numbers for integers) within ``minimum`` /
  ``maximum`` and, when the field lists them, one of its codes;
* true/false fields hold ``true``/``false``;
* coded text fields hold one of their codes (``r_employment``: ``none``, ``part_time``,
  ``full_time``);
* free-text, identifying and date fields, and columns that are no canonical field (a study's own
  questions), are not checked.

The checks are column-wise (no loop over rows). Every offending cell of every column becomes a
:class:`~impact.errors.Problem` naming the column, the 1-based panel row, the value and what was
expected; per column at most :data:`MAX_ROWS_SHOWN` rows are listed, followed by one problem
giving the number of offending rows. A CSV panel with one bad cell in a number column is read as
text (:func:`impact.indicators.io.read_panel`), so the cells of a text column are judged by their
text: ``'many'`` is reported, ``'3'`` is not. Columns are only checked, never converted, so every
engine (:mod:`impact.engines`) reads the same data.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from impact.errors import InputError, Problem
from impact.indicators.definitions import DefinitionSet, IndicatorDefinition
from impact.indicators.registry import BoundIndicator, IndicatorRegistry
from impact.ingest.schema import FieldSpec, load_table_schema

__all__ = ["MAX_ROWS_SHOWN", "canonical_field", "panel_value_problems"]

#: Offending rows listed per column; the rest are counted.
MAX_ROWS_SHOWN = 20
SOURCE = "linked panel"
#: How to fix a bad cell of the linked panel.
PANEL_FIX = (
    "write the panel again with `impact link` (edited panels must keep the canonical codes and "
    "types), or correct the cell"
)
_WAVE = re.compile(r"^(b|r|f[1-9][0-9]*)_(.+)$")
_TABLES = {"b": "baseline", "r": "result"}


@functools.cache
def canonical_field(column: str) -> tuple[str, FieldSpec] | None:
    """Return ``(table, field)`` of a wave-prefixed panel column, or None when it is none.

    Parameters
    ----------
    column : str
        A panel column such as ``r_interviews_3m`` or ``f2_employment``.

    Returns
    -------
    tuple of (str, FieldSpec) or None
        The canonical table (``baseline``, ``result`` or ``followup``) and the field.
    """
    match = _WAVE.match(column)
    if match is None:
        return None
    prefix, name = match.groups()
    table = _TABLES.get(prefix, "followup")
    schema = load_table_schema(table)
    return (table, schema.field(name)) if schema.has(name) else None


def _expected(table: str, spec: FieldSpec) -> str:
    words = "true or false" if spec.type == "boolean" else spec.expected_words()
    return f"{words} (field '{spec.name}' of the {table} table)"


def _numbers(series: pd.Series, present: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numeric values of a column (NaN where missing or not a number) and where they failed."""
    if ptypes.is_bool_dtype(series.dtype):
        return pd.Series(np.nan, index=series.index), present
    if ptypes.is_numeric_dtype(series.dtype):
        return series, pd.Series(False, index=series.index)
    text = series.astype("string").str.strip()
    values = pd.to_numeric(text, errors="coerce")
    return values, present & values.isna()


def _check_number(series: pd.Series, spec: FieldSpec) -> pd.Series:
    present = series.notna()
    values, bad = _numbers(series, present)
    constraints = spec.constraints
    if spec.type == "integer" and not ptypes.is_integer_dtype(values.dtype):
        bad = bad | (present & (values % 1).ne(0).fillna(False))
    if "minimum" in constraints:
        bad = bad | values.lt(constraints["minimum"]).fillna(False)
    if "maximum" in constraints:
        bad = bad | values.gt(constraints["maximum"]).fillna(False)
    if spec.enum is not None:
        bad = bad | (present & ~values.isin(spec.enum))
    return bad.astype(bool)


def _check_boolean(series: pd.Series) -> pd.Series:
    present = series.notna()
    if ptypes.is_bool_dtype(series.dtype):
        return pd.Series(False, index=series.index)
    if ptypes.is_numeric_dtype(series.dtype):
        return present
    text = series.astype("string").str.strip().str.lower()
    return (present & ~text.isin(["true", "false"]).fillna(False)).astype(bool)


def _check_codes(series: pd.Series, spec: FieldSpec) -> pd.Series:
    present = series.notna()
    if ptypes.is_numeric_dtype(series.dtype) or ptypes.is_bool_dtype(series.dtype):
        return present
    text = series if isinstance(series.dtype, pd.StringDtype) else series.astype("string")
    codes = [str(code) for code in spec.enum or ()]
    return (present & ~text.isin(codes).fillna(False)).astype(bool)


def _check_column(series: pd.Series, spec: FieldSpec) -> pd.Series | None:
    """Where a column breaks its field's rules (None: the field has no rules checked here)."""
    if spec.type in ("integer", "number"):
        return _check_number(series, spec)
    if spec.type == "boolean":
        return _check_boolean(series)
    if spec.type == "string" and spec.enum is not None:
        return _check_codes(series, spec)
    return None


def _problems(column: str, series: pd.Series, bad: pd.Series, expected: str) -> list[Problem]:
    positions = np.flatnonzero(bad.to_numpy(dtype=bool))
    problems = [
        Problem(
            SOURCE,
            expected,
            row=int(i) + 1,
            column=column,
            value=str(series.iloc[i]),
            fix=PANEL_FIX,
        )
        for i in positions[:MAX_ROWS_SHOWN]
    ]
    if len(positions) > MAX_ROWS_SHOWN:
        problems.append(
            Problem(
                SOURCE,
                f"{expected}: {len(positions)} rows do not, the first {MAX_ROWS_SHOWN} are listed",
                column=column,
            )
        )
    return problems


def panel_value_problems(linked: pd.DataFrame, columns: Iterable[str]) -> list[Problem]:
    """Check panel columns against their canonical fields; return every problem.

    Parameters
    ----------
    linked : pandas.DataFrame
        The linked panel. Rows in problems are 1-based positions in it (the data row of a CSV
        panel).
    columns : iterable of str
        The columns to check (those indicators read); columns missing from the panel or that
        are no canonical field are skipped.

    Returns
    -------
    list of Problem
        Every offending cell (at most :data:`MAX_ROWS_SHOWN` listed per column, then a count);
        empty when the values are valid.
    """
    problems: list[Problem] = []
    for column in dict.fromkeys(columns):
        found = canonical_field(column) if column in linked.columns else None
        if found is None:
            continue
        table, spec = found
        series = linked[column]
        bad = _check_column(series, spec)
        if bad is not None and bad.any():
            problems.extend(_problems(column, series, bad, _expected(table, spec)))
    return problems


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


def missing_column_problems(columns: Iterable[str], bound: list[BoundIndicator]) -> list[Problem]:
    """One problem per column an indicator reads that the panel lacks."""
    present = set(columns)
    return [
        Problem(
            "linked panel",
            f"column read by indicator '{indicator.id}' (override the definition if"
            " your questionnaire lacks this question)",
            column=column,
        )
        for indicator in bound
        for column in indicator.columns
        if column not in present
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
    problems = missing_column_problems(linked.columns, bound)
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
