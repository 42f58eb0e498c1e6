"""Checkbox questions: from a tool's option columns or multi-select cells to boolean fields.

A checkbox question ("tick all that apply") is declared in a mapping under ``checkboxes``;
each ticked option sets one canonical boolean field. What a **blank** option means is the
point of this module: a blank cell is *not ticked* (false) when the respondent answered the
question — any option ticked, a "none of these" option ticked, or an "other" text given — and
*missing* only when the whole question was skipped or not shown. Two further rules widen
"answered": ``page`` (any listed question on the same page was answered) and ``submitted``
(every kept response was submitted, so the question was shown and passed). An explicit
"not ticked" cell written by the tool (Kobo and Qualtrics write ``0``) is false whatever the
rule. Every decision is counted per field, for the validation summary and the codebook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from impact.errors import Problem
from impact.escaping import markdown_text
from impact.i18n import table
from impact.ingest.adapters.base import Adapter, ExportColumn, normal_text, option_header

__all__ = [
    "DECISIONS",
    "RULE_WORDS",
    "BlankRule",
    "CheckboxCounts",
    "CheckboxQuestion",
    "resolve_checkboxes",
]

BlankRule = Literal["question", "page", "submitted"]

#: The rule for a blank option, in words (for mapping docs, the summary and the codebook).
RULE_WORDS: dict[str, dict[str, str]] = table("labels.checkbox.rules")

#: Decision categories counted per field, in report order.
DECISIONS: dict[str, str] = {
    "ticked": "ticked (true)",
    "tool_unticked": "not ticked, written by the tool (false)",
    "question_answered": "blank, question answered (false)",
    "page_answered": "blank, page answered (false)",
    "submitted": "blank, response submitted (false)",
    "skipped": "blank, question skipped (missing)",
}


class CheckboxQuestion(BaseModel):
    """A "tick all that apply" question whose options set boolean fields.

    Attributes
    ----------
    question : str
        The question text as the export writes it (``""`` when the export names each option
        column by the option text alone, as Typeform does).
    options : dict
        ``{option text: boolean field}``; several spellings may name one field.
    none : list of str
        Options meaning "none of these": ticked, the question is answered and every field
        false.
    other : list of str
        Options (or the start of text columns' option names) for "other": ticked or filled in,
        the question is answered.
    blank_is_false_when : {"question", "page", "submitted"}
        The rule for a blank option (see :data:`RULE_WORDS`).
    page : list of str
        For rule ``page``: headers of the other questions on the question's page.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = ""
    options: dict[str, str]
    none: list[str] = []
    other: list[str] = []
    blank_is_false_when: BlankRule = "question"
    page: list[str] = []

    @field_validator("options", mode="before")
    @classmethod
    def _text_keys(cls, value):
        if isinstance(value, dict):
            return {str(k): v for k, v in value.items()}
        return value

    def fields(self) -> list[str]:
        """The boolean fields this question sets, in option order, without repeats."""
        return list(dict.fromkeys(self.options.values()))

    def labels(self) -> list[str]:
        """Every option text the question knows (options, none, other)."""
        return [*self.options, *self.none, *self.other]

    def rule_words(self, language: str = "en") -> str:
        """The blank rule in words."""
        return RULE_WORDS[self.blank_is_false_when][language]


@dataclass
class CheckboxCounts:
    """How one file's answers to one checkbox field were decided.

    Attributes
    ----------
    source : str
        The file.
    question : str
        The question text.
    field : str
        The canonical field.
    rule : str
        The mapping's blank rule.
    counts : dict
        ``{decision: rows}`` over :data:`DECISIONS`.
    """

    source: str
    question: str
    field: str
    rule: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DECISIONS, 0))


@dataclass
class _Found:
    """The columns of one question in one file."""

    options: dict[int, str] = field(default_factory=dict)  # position → matched label
    cells: list[int] = field(default_factory=list)  # single multi-select columns
    texts: list[int] = field(default_factory=list)  # 'other' text columns


