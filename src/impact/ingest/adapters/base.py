"""What an adapter knows about one survey tool's export, and the columns it finds in it.

An :class:`Adapter` describes a tool's export layout declaratively: how many header rows it
has, how a checkbox option is named in the header, which columns hold the response id and the
submission time, which columns the tool adds that carry no answers, which rows are not real
responses (previews, tests, unfinished answers), how a multi-select answer is written in one
cell and how dates are written. :mod:`impact.ingest.adapters.export` applies it to a file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from impact.ingest.raw_table import HEADER_JOIN

__all__ = [
    "DATE_STYLES",
    "HEADER_JOIN",
    "Adapter",
    "DateFormat",
    "DropRule",
    "ExportColumn",
    "normal_text",
    "option_header",
]

DateFormat = Literal["iso", "us", "eu", "excel", "auto"]
#: The date styles an adapter rewrites to ISO (a mapping may also give strptime patterns).
DATE_STYLES: tuple[str, ...] = ("iso", "us", "eu", "excel", "auto")

_SPACES = re.compile(r"\s+")


def normal_text(text: str) -> str:
    """Text for matching headers and labels: NFC, whitespace collapsed, stripped, casefolded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip().casefold()


def option_header(question: str, option: str) -> str:
    """The single header impact gives one option column of a question: ``Question [Option]``."""
    return f"{question} [{option}]"


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export, as the adapter reads its header.

    Attributes
    ----------
    position : int
        Position in the file (0-based).
    header : str
        The single header the rest of ingest sees (mapping ``columns`` refer to it): the
        question text, or ``Question [Option]`` for one option of a question.
    question : str
        The question text (for an option column, the question it belongs to).
    option : str or None
        The option text for a column holding one option of a question, else None.
    tag : str
        The tool's own name for the column (Qualtrics export tag, Kobo name), else the header.
    """

    position: int
    header: str
    question: str
    option: str | None = None
    tag: str = ""


@dataclass(frozen=True)
class DropRule:
    """Rows that are not real responses, recognised by one of the tool's columns.

    Attributes
    ----------
    columns : tuple of str
        Headers or tags of the column (the first present is used).
    reason : str
        Why such rows are dropped, as the validation summary says it.
    when_blank : bool
        Drop rows where the column is blank.
    values : frozenset of str
        Drop rows whose (normalised) value is one of these.
    """

    columns: tuple[str, ...]
    reason: str
    when_blank: bool = False
    values: frozenset[str] = frozenset()

    def drops(self, value: str) -> bool:
        """Whether a row with this cell value is dropped."""
        text = normal_text(value)
        if not text:
            return self.when_blank
        return text in self.values


@dataclass(frozen=True)
class Adapter:
    """A survey tool's export layout.

    Attributes
    ----------
    name : str
        The name used in a mapping's ``source:`` key (``qualtrics``).
    title : str
        The tool's name for people (``Qualtrics``).
    header_rows : int
        Header rows above the first response (SurveyMonkey 2, Qualtrics 3).
    id_columns : tuple of str
        Headers or tags of the response id, the first present is used; when none is present a
        response id is made from the row number (``row-12``).
    time_columns : tuple of str
        Headers or tags of the submission time (→ ``submitted_at``), the first present is used.
    date_format : str
        How the tool writes dates: ``iso``, ``us`` (MM/DD/YYYY), ``eu`` (DD/MM/YYYY), ``excel``
        (serial day numbers) or ``auto`` (ISO, else an Excel serial); a mapping may override it.
    tool_columns : tuple of str
        Columns the tool adds that hold no answers (dropped; listed in the summary). A trailing
        ``*`` matches any header starting with the text before it.
    drop_rules : tuple of DropRule
        Rows that are not real responses.
    multi_select_separator : str or None
        How several answers are joined in one cell (``", "`` Google Forms, ``";"`` Microsoft
        Forms, ``" "`` Kobo); None when the tool never does that.
    unticked : frozenset of str
        Cell values in an option column that mean "not ticked" (``0``); a blank cell is decided
        by the mapping's checkbox rule.
    signature : tuple of str
        Headers or tags typical of this tool, for detection.
    option_style : str
        How an option column's header names question and option: ``brackets``
        (``Question [Option]``), ``dash`` (``Question - Option`` on the second header row,
        grouped by the export tag ``Q5_1``), ``rows`` (question on the first header row,
        option on the second), ``path`` (``question/option``) or ``plain`` (the header is the
        option text alone).
    path_separator : str
        Separator of ``path`` headers (``/`` Kobo, ``-`` ODK Central).
    export_settings : str
        How to export from the tool (shown in docs and messages).
    """

    name: str
    title: str
    header_rows: int = 1
    id_columns: tuple[str, ...] = ()
    time_columns: tuple[str, ...] = ()
    date_format: DateFormat = "auto"
    tool_columns: tuple[str, ...] = ()
    drop_rules: tuple[DropRule, ...] = ()
    multi_select_separator: str | None = None
    unticked: frozenset[str] = frozenset({"0", "false", "no", "n", "nej", "not selected"})
    signature: tuple[str, ...] = ()
    option_style: Literal["brackets", "dash", "rows", "path", "plain"] = "plain"
    path_separator: str = "/"
    export_settings: str = ""

    def is_tool_column(self, column: ExportColumn) -> bool:
        """Whether a column is one the tool adds without answers."""
        names = {normal_text(column.header), normal_text(column.tag)}
        for pattern in self.tool_columns:
            if pattern.endswith("*"):
                stem = normal_text(pattern[:-1])
                if any(n.startswith(stem) for n in names):
                    return True
            elif normal_text(pattern) in names:
                return True
        return False

    def parse_headers(
        self, headers: Sequence[str], declared_questions: Sequence[str] = ()
    ) -> list[ExportColumn]:
        """Read each header (header rows joined by :data:`HEADER_JOIN`) into an ExportColumn.

        Parameters
        ----------
        headers : sequence of str
            One header per column as the reader built it.
        declared_questions : sequence of str
            Question texts the mapping declares as checkbox questions (helps ``path`` and
            ``plain`` headers, where the header alone cannot tell question from option).
        """
        from impact.ingest.adapters.headers import parse_headers

        return parse_headers(self, headers, declared_questions)
