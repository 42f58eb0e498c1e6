"""Validate a canonical frame against its pandera schema and explain every failure.

The pandera schema comes from :func:`impact.ingest.schema.pandera_schema` (derived from the
JSON table schema). Validation is lazy, so every failure is collected; each pandera failure
case becomes a :class:`~impact.errors.Problem` with the source file, the 1-based data row,
the column, the value (hidden for identifying fields) and what was expected, in words.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import pandas as pd
import pandera.errors as pa_errors

from impact.errors import Problem
from impact.ingest.schema import load_table_schema, pandera_schema
from impact.ingest.translate import display_column

__all__ = ["dtype_matches", "validate_frame"]


def _row_numbers(index: pd.Index) -> dict[object, int]:
    """Map index labels to 1-based data rows (a default 0-based RangeIndex is shifted)."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return {label: label + 1 for label in index}
    return {label: int(label) for label in index}


def _words(check: str, table: str, column: str | None, value: object) -> str:
    """What a built-in pandera check expected, in words."""
    ts = load_table_schema(table)
    if check == "column_in_dataframe":
        return f"a column for the required field '{value}' of the {table} table (missing column)"
    if check == "column_in_schema":
        return f"only fields of the {table} table (unknown column)"
    if check == "not_nullable":
        return "a value (the field is required)"
    if check == "field_uniqueness":
        return "a value unique within the file (duplicate)"
    if check == "multiple_fields_uniqueness":
        return f"a unique combination of {', '.join(ts.primary_key)} within the file (duplicate)"
    return check


#: How to fix what a pandera check found, by check name (range checks: ``_RANGE_FIX``).
_FIXES = {
    "column_in_dataframe": "map a source header to it in the mapping's columns section, or "
    "export the question again if it was left out",
    "column_in_schema": "remove the column, or list it under ignore in the mapping",
    "not_nullable": "fill in the value in every row (in Excel: unmerge merged cells and fill "
    "down), or delete rows that are not answers",
    "field_uniqueness": "delete the repeated answer (a double submission), or give each answer "
    "its own value",
    "multiple_fields_uniqueness": "delete the repeated row, or correct the values that repeat",
}
_RANGE_FIX = (
    "correct the value in the export (a typing error?), or empty the cell when the true answer "
    "is unknown"
)


def _fix(check: str) -> str:
    """How to fix what ``check`` found."""
    return _FIXES.get(check, _RANGE_FIX)


def dtype_matches(series: pd.Series, dtype: str) -> bool:
    """Whether ``series`` has exactly the canonical ``dtype`` (``string`` means pd.NA strings)."""
    if dtype == "string":
        return isinstance(series.dtype, pd.StringDtype) and series.dtype.na_value is pd.NA
    return series.dtype == pd.api.types.pandas_dtype(dtype)


def _dtype_problems(frame: pd.DataFrame, table: str, source: str, headers: dict) -> list[Problem]:
    """One problem per canonical column whose dtype is not the canonical one."""
    problems = []
    for spec in load_table_schema(table).fields:
        if spec.name in frame.columns and not dtype_matches(frame[spec.name], spec.dtype):
            problems.append(
                Problem(
                    source=source,
                    column=display_column(spec.name, headers.get(spec.name)),
                    value=f"dtype {frame[spec.name].dtype}",
                    expected=(
                        f"{spec.expected_words()} (column has the wrong type; expected dtype "
                        f"{spec.dtype})"
                    ),
                )
            )
    return problems


def validate_frame(
    frame: pd.DataFrame,
    table: str,
    source: str = "data",
    headers: dict[str, str] | None = None,
    skip: Iterable[tuple[int, str]] = (),
) -> list[Problem]:
    """Check a canonical frame against the table's schema; return every problem.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical columns with canonical dtypes. Row numbers in messages come from the index
        (1-based data rows, as ingest builds it); a default RangeIndex counts from row 1.
    table : str
        The canonical table.
    source : str
        The file name, for messages.
    headers : dict, optional
        ``{field: source header}`` so messages name the header the user sees.
    skip : iterable of (row, field)
        Cells already reported by an earlier step (not reported twice).

    Returns
    -------
    list of Problem
        Empty when the frame is valid.
    """
    headers = headers or {}
    skip = set(skip)
    ts = load_table_schema(table)
    rows = _row_numbers(frame.index)
    problems = _dtype_problems(frame, table, source, headers)
    wrong_type = {
        f.name
        for f in ts.fields
        if f.name in frame.columns and not dtype_matches(frame[f.name], f.dtype)
    }
    cases = _failure_cases(frame, table)
    if cases is None:
        return problems
    seen: set[tuple[object, ...]] = set()
    for case in cases.to_dict("records"):
        found = _case_problem(case, frame, table, rows, source, headers)
        if found is None:
            continue
        key, problem = found
        row, column, _ = key
        if column in wrong_type or (row is not None and (row, column) in skip) or key in seen:
            continue
        seen.add(key)
        problems.append(problem)
    problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return problems


def _failure_cases(frame: pd.DataFrame, table: str) -> pd.DataFrame | None:
    """Pandera's failure cases of the frame (every check, lazily); None when it is valid."""
    try:
        with warnings.catch_warnings():
            # pandera imports pyspark.pandas on first use when pyspark is installed; it warns
            # about pandas 3, which is irrelevant here
            warnings.filterwarnings("ignore", message="PySpark", category=FutureWarning)
            pandera_schema(table).validate(frame, lazy=True)
    except pa_errors.SchemaErrors as error:
        return error.failure_cases
    except pa_errors.SchemaError as error:  # raised by schema-level checks even when lazy
        return error.failure_cases if error.failure_cases is not None else pd.DataFrame()
    return None


def _case_problem(
    case: dict[str, Any],
    frame: pd.DataFrame,
    table: str,
    rows: dict,
    source: str,
    headers: dict[str, str],
) -> tuple[tuple[object, ...], Problem] | None:
    """One pandera failure case as a Problem, with its key ``(row, column, check)``; None for
    dtype cases (reported once per column by :func:`_dtype_problems`)."""
    ts = load_table_schema(table)
    check = str(case.get("check"))
    column = case.get("column")
    column = None if column is None or pd.isna(column) else str(column)
    value = case.get("failure_case")
    label = case.get("index")
    row = None if label is None or pd.isna(label) else rows.get(label, int(label))
    if check in ("column_in_dataframe", "column_in_schema"):
        column, shown = str(value), None
    elif check.startswith("dtype("):
        return None
    elif check == "multiple_fields_uniqueness":
        column = ", ".join(ts.primary_key)
        private = any(ts.field(c).privacy for c in ts.primary_key)
        shown = None if private else ", ".join(str(frame.at[label, c]) for c in ts.primary_key)
    else:
        identifying = column is not None and ts.has(column) and ts.field(column).privacy
        shown = None if value is None or pd.isna(value) or identifying else str(value)
    expected = _words(check, table, column, value)
    if check == "field_uniqueness" and label is not None and column in frame.columns:
        same = frame.index[frame[column] == frame.at[label, column]]
        others = sorted(rows[i] for i in same if i != label)
        expected += f"; the same value is in row(s) {', '.join(map(str, others))}"
    problem = Problem(
        source=source,
        row=row,
        column=display_column(column, headers.get(column)) if column else None,
        value=shown,
        expected=expected,
        fix=_fix(check),
    )
    return (row, column, check), problem
