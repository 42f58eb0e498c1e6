"""The rules of small-cell suppression shared by the suppressor and the checker.

The cell statuses and labels, and :func:`normalise_rules`, which reads a table's count, dependent
and additive columns (see :mod:`impact.analysis.outcomes.suppression`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from impact.errors import InputError, Problem

PRIMARY = "primary"
SECONDARY = "secondary"
DEPENDENT = "dependent"
#: How a complementary-suppressed count is shown (Statistics Sweden's sign for "not available").
SECONDARY_LABEL = ".."

Additive = Sequence[tuple[str, Sequence[str]]]
Dependents = Sequence[str] | Mapping[str, Sequence[str]] | None


def primary_label(threshold: int) -> str:
    """The text shown for a primary-suppressed count, e.g. ``"<5"``."""
    return f"<{threshold}"


def normalise_rules(
    table: pd.DataFrame, count_columns: Sequence[str], dependent_columns: Dependents, additive
) -> tuple[list[str], dict[str, tuple[str, ...]], list[tuple[str, tuple[str, ...]]], set[str]]:
    """Check the rules against ``table``; return the counts, dependents, groups and derived parts.

    Raises :class:`InputError` naming every missing column or over-derived group.
    """
    if isinstance(count_columns, str):
        count_columns = [count_columns]
    counts = list(dict.fromkeys(count_columns))
    groups = [(total, tuple(parts)) for total, parts in additive]
    derived: set[str] = set()
    problems = []
    for total, parts in groups:
        absent = [p for p in parts if p not in table.columns]
        if len(absent) > 1:
            problems.append(
                Problem(
                    source="suppression rules",
                    column=", ".join(absent),
                    expected=f"at most one part of the total '{total}' missing from the table",
                )
            )
        derived.update(absent)
        if total not in counts:
            counts.append(total)
        counts += [p for p in parts if p not in counts and p not in absent]
    missing = [c for c in counts if c not in table.columns]
    if isinstance(dependent_columns, Mapping):
        deps = {k: tuple(v) for k, v in dependent_columns.items()}
    elif dependent_columns is None:
        deps = {}
    else:
        if isinstance(dependent_columns, str):
            dependent_columns = [dependent_columns]
        deps = {k: tuple(counts) + tuple(sorted(derived)) for k in dependent_columns}
    missing += [c for c in deps if c not in table.columns]
    for sources in deps.values():
        missing += [s for s in sources if s not in table.columns and s not in derived]
    problems += [
        Problem(source="suppression rules", column=c, expected="a column of the table")
        for c in dict.fromkeys(missing)
    ]
    if problems:
        raise InputError("cannot apply small-cell suppression", problems)
    return counts, deps, groups, derived
