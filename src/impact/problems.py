"""One problem found in the input (:class:`Problem`): where it is, what was expected, the fix.

Validation collects every problem before raising (:class:`impact.errors.InputError` carries
them); :mod:`impact.problem_groups` groups them by cause and :mod:`impact.problem_table` writes
them as a table. Import :class:`Problem` from :mod:`impact.errors`, which re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Columns of :meth:`impact.errors.InputError.to_frame` (and of the problem table CSV).
PROBLEM_COLUMNS = ["source", "row", "column", "value", "expected", "fix", "kind"]


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
    fix : str or None
        How to fix it (``"declare date_format: in the mapping"``), when ``expected`` does not
        already say so.
    kind : str or None
        The cause, when ``expected`` differs from row to row for one cause (e.g. names the
        other row of a duplicate); problems are grouped by (source, column, kind or expected).
    """

    source: str
    expected: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    fix: str | None = None
    kind: str | None = None

    def describe(self) -> str:
        """One line naming file, row, column, value, what was expected and the fix."""
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        got = f": got {self.value!r}" if self.value is not None else ""
        return f"{', '.join(where)}{got} — expected {self.expected}{self.fix_text}"

    @property
    def fix_text(self) -> str:
        """``"; fix: …"`` or an empty string."""
        return f"; fix: {self.fix}" if self.fix else ""
