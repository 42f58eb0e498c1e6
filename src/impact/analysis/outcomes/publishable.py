"""The shared behaviour of the outcome tables: the full table for analysts, a suppressed copy
for publication."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from impact.analysis.outcomes.inputs import check_threshold
from impact.analysis.outcomes.suppression import SuppressionRules
from impact.results import Result


@dataclass(frozen=True, repr=False)
class PublishableTable(Result):
    """A result held as one ``table`` whose small cells are suppressed for publication.

    Subclasses (frozen dataclasses) set the class attributes ``rules`` (which columns are counts
    and which depend on them), ``source`` (the table's name in error messages) and ``title``.

    Attributes
    ----------
    table : DataFrame
        The full table (see each subclass).
    level : float
        Confidence level of its intervals.
    suppression_threshold : int
        Counts below it are suppressed by :meth:`publishable`.
    """

    rules: ClassVar[SuppressionRules]
    source: ClassVar[str]
    table: pd.DataFrame
    level: float
    suppression_threshold: int = 5

    def tidy(self) -> pd.DataFrame:
        """All numbers, unsuppressed (for analysts)."""
        return self.table.copy()

    def publishable(self, threshold: int | None = None) -> pd.DataFrame:
        """The table with small cells suppressed, checked before it is returned."""
        threshold = check_threshold(threshold or self.suppression_threshold)
        out = self.rules.apply(self.table, threshold)
        self.rules.check(out, threshold, source=self.source)
        return out