def _find(question: CheckboxQuestion, columns: Sequence[ExportColumn]) -> _Found:
    labels = {normal_text(label): label for label in question.labels()}
    others = [normal_text(o) for o in question.other]
    asked = normal_text(question.question)
    combined = {
        normal_text(option_header(question.question, label)): label for label in question.labels()
    }
    found = _Found()
    for column in columns:
        own = normal_text(column.question) == asked and bool(asked)
        if own and column.option is not None:
            option = normal_text(column.option)
            if option in labels:
                found.options[column.position] = labels[option]
            elif any(option.startswith(o) for o in others):
                found.texts.append(column.position)
        elif own:
            found.cells.append(column.position)
        elif column.option is None and normal_text(column.header) in labels:
            found.options[column.position] = labels[normal_text(column.header)]
        elif column.option is None and normal_text(column.header) in combined:
            found.options[column.position] = combined[normal_text(column.header)]
    if found.options:
        # Kobo writes both layouts: the option columns decide; the joined cell only tells
        # whether the question was answered
        found.texts += found.cells
        found.cells = []
    return found


def split_cell(text: str, labels: list[str], separator: str | None) -> tuple[set[str], bool]:
    """Known labels found whole in one multi-select cell, and whether other text remains."""
    remaining = normal_text(text)
    seps = {",", ";", " "} | ({separator.strip()} if separator and separator.strip() else set())
    found: set[str] = set()
    for label in sorted(labels, key=len, reverse=True):
        key = normal_text(label)
        start = remaining.find(key)
        while start >= 0:
            end = start + len(key)
            before = start == 0 or remaining[start - 1] in seps
            after = end == len(remaining) or remaining[end] in seps
            if before and after:
                found.add(label)
                remaining = remaining[:start] + " " + remaining[end:]
                break
            start = remaining.find(key, start + 1)
    leftover = "".join(ch for ch in remaining if ch not in seps)
    return found, bool(leftover)


def _answered_rows(
    frame: pd.DataFrame, found: _Found, question: CheckboxQuestion, adapter: Adapter
) -> tuple[pd.DataFrame, pd.Series]:
    """Per row and label: ticked, written as not ticked by the tool; per row: answered."""
    labels = question.labels()
    ticked = pd.DataFrame(False, index=frame.index, columns=labels)
    unticked = pd.DataFrame(False, index=frame.index, columns=labels)
    answered = pd.Series(False, index=frame.index)
    untick = {normal_text(u) for u in adapter.unticked}
    for position, label in found.options.items():
        cells = frame.iloc[:, position].map(normal_text)
        is_untick = cells.isin(untick)
        is_tick = (cells != "") & ~is_untick
        ticked[label] |= is_tick
        unticked[label] |= is_untick
        answered |= is_tick | is_untick
    for position in found.texts:
        answered |= frame.iloc[:, position].map(normal_text) != ""
    for position in found.cells:
        for row, text in frame.iloc[:, position].items():
            if not str(text).strip():
                continue
            hits, _other_text = split_cell(str(text), labels, adapter.multi_select_separator)
            for label in hits:
                ticked.at[row, label] = True
            answered.at[row] = True  # any text: options, or an 'other' answer written in
    return ticked, unticked, answered


