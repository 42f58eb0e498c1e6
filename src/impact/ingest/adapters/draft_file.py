"""What the mapping assistant makes of one export (:func:`draft_file`): the canonical table it
holds, every question matched to a field, every answer label to a code, the checkbox questions
and what nothing matched. :mod:`impact.ingest.adapters.draft` writes the mapping from these."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact.ingest.adapters.base import Adapter, ExportColumn, normal_text
from impact.ingest.adapters.checkbox import split_cell as _split_cell
from impact.ingest.adapters.detect import Detection
from impact.ingest.adapters.export_open import OpenedExport, find_column, open_export
from impact.ingest.adapters.vocabulary import Match, answer_match, question_match
from impact.ingest.mapping import CANONICAL
from impact.ingest.schema import load_table_schema

__all__ = ["CheckboxDraft", "FileDraft", "SURVEY_TABLES", "draft_file"]

SURVEY_TABLES = ("baseline", "followup", "result")
_NONE_WORDS = ("inget", "ingen", "none", "nothing", "inga")
_OTHER_WORDS = ("annat", "other", "övrigt", "annan")
_MAX_OPTIONS = 40
#: An option must be in this many answers (rarer values are free 'other' texts).
_MIN_OPTION_ROWS = 3


@dataclass
class CheckboxDraft:
    """A checkbox question found in an export, with its options matched to true/false fields."""

    question: str
    options: dict[str, Match] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    none: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


@dataclass
class FileDraft:
    """What the assistant made of one export.

    Attributes
    ----------
    source : str
        The file.
    table : str
        The canonical table it holds (given, or the best-matching survey table).
    adapter : Adapter
        The tool.
    detection : Detection
        How the tool was recognised.
    questions : dict
        ``{header: Match}`` of every single-answer question matched to a field.
    labels : dict
        ``{field: {label: Match or None}}``: every answer label of a matched coded field.
    checkboxes : list of CheckboxDraft
        Checkbox questions.
    unmatched : list of str
        Headers nothing matched (to map by hand or ignore).
    """

    source: str
    table: str
    adapter: Adapter
    detection: Detection
    questions: dict[str, Match] = field(default_factory=dict)
    labels: dict[str, dict[str, Match | None]] = field(default_factory=dict)
    checkboxes: list[CheckboxDraft] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def _table_score(headers: list[str], table: str) -> float:
    """How well headers fit a table: matched fields, fields only this table has count more."""
    others = {f for t in SURVEY_TABLES if t != table for f in load_table_schema(t).field_names}
    score = 0.0
    for header in headers:
        found = question_match(header, table)
        if found is not None:
            weight = 1.0 if found.exact else 0.5
            score += weight * (3 if found.target not in others else 1)
    return score


def _guess_table(headers: list[str]) -> str:
    return max(SURVEY_TABLES, key=lambda t: (_table_score(headers, t), t == "baseline"))


def _boolean_fields(table: str) -> list[str]:
    return [f.name for f in load_table_schema(table).fields if f.type == "boolean"]


def _option_kind(option: str) -> str:
    words = normal_text(option)
    if any(words.startswith(w) for w in _NONE_WORDS):
        return "none"
    if any(words.startswith(w) for w in _OTHER_WORDS):
        return "other"
    return "option"


def _checkbox(question: str, options: list[str], table: str) -> CheckboxDraft:
    draft = CheckboxDraft(question)
    booleans = _boolean_fields(table)
    for option in dict.fromkeys(options):
        kind = _option_kind(option)
        if kind == "none":
            draft.none.append(option)
            continue
        if kind == "other":
            draft.other.append(option)
            continue
        found = question_match(option, table, booleans)
        if found is None:
            draft.unmatched.append(option)
        else:
            draft.options[option] = Match(found.target, found.score, False, found.known)
    return draft


def _multi_select_options(cells: pd.Series, adapter: Adapter) -> list[str] | None:
    """Options of a one-cell multi-select column, or None when it does not look like one.

    An option is a cell value that is not made of shorter values joined by the tool's
    separator (every option answered alone at least once shows up this way); the column is a
    multi-select when at least two answers join several options. Values in fewer than
    :data:`_MIN_OPTION_ROWS` answers are left out: they are typed "other" answers (free text,
    which a mapping file should not copy).
    """
    separator = adapter.multi_select_separator
    if not separator:
        return None
    texts = [str(c).strip().rstrip(";").strip() for c in cells]
    texts = [t for t in texts if t]
    atoms: list[str] = []
    for value in sorted(set(texts), key=len):
        found, leftover = _split_cell(value, atoms, separator)
        if not found or leftover:
            atoms.append(value)
        if len(atoms) > _MAX_OPTIONS:
            return None
    splits = [_split_cell(t, atoms, separator)[0] for t in texts]
    if sum(len(found) >= 2 for found in splits) < 2:
        return None
    seen = {a: sum(a in found for found in splits) for a in atoms}
    return [a for a in atoms if seen[a] >= _MIN_OPTION_ROWS]


def _labels(opened: OpenedExport, column: ExportColumn, table: str, name: str) -> dict:
    spec = load_table_schema(table).field(name)
    coded = spec.enum is not None or spec.type == "boolean" or bool(spec.labels)
    if not coded or spec.privacy:
        return {}
    values = opened.frame.iloc[:, column.position].map(lambda v: str(v).strip())
    out: dict[str, Match | None] = {}
    for label in sorted(v for v in pd.unique(values) if v):
        if spec.type == "integer" and label.lstrip("-").isdigit():
            continue  # a number needs no label entry
        out[label] = answer_match(label, table, name)
    return out


def _shared_prefixes(path: Path, sheet: str | None) -> list[str]:
    """Texts before `` - `` that two or more headers share: likely checkbox questions."""
    headers = open_export(path, None, CANONICAL, sheet).raw.frame.columns
    prefixes = [str(h).rpartition(" - ")[0] for h in headers if " - " in str(h)]
    counts = pd.Series(prefixes, dtype=object).value_counts()
    return [p for p, n in counts.items() if n >= 2 and p]


def _option_columns(opened: OpenedExport, plain: list[ExportColumn]) -> list[ExportColumn]:
    """Columns holding only their own header text (Typeform's options) — ticked or blank."""
    out = []
    for column in plain:
        values = {normal_text(v) for v in pd.unique(opened.frame.iloc[:, column.position])}
        if values - {""} == {normal_text(column.header)}:
            out.append(column)
    return out


def draft_file(path: Path, table: str | None, sheet: str | None) -> FileDraft:
    opened = open_export(path, table, CANONICAL, sheet)
    if opened.adapter.option_style == "dash":
        opened = open_export(path, table, CANONICAL, sheet, _shared_prefixes(path, sheet))
    adapter = opened.adapter
    special = {
        c.position
        for names in (adapter.id_columns, adapter.time_columns)
        if (c := find_column(opened.columns, names)) is not None
    }
    plain = [
        c
        for c in opened.columns
        if c.position not in special and not adapter.is_tool_column(c) and c.option is None
    ]
    chosen = table or _guess_table([c.header for c in plain])
    draft = FileDraft(opened.raw.source, chosen, adapter, opened.detection)
    by_question: dict[str, list[str]] = defaultdict(list)
    for column in opened.columns:
        if column.option is not None and column.position not in special:
            by_question[column.question].append(column.option)
    for question, options in by_question.items():
        draft.checkboxes.append(_checkbox(question, options, chosen))
    alone = _option_columns(opened, plain)
    if len(alone) >= 2:
        draft.checkboxes.append(_checkbox("", [c.header for c in alone], chosen))
    taken: dict[str, float] = {}
    for column in plain:
        if column.header in by_question or (len(alone) >= 2 and column in alone):
            continue  # Kobo's joined column beside its option columns
        found = question_match(column.header, chosen)
        if found is None or not found.exact:
            options = _multi_select_options(opened.frame.iloc[:, column.position], adapter)
            if options:
                draft.checkboxes.append(_checkbox(column.header, options, chosen))
                continue
        if found is None:
            draft.unmatched.append(column.header)
            continue
        if taken.get(found.target, -1.0) >= found.score:
            draft.unmatched.append(column.header)
            continue
        previous = [h for h, m in draft.questions.items() if m.target == found.target]
        for header in previous:
            del draft.questions[header]
            draft.unmatched.append(header)
        taken[found.target] = found.score
        draft.questions[column.header] = found
        draft.labels[found.target] = _labels(opened, column, chosen, found.target)
    return draft
