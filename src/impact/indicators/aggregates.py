"""Indicator aggregates: per indicator and group, persons, available, missing, true, share.

:class:`IndicatorAggregates` is what :func:`impact.indicators.aggregate_indicators` returns on
every engine; :func:`aggregate_pandas` makes it from an indicator table in memory, and the
DuckDB and Spark runs (:mod:`impact.indicators.on_engine`) make the same rows in the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.indicators.missing import MissingCounts
from impact.results import Result

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
ALL = "all"


@dataclass(frozen=True, repr=False)
class IndicatorAggregates(Result):
    """Indicator aggregates, the same on every engine.

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
        The indicator table itself, when it was brought back (internal use).
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


def finish_aggregates(rows: pd.DataFrame) -> pd.DataFrame:
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
    return finish_aggregates(pd.DataFrame(rows))
