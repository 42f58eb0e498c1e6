"""Conformance vectors: hand-derived input rows with the indicators every implementation must give.

The vectors are CSV files in ``data_schema/conformance/`` (format in its README): columns
``case_id``, ``description``, ``params`` (``name=value;name=value``, empty for the defaults), the
inputs (``responded_*`` and wave fields ``b_*``, ``r_*``, ``f<n>_*``), then one column per
expected indicator. Empty cells are missing; booleans are ``true``/``false``.
:func:`run_conformance` computes the indicators for every case and compares them cell by cell.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from impact.errors import InputError, Problem
from impact.indicators.compute import compute_indicators
from impact.indicators.io import parse_cells, parse_params
from impact.indicators.panel_check import Definitions
from impact.resources import data_schema_dir
from impact.results import Result

META_COLUMNS = ("case_id", "description", "params")
INPUT_COLUMN = re.compile(r"^(responded_[a-z0-9]+|(b|r|f[1-9][0-9]*)_.+)$")


def default_vectors_path() -> Path:
    """Return the built-in conformance vectors file."""
    return data_schema_dir() / "conformance" / "indicators.csv"


def _cell(value: object) -> str:
    if value is pd.NA or value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool) or str(value) in ("True", "False"):
        return str(value).lower()
    return str(value)


@dataclass(frozen=True, repr=False)
class ConformanceResult(Result):
    """The outcome of running conformance vectors: one row per case and indicator.

    Attributes
    ----------
    comparisons : pandas.DataFrame
        Columns ``case_id``, ``indicator``, ``expected``, ``actual`` (as CSV text, empty for
        missing) and ``ok``.
    """

    comparisons: pd.DataFrame
    title = "Indicator conformance"

    @property
    def passed(self) -> bool:
        """True when every expected value was reproduced."""
        return bool(self.comparisons["ok"].all())

    def failures(self) -> pd.DataFrame:
        """Return the rows whose actual value differs from the expected one."""
        return self.comparisons[~self.comparisons["ok"]].reset_index(drop=True)

    def tidy(self) -> pd.DataFrame:
        """Return every comparison."""
        return self.comparisons.copy()

    def summary(self) -> str:
        """Return the number of cases and checks, and each failure."""
        cases = self.comparisons["case_id"].nunique()
        bad = self.failures()
        head = f"{self.title}: {cases} cases, {len(self.comparisons)} checks, {len(bad)} failed"
        lines = [head] + [
            f"  {r.case_id} {r.indicator}: expected {r.expected or 'missing'},"
            f" got {r.actual or 'missing'}"
            for r in bad.itertuples(index=False)
        ]
        return "\n".join(lines)


def read_vectors(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a conformance CSV as text (every cell a string, empty for missing)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            "Conformance vectors not found", [Problem(str(path), "an existing CSV file")]
        )
    vectors = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None)
    absent = [c for c in META_COLUMNS if c not in vectors.columns]
    if absent:
        raise InputError(
            "Conformance vectors lack required columns",
            [Problem(str(path), "a column of the conformance format", column=c) for c in absent],
        )
    return vectors


def run_conformance(
    path: str | os.PathLike[str] | None = None, definitions: Definitions = None
) -> ConformanceResult:
    """Compute the indicators for every conformance case and compare with the expected values.

    Parameters
    ----------
    path : path, optional
        A conformance CSV; default the built-in vectors.
    definitions : optional
        Definitions to test (default the built-in ones), as for ``compute_indicators``.
    """
    path = Path(path) if path is not None else default_vectors_path()
    vectors = read_vectors(path)
    inputs = [c for c in vectors.columns if INPUT_COLUMN.match(c)]
    expected = [c for c in vectors.columns if c not in META_COLUMNS and c not in inputs]
    rows = []
    for params_text, group in vectors.groupby("params", sort=False):
        panel = pd.DataFrame({c: parse_cells(group[c]) for c in inputs}, index=group.index)
        table = compute_indicators(
            panel, definitions=definitions, params=parse_params(params_text.split(";"))
        )
        unknown = [c for c in expected if c not in table.columns]
        if unknown:
            raise InputError(
                "Conformance vectors expect indicators that are not defined",
                [Problem(str(path), "a defined indicator", column=c) for c in unknown],
            )
        for index, case in group.iterrows():
            for indicator in expected:
                want = case[indicator].strip().lower()
                got = _cell(table.at[index, indicator])
                rows.append((case["case_id"], indicator, want, got, want == got))
    comparisons = pd.DataFrame(rows, columns=["case_id", "indicator", "expected", "actual", "ok"])
    order = {case: i for i, case in enumerate(vectors["case_id"])}
    comparisons = comparisons.sort_values(
        "case_id", key=lambda s: s.map(order), kind="stable"
    ).reset_index(drop=True)
    return ConformanceResult(comparisons)
