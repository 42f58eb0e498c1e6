"""Errors raised for user mistakes, and the collected problems they carry.

Every error a user can cause (a bad file, a bad config key, an impossible power request) is an
:class:`ImpactError`. The command line turns these into a clear message and a non-zero exit
code, without a traceback. Validation collects *every* failure into :class:`Problem` rows before
raising, so the user fixes all of them in one go.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what was expected.

    Attributes
    ----------
    source : str
        The file (or config file, or table name) the problem is in.
    row : int or None
        1-based data row number in the source (header excluded), when the problem is in a row.
    column : str or None
        The column (canonical field name, or the original header) or config key.
    value : str or None
        The offending value, as text (never a linking code: callers mask those).
    expected : str
        What was expected, in words a user can act on.
    """

    source: str
    expected: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def describe(self) -> str:
        """One line naming file, row, column, value and what was expected."""
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        got = f": got {self.value!r}" if self.value is not None else ""
        return f"{', '.join(where)}{got} — expected {self.expected}"


class ImpactError(Exception):
    """Base class for errors caused by the user's input or request (no traceback in the CLI)."""

    exit_code = 2


class InputError(ImpactError):
    """Input data or configuration failed validation; carries every problem found.

    Parameters
    ----------
    message : str
        A one-line summary.
    problems : iterable of Problem
        Every problem found (not just the first).
    """

    def __init__(self, message: str, problems: Iterable[Problem] = ()):
        self.problems: list[Problem] = list(problems)
        self.summary_line = message
        super().__init__(self._format())

    def _format(self) -> str:
        if not self.problems:
            return self.summary_line
        lines = [f"{self.summary_line} ({len(self.problems)} problem(s)):"]
        lines += [f"  - {p.describe()}" for p in self.problems]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the problems as a table with columns source, row, column, value, expected."""
        cols = ["source", "row", "column", "value", "expected"]
        return pd.DataFrame([asdict(p) for p in self.problems], columns=cols)


class AnalysisError(ImpactError):
    """An analysis cannot be carried out on these data (e.g. one arm empty), with the reason."""