def resolve_checkboxes(
    frame: pd.DataFrame,
    columns: Sequence[ExportColumn],
    questions: Sequence[CheckboxQuestion],
    adapter: Adapter,
    source: str,
) -> tuple[dict[str, pd.Series], set[int], list[CheckboxCounts], list[Problem]]:
    """Turn every declared checkbox question into boolean text columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        The export's cells (positional columns as in ``columns``).
    columns : sequence of ExportColumn
        The parsed headers.
    questions : sequence of CheckboxQuestion
        The mapping's checkbox questions for this table.
    adapter : Adapter
        The tool (what it writes for "not ticked", how it joins a multi-select cell).
    source : str
        The file, for messages.

    Returns
    -------
    fields : dict
        ``{field: Series of "true"/"false"/""}``.
    consumed : set of int
        Positions of the columns used (removed from the export).
    counts : list of CheckboxCounts
        How each field's answers were decided.
    problems : list of Problem
        Questions whose columns are not in the file.
    """
    by_header = {normal_text(c.header): c.position for c in columns}
    out: dict[str, pd.Series] = {}
    consumed: set[int] = set()
    counts: list[CheckboxCounts] = []
    problems: list[Problem] = []
    for question in questions:
        found = _find(question, columns)
        if not found.options and not found.cells:
            shown = question.question or ", ".join(question.options)
            problems.append(
                Problem(
                    source=source,
                    column=shown,
                    expected=(
                        "the columns of this checkbox question (mapping checkboxes): no column "
                        "has this question text or one of its option texts"
                    ),
                    fix="copy the question and option texts from the file's header into the "
                    "mapping's checkboxes (impact mapping draft writes them for you)",
                )
            )
            continue
        consumed |= set(found.options) | set(found.cells) | set(found.texts)
        ticked, unticked, answered = _answered_rows(frame, found, question, adapter)
        for label in question.none:
            answered |= ticked[label]
        page = _page_answered(frame, question, by_header)
        for name in question.fields():
            labels = [label for label, target in question.options.items() if target == name]
            record = CheckboxCounts(source, question.question, name, question.blank_is_false_when)
            out[name] = _field_answers(
                ticked[labels].any(axis=1),
                unticked[labels].any(axis=1),
                answered,
                page,
                question.blank_is_false_when,
                record,
            )
            counts.append(record)
    return out, consumed, counts, problems


def _page_answered(
    frame: pd.DataFrame, question: CheckboxQuestion, by_header: dict[str, int]
) -> pd.Series:
    """Rows that answered any other question on the checkbox question's page."""
    page = pd.Series(False, index=frame.index)
    for header in question.page:
        position = by_header.get(normal_text(header))
        if position is not None:
            page |= frame.iloc[:, position].map(normal_text) != ""
    return page


def _field_answers(
    tick: pd.Series,
    any_unticked: pd.Series,
    answered: pd.Series,
    page: pd.Series,
    rule: str,
    record: CheckboxCounts,
) -> pd.Series:
    """One boolean field as text (``true``/``false``/``""``) by the blank rule ``rule``; how
    each row was decided is counted in ``record``."""
    tool_false = any_unticked & ~tick
    blank = ~tick & ~tool_false
    decided = {
        "ticked": tick,
        "tool_unticked": tool_false,
        "question_answered": blank & answered,
    }
    rest = blank & ~answered
    if rule == "page":
        decided["page_answered"] = rest & page
        rest = rest & ~page
    elif rule == "submitted":
        decided["submitted"] = rest
        rest = pd.Series(False, index=tick.index)
    decided["skipped"] = rest
    value = pd.Series("", index=tick.index, dtype=object)
    for decision, mask in decided.items():
        record.counts[decision] = int(mask.sum())
        if decision == "ticked":
            value[mask] = "true"
        elif decision != "skipped":
            value[mask] = "false"
    return value


_CODEBOOK_TEXT: dict[str, dict[str, str]] = table("labels.checkbox.codebook")


def checkbox_rules_markdown(questions: Sequence[CheckboxQuestion], lang: str) -> list[str]:
    """A codebook section stating the blank rule of every checkbox field (empty if none).

    Parameters
    ----------
    questions : sequence of CheckboxQuestion
        The mapping's checkbox questions.
    lang : {"sv", "en"}
        The language.
    """
    if not questions:
        return []
    text = {key: value[lang] for key, value in _CODEBOOK_TEXT.items()}
    lines = [f"## {text['title']}", "", text["intro"], ""]
    lines += [f"| {text['field']} | {text['question']} | {text['rule']} |", "|---|---|---|"]
    for question in questions:
        shown = markdown_text(question.question) or "—"
        for name in question.fields():
            lines.append(f"| `{name}` | {shown} | {question.rule_words(lang)} |")
    return [*lines, ""]
