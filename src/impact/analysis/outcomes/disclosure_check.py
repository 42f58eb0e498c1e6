"""The checker of published tables: :func:`assert_publishable`.

It raises :class:`~impact.errors.DisclosureError` when a table about to be published still shows
(or lets one derive) a count of 1 to threshold − 1, under the rules of
:mod:`impact.analysis.outcomes.suppression`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from impact.analysis.outcomes.cell_rules import (
    SECONDARY_LABEL,
    Additive,
    Dependents,
    normalise_rules,
)
from impact.analysis.outcomes.inputs import check_threshold
from impact.errors import DisclosureError, Problem


def _parse_published(series: pd.Series, column: str, problems: list, source: str):
    """Return (values, hidden): numbers shown, and which cells are suppressed labels."""
    values = np.full(len(series), np.nan)
    hidden = np.zeros(len(series), dtype=bool)
    for i, raw in enumerate(series.tolist()):
        if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
            continue
        if isinstance(raw, str):
            text = raw.strip()
            if text == SECONDARY_LABEL or text.startswith("<"):
                hidden[i] = True
                continue
            try:
                values[i] = float(text.replace("\u00a0", "").replace(" ", ""))
            except ValueError:
                problems.append(
                    Problem(
                        source,
                        expected="a count, '<k' or '..'",
                        row=i + 1,
                        column=column,
                        value=text,
                    )
                )
            continue
        values[i] = float(raw)
    return values, hidden


def assert_publishable(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    dependent_columns: Dependents = None,
    threshold: int = 5,
    *,
    additive: Additive = (),
    source: str = "table",
) -> None:
    """Raise :class:`DisclosureError` if publishing ``table`` would reveal a small cell.

    Checks that no count column shows a value from 1 to ``threshold − 1``; that no dependent
    column shows a value in a row where one of its counts is hidden; and, for each additive
    group with a shown total, that no hidden part can be recovered (exactly one part hidden) and
    that an absent part derived as total − others is not small.

    Parameters
    ----------
    table : DataFrame
        The table as it would be published (counts may be numbers or text such as ``"<5"``).
    count_columns, dependent_columns, threshold, additive
        As in :func:`suppression_mask`.
    source : str
        Name of the table, used in the error message.
    """
    threshold = check_threshold(threshold)
    counts, deps, groups, derived = normalise_rules(
        table, count_columns, dependent_columns, additive
    )
    problems: list[Problem] = []
    values, hidden = {}, {}
    for c in counts:
        values[c], hidden[c] = _parse_published(table[c], c, problems, source)
        for i in np.flatnonzero((values[c] >= 1) & (values[c] < threshold)):
            problems.append(
                Problem(
                    source,
                    f"0, at least {threshold}, or suppressed",
                    int(i) + 1,
                    c,
                    str(int(values[c][i])),
                )
            )
    for total, parts in groups:
        problems += _additive_problems(
            table, total, parts, derived, values, hidden, threshold, source
        )
    for col, sources in deps.items():
        problems += _dependent_problems(table, col, sources, hidden, source)
    if problems:
        raise DisclosureError(f"{source} is not safe to publish", problems)


def _additive_problems(
    table: pd.DataFrame,
    total: str,
    parts: Sequence[str],
    derived: set[str],
    values: dict[str, np.ndarray],
    hidden: dict[str, np.ndarray],
    threshold: int,
    source: str,
) -> list[Problem]:
    """Rows where a hidden part of ``total`` can be recovered, or a derived part is small."""
    problems = []
    present = [p for p in parts if p not in derived]
    for i in range(len(table)):
        if np.isnan(values[total][i]):
            continue
        shown = [p for p in present if not np.isnan(values[p][i])]
        absent = [p for p in parts if p in derived]
        secret = [p for p in present if hidden[p][i]]
        if absent and len(shown) == len(present):
            rest = values[total][i] - sum(values[p][i] for p in shown)
            if 1 <= rest < threshold:
                problems.append(
                    Problem(
                        source,
                        f"'{absent[0]}' ({total} − others) not derivable as 1–{threshold - 1}",
                        i + 1,
                        total,
                        str(int(values[total][i])),
                    )
                )
        if not absent and len(secret) == 1 and len(shown) == len(present) - 1:
            problems.append(
                Problem(
                    source,
                    f"a second hidden cell: '{secret[0]}' = {total} − others",
                    i + 1,
                    secret[0],
                    str(table[secret[0]].iloc[i]),
                )
            )
    return problems


def _dependent_problems(
    table: pd.DataFrame,
    col: str,
    sources: Sequence[str],
    hidden: dict[str, np.ndarray],
    source: str,
) -> list[Problem]:
    """Rows where ``col`` is shown although a count it depends on is hidden."""
    problems = []
    shown_dep = table[col].notna().to_numpy()
    for i in range(len(table)):
        hit = [s for s in sources if s in hidden and hidden[s][i]]
        if hit and shown_dep[i]:
            problems.append(
                Problem(
                    source,
                    f"blank (depends on hidden '{hit[0]}')",
                    i + 1,
                    col,
                    str(table[col].iloc[i]),
                )
            )
    return problems
