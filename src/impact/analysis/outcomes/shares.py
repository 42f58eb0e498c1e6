"""Shares of each indicator with Wilson confidence intervals, overall and by group.

For every indicator the share is ``numerator / n`` where ``n`` counts the people whose
indicator is known (not ``NA``) and ``numerator`` those for whom it is true; ``missing`` counts
the people in the group whose indicator is ``NA`` (inputs missing or outside the indicator's
population), so ``participants = n + missing``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from impact.analysis.outcomes.inputs import (
    ALL,
    OVERALL,
    check_group_columns,
    check_table,
    check_threshold,
    iter_groups,
    resolve_indicators,
)
from impact.analysis.outcomes.proportions import wilson_interval
from impact.analysis.outcomes.publishable import PublishableTable
from impact.analysis.outcomes.suppression import SuppressionRules, share_rules
from impact.validation import check_level

#: A share with its counts and Wilson interval (``n``: those with a known value).
COUNT_AND_SHARE: tuple[str, ...] = ("n", "numerator", "missing", "share", "ci_low", "ci_high")
#: The statistics of a share row (:func:`share_row`) after the group's participants.
SHARE_STATISTICS: tuple[str, ...] = ("participants", *COUNT_AND_SHARE)

SHARE_COLUMNS: tuple[str, ...] = ("indicator", "group_var", "group", *SHARE_STATISTICS, "level")

#: Suppression rules for tables with the share columns above.
SHARE_RULES = share_rules()


def share_row(values: pd.Series, level: float) -> dict[str, float | int]:
    """Counts, share and Wilson interval of one boolean series (NA = missing).

    Returns
    -------
    dict
        ``participants``, ``n``, ``numerator``, ``missing``, ``share``, ``ci_low``,
        ``ci_high`` (the last three NaN when ``n`` is 0: no one in the group has a known value).
    """
    known = values.dropna()
    n = int(len(known))
    x = int(known.astype(bool).sum())
    low, high = wilson_interval(x, n, level)
    return {
        "participants": int(len(values)),
        "n": n,
        "numerator": x,
        "missing": int(len(values) - n),
        "share": x / n if n else np.nan,
        "ci_low": low,
        "ci_high": high,
    }


@dataclass(frozen=True, repr=False)
class IndicatorShares(PublishableTable):
    """Shares of indicators with Wilson CIs, overall and by group.

    Attributes
    ----------
    table : DataFrame
        One row per indicator × group with columns :data:`SHARE_COLUMNS`; the overall rows have
        ``group_var == "overall"`` and ``group == "all"``.
    level : float
        Confidence level of the intervals.
    """

    rules: ClassVar[SuppressionRules] = SHARE_RULES
    source: ClassVar[str] = "indicator shares"
    title: ClassVar[str] = "Indicator shares"

    def overall(self) -> pd.DataFrame:
        """Only the overall rows, indexed by indicator."""
        rows = self.table[self.table["group_var"] == OVERALL]
        return rows.set_index("indicator")

    def summary(self) -> str:
        """One line per indicator: overall share with CI and n."""
        pct = round(self.level * 100)
        lines = [f"{self.title} (overall, {pct} % Wilson CI)"]
        for name, row in self.overall().iterrows():
            if row["n"] == 0:
                lines.append(f"  {name}: no known values (missing {row['missing']})")
                continue
            lines.append(
                f"  {name}: {row['share']:.1%} [{row['ci_low']:.1%}, {row['ci_high']:.1%}]"
                f" ({row['numerator']}/{row['n']}, missing {row['missing']})"
            )
        return "\n".join(lines)


def indicator_shares(
    indicators: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    by: Sequence[str] | str | None = ("gender", "round_id"),
    level: float = 0.95,
    suppression_threshold: int = 5,
) -> IndicatorShares:
    """Share of people for whom each indicator is true, with a Wilson CI, overall and by group.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table (one row per person).
    columns : sequence of str, optional
        Indicator columns; default every boolean column that is not a person-level, wave
        (``b_``/``f1_``/``r_``) or ``responded_*`` column.
    by : sequence of str
        Grouping columns (default gender and round); groups absent from the table are skipped
        with their name kept out of the result. Rows with a missing group value count only in
        the overall rows.
    level : float
        Confidence level (default 0.95).
    suppression_threshold : int
        Used by :meth:`IndicatorShares.publishable` (default 5).

    Returns
    -------
    IndicatorShares
    """
    level = check_level(level)
    threshold = check_threshold(suppression_threshold)
    indicators = check_table(indicators)
    names = resolve_indicators(indicators, columns)
    groups = check_group_columns(indicators, by)
    values = pd.DataFrame({name: indicators[name].astype("boolean") for name in names})
    blocks = []
    for group_var, group, part in iter_groups(indicators, groups):
        sub = values.loc[part]
        n = sub.notna().sum().to_numpy(dtype=int)
        x = sub.fillna(False).astype(bool).sum().to_numpy(dtype=int)
        low, high = wilson_interval(x, n, level)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(n > 0, x / np.maximum(n, 1), np.nan)
        block = pd.DataFrame(
            {
                "indicator": names,
                "group_var": group_var,
                "group": group,
                "participants": len(part),
                "n": n,
                "numerator": x,
                "missing": len(part) - n,
                "share": share,
                "ci_low": low,
                "ci_high": high,
                "level": level,
            }
        )
        block["_order"] = np.arange(len(names))
        blocks.append(block)
    table = pd.concat(blocks, ignore_index=True)
    table = table.sort_values("_order", kind="stable").drop(columns="_order")
    table = table.reset_index(drop=True)
    table = _typed(table[list(SHARE_COLUMNS)])
    return IndicatorShares(table=table, level=level, suppression_threshold=threshold)


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for col in ("participants", "n", "numerator", "missing"):
        table[col] = table[col].astype("int64")
    for col in ("share", "ci_low", "ci_high", "level"):
        table[col] = table[col].astype("float64")
    for col in ("indicator", "group_var", "group"):
        table[col] = table[col].astype("string")
    return table


__all__ = ["ALL", "SHARE_COLUMNS", "IndicatorShares", "indicator_shares", "share_row"]
