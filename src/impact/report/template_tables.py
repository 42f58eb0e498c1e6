"""The tables of the report templates: :class:`Column` (made with :func:`col`) declares how a
column of a bundle table is formatted; :func:`infer_kind` guesses it for
:meth:`Report.auto_table <impact.report.template_api.Report.auto_table>`; pipe-table rows and
separators are written here."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from impact.escaping import markdown_text
from impact.i18n.numbers import is_number

__all__ = [
    "KINDS",
    "Column",
    "col",
    "column_separator",
    "infer_kind",
    "table_row",
]

Kind = str
#: Column kinds understood by :meth:`Report.table`.
KINDS = (
    "text", "label", "count", "percent", "share_pp", "points", "p", "number", "ci", "ci_pp",
    "ci_points", "translate", "bool",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of a report table.

    Attributes
    ----------
    field : str
        CSV column (for intervals: the lower bound).
    header : str
        Translation key of the column header.
    kind : str
        How cells are formatted: ``text`` (as is), ``label`` (bundle label of a code),
        ``translate`` (translation key ``<prefix>.<value>``), ``count``, ``percent`` (a share),
        ``share_pp`` (difference of shares in pp), ``points`` (already pp), ``p``, ``number``,
        ``ci`` / ``ci_pp`` / ``ci_points`` (interval from ``field`` and ``high``), ``bool``.
    high : str, optional
        Upper-bound column of an interval.
    prefix : str, optional
        Key prefix for ``translate``.
    digits : int
        Decimals.
    title : str, optional
        Header text to use instead of the translation of ``header`` (e.g. a group label).
    """

    field: str
    header: str
    kind: Kind = "text"
    high: str | None = None
    prefix: str | None = None
    digits: int = 1
    title: str | None = None


def col(field: str, header: str, kind: Kind = "text", **options: Any) -> Column:
    """Shorthand for :class:`Column`."""
    if kind not in KINDS:
        raise ValueError(f"column kind {kind!r} is not one of {', '.join(KINDS)}")
    return Column(field, header, kind, **options)


#: Relative column widths (number of dashes in the separator line) by column kind.
_WIDTHS = {"label": 26, "text": 10, "translate": 12, "ci": 15, "ci_pp": 15, "ci_points": 15}


def column_separator(kind: str, header: str = "") -> str:
    """Pipe-table separator cell: text left-aligned and wide, numbers right-aligned.

    A column is at least as wide as the longest word of its header (plus a margin): Pandoc
    turns the dashes into relative widths, and a word wider than its column would run into
    the next column's header in the PDF.
    """
    longest = max((len(word) for word in header.split()), default=0)
    dashes = "-" * max(_WIDTHS.get(kind, 8), longest + 2)
    return f":{dashes}" if kind in ("text", "label", "translate") else f"{dashes}:"


_P = re.compile(r"^(p|p_value|.*_p|p_.*)$")
_COUNTS = re.compile(r"^(n|n_.*|.*_n|events|at_risk|count.*)$")


def infer_kind(field: str, rows: list[dict[str, str]]) -> str:
    """Column kind from a column's name and values (see :meth:`Report.auto_table`)."""
    if _P.match(field):
        return "p"
    if field.endswith("_pp"):
        return "points"
    if "share" in field or "rate" in field:
        return "percent"
    if _COUNTS.match(field):
        return "count"
    values = [r.get(field, "") for r in rows if r.get(field, "") not in ("", "..")]
    numeric = all(is_number(v) for v in values) and bool(values)
    return "number" if numeric else "label"


def table_row(cells: Iterable[str]) -> str:
    """One pipe-table row; every cell escaped (``|`` included) unless already Markdown."""
    return "| " + " | ".join(markdown_text(c) for c in cells) + " |"
