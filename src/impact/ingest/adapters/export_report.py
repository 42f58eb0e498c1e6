"""How one export was read (:class:`ExportReport`): the tool and how it was chosen, the rows
dropped and why, the tool's columns left out and how checkbox answers were decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from impact.ingest.adapters.checkbox import CheckboxCounts
from impact.ingest.adapters.detect import Detection
from impact.ingest.adapters.registry import ADAPTERS

__all__ = ["ExportReport"]


@dataclass
class ExportReport:
    """How one export was read: the tool, what was dropped, how checkboxes were decided.

    Attributes
    ----------
    source : str
        The file.
    table : str
        The canonical table it feeds.
    adapter : str
        The adapter used.
    chosen_by : {"mapping", "detected"}
        Named by the mapping's ``source:`` or recognised from the header.
    detection : Detection
        What the header looks like (also computed when the mapping names the tool).
    rows_read : int
        Data rows in the file.
    dropped : dict
        ``{reason: [row numbers]}`` of rows that are not real responses.
    tool_columns : list of str
        Columns the tool adds without answers, dropped.
    made_response_ids : bool
        True when the tool writes no response id and ``row-<n>`` ids were made.
    date_format : str
        How dates were read.
    checkboxes : list of CheckboxCounts
        How each checkbox field's answers were decided.
    answers : list of dict
        Filled by :mod:`impact.ingest.study` after mapping: per coded field (categories,
        booleans, labelled scales) the source header and the count of each canonical code,
        so a wrong mapping shows before any analysis.
    """

    source: str
    table: str
    adapter: str
    chosen_by: Literal["mapping", "detected"]
    detection: Detection
    rows_read: int = 0
    dropped: dict[str, list[int]] = field(default_factory=dict)
    tool_columns: list[str] = field(default_factory=list)
    made_response_ids: bool = False
    date_format: str = "auto"
    checkboxes: list[CheckboxCounts] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The tool's name."""
        return ADAPTERS[self.adapter].title

    def tool(self) -> str:
        """The tool and how it was chosen (named in the mapping, or recognised and why)."""
        if self.chosen_by == "detected":
            return f"recognised as {self.detection.describe()}"
        how = f"{self.title}, named in the mapping (source: {self.adapter})"
        if self.detection.adapter not in (self.adapter, "generic"):
            how += f"; the header looks like {self.detection.describe()}"
        return how

    def describe(self) -> list[str]:
        """Lines for the validation summary."""
        lines = [f"{self.source}: {self.tool()}"]
        kept = self.rows_read - sum(len(r) for r in self.dropped.values())
        lines.append(f"  rows: {self.rows_read} read, {kept} kept")
        for reason, rows in self.dropped.items():
            shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
            lines.append(f"  dropped {len(rows)}: {reason} (rows {shown})")
        if self.tool_columns:
            lines.append(f"  tool columns left out: {', '.join(self.tool_columns)}")
        if self.made_response_ids:
            lines.append("  no response id in the export: ids row-<n> made from the row number")
        for c in self.checkboxes:
            parts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in c.counts.items() if v)
            lines.append(f"  checkbox {c.field} (rule '{c.rule}'): {parts}")
        return lines
