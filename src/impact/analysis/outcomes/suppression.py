"""Small-cell suppression for published tables, with complementary suppression and a checker.

Published tables must not reveal that 1 to ``threshold − 1`` people share a characteristic.

* **Primary suppression** — a count ``c`` with ``1 <= c < threshold`` is shown as ``"<5"``
  (for the default threshold 5). Zero is published.
* **Complementary (secondary) suppression** — within a row, counts that add up to a published
  total (declared as *additive groups*, e.g. ``n = numerator + non-events``) are checked: when
  exactly one part is hidden, the total would give it away, so one more cell of the group — the
  other part or the total whose hiding blanks the fewest dependent columns, then the smallest —
  is hidden too and shown as ``".."``. A part that is not a
  column of the table (e.g. ``non_events``) is *derived* as total − the other parts: it is never
  published but is still protected, so "98 of 100" is suppressed when it reveals 2 people.
* **Dependent columns** — shares, intervals and test statistics computed from a hidden count
  are blanked (``NA``).

The unsuppressed numbers stay in the analysis objects (``tidy()``); only ``publishable()``
output passes through :func:`suppress_small_cells`; the checker,
:func:`~impact.analysis.outcomes.disclosure_check.assert_publishable`, raises when a table about
to be published still shows (or lets one derive) a count of 1 to threshold − 1.

Cross-row totals (e.g. overall = women + men + other) are not linked by these rules; see
docs/outcomes.md for the advice on publishing small gender categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.analysis.outcomes.cell_rules import (
    DEPENDENT,
    PRIMARY,
    SECONDARY,
    SECONDARY_LABEL,
    Additive,
    Dependents,
    normalise_rules,
    primary_label,
)
from impact.analysis.outcomes.disclosure_check import assert_publishable
from impact.analysis.outcomes.inputs import check_threshold
from impact.errors import DisclosureError, InputError, Problem

__all__ = [
    "DEPENDENT",
    "PRIMARY",
    "SECONDARY",
    "SECONDARY_LABEL",
    "Additive",
    "Dependents",
    "DisclosureError",
    "SuppressionRules",
    "assert_publishable",
    "primary_label",
    "share_rules",
    "suppress_small_cells",
    "suppression_mask",
]


@dataclass(frozen=True)
class SuppressionRules:
    """Which columns of a table are counts, which depend on them, and which add up.

    Attributes
    ----------
    count_columns : tuple of str
        Columns holding counts of people.
    dependent_columns : dict
        Column → the count columns (or derived parts) it is computed from.
    additive : tuple
        ``(total, parts)`` pairs: within a row the parts add up to the total. At most one part
        may be absent from the table; it is derived as total − others.
    """

    count_columns: tuple[str, ...]
    dependent_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    additive: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def apply(self, table: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
        """Return the suppressed table (see :func:`suppress_small_cells`)."""
        return suppress_small_cells(
            table, self.count_columns, self.dependent_columns, threshold, additive=self.additive
        )

    def check(self, table: pd.DataFrame, threshold: int = 5, source: str = "table") -> None:
        """Raise :class:`DisclosureError` if ``table`` is not safe to publish."""
        assert_publishable(
            table,
            self.count_columns,
            self.dependent_columns,
            threshold,
            additive=self.additive,
            source=source,
        )


def share_rules(
    *,
    n: str = "n",
    numerator: str = "numerator",
    participants: str | None = "participants",
    missing: str | None = "missing",
    dependent: Sequence[str] = ("share", "ci_low", "ci_high"),
) -> SuppressionRules:
    """Rules for a table of shares ``numerator / n`` (with optional ``participants = n + missing``).

    The share and its interval depend on the numerator, ``n`` and the derived non-events
    ``n − numerator``, so a share is hidden whenever either of the two sides is small.
    """
    counts = [n, numerator]
    additive: list[tuple[str, tuple[str, ...]]] = [(n, (numerator, "non_events"))]
    if participants is not None and missing is not None:
        counts += [participants, missing]
        additive.append((participants, (n, missing)))
    deps = {col: (numerator, n, "non_events") for col in dependent}
    return SuppressionRules(tuple(counts), deps, tuple(additive))


def _numeric(series: pd.Series, column: str) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce")
    bad = series.notna() & values.isna()
    if bad.any():
        raise InputError(
            "cannot apply small-cell suppression",
            [
                Problem(
                    source="table",
                    column=column,
                    row=int(np.flatnonzero(bad.to_numpy())[0]) + 1,
                    value=str(series[bad].iloc[0]),
                    expected="a count (non-negative integer)",
                )
            ],
        )
    return values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _values(table: pd.DataFrame, counts: list[str], groups, derived: set[str]) -> dict:
    values = {c: _numeric(table[c], c) for c in counts}
    for total, parts in groups:
        for part in parts:
            if part in derived:
                others = sum(values[p] for p in parts if p != part)
                values[part] = values[total] - others
    return values


def suppression_mask(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    dependent_columns: Dependents = None,
    threshold: int = 5,
    *,
    additive: Additive = (),
) -> pd.DataFrame:
    """Mark which cells must be hidden, and why.

    Parameters
    ----------
    table : DataFrame
        Unsuppressed table (counts as numbers).
    count_columns : sequence of str
        Columns of counts of people.
    dependent_columns : sequence of str, or mapping column → source columns, optional
        Columns computed from the counts (shares, CIs, p-values). A sequence means "depends on
        every count column of the row".
    threshold : int
        Counts from 1 to ``threshold − 1`` are suppressed (default 5).
    additive : sequence of (total, parts)
        Within a row the parts add up to the total (one part may be absent and is derived).

    Returns
    -------
    DataFrame
        Same index; one column per count and dependent column, holding ``""`` (publish),
        ``"primary"``, ``"secondary"`` or ``"dependent"``.
    """
    threshold = check_threshold(threshold)
    counts, deps, groups, derived = normalise_rules(
        table, count_columns, dependent_columns, additive
    )
    values = _values(table, counts, groups, derived)
    status = {
        c: np.where((v >= 1) & (v < threshold), PRIMARY, "").astype(object)
        for c, v in values.items()
    }
    # complementary suppression hides the cell that blanks the fewest dependent columns
    # (then the smallest count): hiding a total often keeps every share publishable
    damage = {c: sum(c in sources for sources in deps.values()) for c in counts}
    damage.update({c: sum(c in sources for sources in deps.values()) for c in derived})
    flagged = np.zeros(len(table), dtype=bool)
    for marks in status.values():
        flagged |= marks.astype(bool)
    for i in np.flatnonzero(flagged):  # complementary suppression needs a hidden cell first
        changed = True
        while changed:
            changed = False
            for total, parts in groups:
                if status[total][i] or np.isnan(values[total][i]):
                    continue
                hidden = [p for p in parts if status[p][i]]
                unknown = [p for p in parts if status[p][i] or p in derived]
                if len(hidden) != 1 or len(unknown) != 1:
                    continue
                shown = [p for p in parts if not status[p][i] and p not in derived]
                pick = min(
                    [*shown, total],
                    key=lambda c, i=i: (damage[c], *_complement_key(values[c][i])),
                )
                status[pick][i] = SECONDARY
                changed = True
    out = pd.DataFrame(index=table.index)
    for c in counts:
        if c not in derived:
            out[c] = status[c]
    for col, sources in deps.items():
        hit = np.zeros(len(table), dtype=bool)
        for s in sources:
            hit |= status[s].astype(bool)
        out[col] = np.where(hit, DEPENDENT, "")
    return out


def _complement_key(value: float) -> tuple[int, float]:
    """Prefer the smallest positive count; zeros and missing last."""
    if np.isnan(value):
        return (2, 0.0)
    return (1 if value == 0 else 0, value)


def suppress_small_cells(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    dependent_columns: Dependents = None,
    threshold: int = 5,
    *,
    additive: Additive = (),
) -> pd.DataFrame:
    """Return a copy of ``table`` safe to publish.

    Count columns become text (``"12"``, ``"<5"`` for primary, ``".."`` for complementary
    suppression; missing stays ``NA``); dependent columns are blanked (``NA``) where a count
    they derive from is hidden; a boolean column ``suppressed`` marks rows with any hidden cell.
    Parameters as in :func:`suppression_mask`.

    Examples
    --------
    >>> t = pd.DataFrame({"n": [40, 40], "numerator": [3, 20], "share": [0.075, 0.5]})
    >>> suppress_small_cells(t, ["n", "numerator"], ["share"], 5)[["numerator", "share"]]
      numerator  share
    0        <5    NaN
    1        20    0.5
    """
    threshold = check_threshold(threshold)
    mask = suppression_mask(table, count_columns, dependent_columns, threshold, additive=additive)
    _, deps, _, _ = normalise_rules(table, count_columns, dependent_columns, additive)
    out = table.copy()
    label = primary_label(threshold)
    for col in mask.columns:
        status = mask[col]
        if col in deps:
            out[col] = out[col].mask(status == DEPENDENT)
            continue
        numbers = pd.to_numeric(table[col], errors="coerce")
        text = numbers.map(lambda v: pd.NA if pd.isna(v) else str(int(v))).astype("string")
        text = text.mask(status == PRIMARY, label).mask(status == SECONDARY, SECONDARY_LABEL)
        out[col] = text
    out["suppressed"] = (mask != "").any(axis=1).astype(bool)
    return out
