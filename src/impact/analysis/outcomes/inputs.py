"""Checks and helpers shared by the outcome analyses: reading the indicator table safely.

The indicator table (docs/architecture.md) has one row per person: person-level columns
(``person_id``, ``round_id``, ``gender``, ``age``, ``education_level``, ``years_in_sweden``,
``responded_b`` …), wave columns prefixed ``b_``/``f1_``/``f2_``/``r_``, and one ``boolean``
column per indicator. Every failure here raises :class:`impact.errors.InputError` naming the
table, column and value, and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from impact.errors import ImpactError, InputError, Problem

SOURCE = "indicator table"

#: Person-level columns that are never indicators.
PERSON_COLUMNS: frozenset[str] = frozenset(
    {
        "person_id",
        "round_id",
        "study_id",
        "arm",
        "stratum",
        "cluster",
        "gender",
        "age",
        "birth_year",
        "education_level",
        "years_in_sweden",
        "occupation_field",
    }
)

WAVE_PREFIX = re.compile(r"^(b|r|f\d+)_")
RESPONDED = re.compile(r"^responded_(b|r|f\d+)$")

#: Display order of gender codes (others follow alphabetically).
GENDER_ORDER = ("woman", "man", "other", "not_stated")

OVERALL = "overall"
ALL = "all"


def check_table(table: object, required: Iterable[str] = (), source: str = SOURCE) -> pd.DataFrame:
    """Check ``table`` is a non-empty DataFrame holding every ``required`` column.

    Returns
    -------
    DataFrame
        ``table`` itself, or a copy with a fresh 0…n−1 index when its index has duplicates.

    Raises
    ------
    InputError
        Listing every missing column.
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"{source}: expected a pandas DataFrame, got {type(table).__name__}")
    if len(table) == 0:
        raise InputError(f"{source} has no rows; nothing to analyse")
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(
            f"{source} lacks required columns",
            [Problem(source=source, column=c, expected="a column of this name") for c in missing],
        )
    if not table.index.is_unique:
        return table.reset_index(drop=True)
    return table


def check_threshold(threshold: object) -> int:
    """Return the suppression threshold as an int ≥ 1 (counts 1…threshold−1 are suppressed)."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ImpactError(f"suppression threshold must be an integer ≥ 1, got {threshold!r}")
    return threshold


def is_wave_column(name: str) -> bool:
    """True for wave-prefixed columns (``b_employment``, ``f2_employment``, ``r_…``)."""
    return bool(WAVE_PREFIX.match(name))


def detect_indicator_columns(table: pd.DataFrame) -> list[str]:
    """Return the indicator columns: boolean columns that are not person-level or wave columns."""
    found = []
    for name in table.columns:
        if not isinstance(name, str) or name in PERSON_COLUMNS or is_wave_column(name):
            continue
        if name.startswith("responded_"):
            continue
        dtype = table[name].dtype
        if pd.api.types.is_bool_dtype(dtype):
            found.append(name)
    return found


def resolve_indicators(table: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    """Return the indicator columns to analyse (given or detected), each checked boolean."""
    if columns is None:
        chosen = detect_indicator_columns(table)
        if not chosen:
            raise InputError(
                f"{SOURCE} has no boolean indicator columns; pass the indicator names explicitly"
            )
    else:
        if isinstance(columns, str):
            columns = [columns]
        chosen = list(dict.fromkeys(columns))
        check_table(table, chosen)
    for name in chosen:
        as_boolean(table[name], name)
    return chosen


def as_boolean(series: pd.Series, column: str, source: str = SOURCE) -> pd.Series:
    """Return ``series`` as pandas ``boolean`` (NA kept), accepting bool, 0/1 and True/False.

    Raises
    ------
    InputError
        Naming every distinct value that is not a boolean.
    """
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    values = series.dropna()
    bad = sorted({repr(v) for v in values.unique() if not _is_boolean_value(v)})
    if bad:
        raise InputError(
            f"{source}: column '{column}' must be boolean",
            [
                Problem(source=source, column=column, value=v, expected="True, False or missing")
                for v in bad
            ],
        )
    return series.map(lambda v: pd.NA if pd.isna(v) else bool(v)).astype("boolean")


def _is_boolean_value(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value == 0 or value == 1
    return False


def check_group_columns(table: pd.DataFrame, by: Sequence[str] | str | None) -> list[str]:
    """Return the grouping columns as a de-duplicated list, checking each exists."""
    if by is None:
        return []
    if isinstance(by, str):
        by = [by]
    columns = list(dict.fromkeys(by))
    check_table(table, columns)
    return columns


def group_levels(series: pd.Series) -> list:
    """Observed levels of a grouping column in display order (gender codes in a fixed order)."""
    levels = [v for v in series.dropna().unique()]
    if series.name == "gender":
        head = [g for g in GENDER_ORDER if g in levels]
        tail = sorted((v for v in levels if v not in GENDER_ORDER), key=str)
        return head + tail
    return sorted(levels, key=lambda v: (str(type(v)), v))


def iter_groups(table: pd.DataFrame, by: Sequence[str]) -> Iterator[tuple[str, str, pd.Index]]:
    """Yield ``(group_var, group, index)``: the whole table first, then each level of each column.

    ``index`` holds the row labels of the group. Rows with a missing value of a grouping column
    are counted only in the overall group.
    """
    yield OVERALL, ALL, table.index
    for column in by:
        values = table[column]
        for level in group_levels(values):
            yield column, str(level), table.index[(values == level).fillna(False).to_numpy(bool)]


def wave_codes(table: pd.DataFrame) -> list[str]:
    """Waves present in the table (from ``responded_*`` or prefixed columns), in time order."""
    codes = set()
    for name in table.columns:
        if not isinstance(name, str):
            continue
        match = RESPONDED.match(name) or WAVE_PREFIX.match(name)
        if match:
            codes.add(match.group(1))
    return sorted(codes, key=wave_order)


def wave_order(code: str) -> int:
    """Sort key: baseline 0, follow-up k → k, result last."""
    if code == "b":
        return 0
    if code == "r":
        return 10_000
    return int(code[1:])


def count_true(series: pd.Series) -> int:
    """Number of True values in a boolean series (NA not counted)."""
    return int(series.fillna(False).astype(bool).sum())
