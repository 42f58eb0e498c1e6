"""How many persons lack each indicator, and why (read from an indicator table's metadata)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from impact.errors import InputError, Problem
from impact.results import Result

COLUMNS = [
    "indicator",
    "version",
    "n",
    "n_available",
    "n_missing",
    "n_not_responded",
    "n_outside_population",
    "n_missing_inputs",
]


@dataclass(frozen=True, repr=False)
class MissingCounts(Result):
    """Missing values per indicator, split by reason.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per indicator with columns ``indicator``, ``version``, ``n`` (persons),
        ``n_available``, ``n_missing`` and its three reasons: ``n_not_responded`` (did not answer
        a wave the indicator reads), ``n_outside_population`` (not in the indicator's
        population) and ``n_missing_inputs`` (item non-response the rule could not overcome).
    """

    table: pd.DataFrame
    title = "Missing indicator values"

    def tidy(self) -> pd.DataFrame:
        """Return the counts table (columns as in :data:`COLUMNS`)."""
        return self.table.copy()

    def summary(self) -> str:
        """Return a short text: one line per indicator with missing values."""
        rows = self.table[self.table["n_missing"] > 0]
        if rows.empty:
            return f"{self.title}: none of {len(self.table)} indicators has missing values"
        lines = [f"{self.title} (of {int(self.table['n'].iloc[0])} persons):"]
        for row in rows.itertuples(index=False):
            lines.append(
                f"  {row.indicator}: {row.n_missing} missing ({row.n_not_responded} did not"
                f" respond, {row.n_outside_population} outside population,"
                f" {row.n_missing_inputs} missing answers)"
            )
        return "\n".join(lines)

    def as_metadata(self) -> dict[str, dict[str, int]]:
        """The counts as ``attrs["indicators"]["missing"]`` holds them (the inverse of
        :func:`missing_counts`): ``{indicator: {n, missing, not_responded,
        outside_population, missing_inputs}}``."""
        return {
            row.indicator: {
                "n": int(row.n),
                "missing": int(row.n_missing),
                "not_responded": int(row.n_not_responded),
                "outside_population": int(row.n_outside_population),
                "missing_inputs": int(row.n_missing_inputs),
            }
            for row in self.table.itertuples(index=False)
        }


def missing_counts(indicators: pd.DataFrame) -> MissingCounts:
    """Return the missing counts of an indicator table made by ``compute_indicators``.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The indicator table, with its ``attrs["indicators"]`` metadata.

    Raises
    ------
    InputError
        When the table carries no indicator metadata.
    """
    meta = indicators.attrs.get("indicators") if isinstance(indicators, pd.DataFrame) else None
    if not meta or "missing" not in meta:
        raise InputError(
            "This table has no indicator metadata",
            [Problem("indicator table", "a DataFrame returned by compute_indicators")],
        )
    versions = {d["id"]: d["version"] for d in meta["definitions"]}
    rows = []
    for ident, c in meta["missing"].items():
        rows.append(
            {
                "indicator": ident,
                "version": versions.get(ident),
                "n": c["n"],
                "n_available": c["n"] - c["missing"],
                "n_missing": c["missing"],
                "n_not_responded": c["not_responded"],
                "n_outside_population": c["outside_population"],
                "n_missing_inputs": c["missing_inputs"],
            }
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in COLUMNS[1:]:
        table[column] = table[column].astype("Int64")
    return MissingCounts(table)
