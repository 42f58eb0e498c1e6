"""The mapping assistant: draft a commented mapping file from survey exports.

:func:`draft_mapping` reads each export with its survey tool's adapter (recognised from the
header), decides which canonical table it holds, matches every question text to a canonical
field and every answer label to a canonical code (:mod:`impact.ingest.adapters.vocabulary`),
groups checkbox option columns (or multi-select cells) into checkbox questions, and returns a
:class:`MappingDraft`. Its :meth:`MappingDraft.to_yaml` is a mapping file in which every
entry that is a guess carries a ``GUESS`` comment with the score and the text it matched,
and the columns and labels nothing matched are listed, so the user checks exactly those.
"""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from impact.errors import InputError, Problem
from impact.ingest.adapters.base import Adapter, ExportColumn, normal_text
from impact.ingest.adapters.checkbox import split_cell as _split_cell
from impact.ingest.adapters.detect import Detection
from impact.ingest.adapters.export import OpenedExport, find_column, open_export
from impact.ingest.adapters.vocabulary import Match, answer_match, question_match
from impact.ingest.mapping import CANONICAL
from impact.ingest.schema import load_table_schema
from impact.outputs import atomic_file
from impact.results import Result

__all__ = ["FileDraft", "MappingDraft", "draft_mapping"]

logger = logging.getLogger(__name__)

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


def _draft_file(path: Path, table: str | None, sheet: str | None) -> FileDraft:
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


def _comment_guess(found: Match) -> str:
    return f"GUESS {found.score:.0f}%: matched {found.known}; check it"


def _yaml_key(text: str) -> str:
    return text


@dataclass
class MappingDraft(Result):
    """A drafted mapping: the files it was drafted from and everything matched or not.

    Attributes
    ----------
    name : str
        The mapping's name.
    files : list of FileDraft
        One per export.
    """

    name: str
    files: list[FileDraft]
    title: str = "Mapping draft"

    @property
    def language(self) -> str:
        """``sv`` when most exact matches are Swedish texts, else ``en``."""
        origins = [m.known for f in self.files for m in f.questions.values()]
        swedish = sum("(sv)" in o or "belong_sv" in o for o in origins)
        english = sum("(en)" in o for o in origins)
        return "sv" if swedish >= english else "en"

    @property
    def source(self) -> str:
        """The tool every export was recognised as, or ``auto`` when they differ."""
        tools = {f.adapter.name for f in self.files}
        return tools.pop() if len(tools) == 1 else "auto"

    def tidy(self) -> pd.DataFrame:
        """One row per matched, guessed or unmatched column: file, table, header, field, status."""
        rows = []
        for f in self.files:
            for header, found in f.questions.items():
                status = "exact" if found.exact else "guess"
                rows.append((f.source, f.table, header, found.target, status, found.score))
            for box in f.checkboxes:
                for option, found in box.options.items():
                    header = f"{box.question} [{option}]"
                    rows.append((f.source, f.table, header, found.target, "guess", found.score))
            for header in f.unmatched:
                rows.append((f.source, f.table, header, None, "unmatched", None))
        columns = ["source", "table", "header", "field", "status", "score"]
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> str:
        """Per file: tool, table, exact matches, guesses and unmatched columns."""
        lines = [self.title]
        for f in self.files:
            exact = sum(m.exact for m in f.questions.values())
            guesses = len(f.questions) - exact + sum(len(b.options) for b in f.checkboxes)
            lines.append(
                f"  {f.source}: {f.detection.describe()}; table {f.table}; {exact} exact, "
                f"{guesses} guess(es), {len(f.unmatched)} unmatched column(s)"
            )
        return "\n".join(lines)

    def to_yaml(self) -> str:
        """The mapping file, commented: every guess marked, unmatched columns listed."""
        doc = CommentedMap()
        doc["name"] = self.name
        doc["language"] = self.language
        doc["source"] = self.source
        header = [
            "Drafted by `impact mapping draft`. Entries marked GUESS are close matches, not",
            "identical texts: check each one. Entries without a comment matched a known",
            "question or answer text exactly. Then run `impact validate` and look at",
            "'What the answers became' to see every question's answers as canonical codes.",
        ]
        for f in self.files:
            header.append(f"{f.source}: {f.detection.describe()}; holds the {f.table} table")
        doc.yaml_set_start_comment("\n".join(header))
        doc["columns"] = self._columns()
        unmatched: dict[str, list[str]] = defaultdict(list)
        doc["values"] = self._values(unmatched)
        booleans = self._booleans(unmatched)
        if booleans:
            doc["booleans"] = booleans
        if unmatched:
            lines = ["UNMATCHED answer labels (add each under values.<field> with its code):"]
            lines += [f"  {k}: {', '.join(repr(v) for v in vs)}" for k, vs in unmatched.items()]
            doc.yaml_set_comment_before_after_key("values", before="\n".join(lines))
        checkboxes = self._checkboxes()
        if checkboxes:
            doc["checkboxes"] = checkboxes
        doc["ignore"] = self._ignore(doc)
        buffer = io.StringIO()
        yaml = YAML()
        yaml.width = 4096
        yaml.indent(mapping=2, sequence=4, offset=2)
        yaml.dump(doc, buffer)
        return buffer.getvalue()

    def _columns(self) -> CommentedMap:
        columns = CommentedMap()
        for f in self.files:
            section = columns.setdefault(f.table, CommentedMap())
            for header, found in f.questions.items():
                section[_yaml_key(header)] = found.target
                if not found.exact:
                    section.yaml_add_eol_comment(_comment_guess(found), header)
        return columns

    def _values(self, unmatched: dict[str, list[str]]) -> CommentedMap:
        values = CommentedMap()
        for f in self.files:
            schema = load_table_schema(f.table)
            for name, labels in f.labels.items():
                if schema.field(name).type == "boolean":
                    continue
                entry = values.setdefault(name, CommentedMap())
                for label, found in labels.items():
                    if label in entry:
                        continue
                    if found is None:
                        unmatched[name].append(label)
                        continue
                    code = found.target
                    entry[label] = int(code) if schema.field(name).type == "integer" else code
                    if not found.exact:
                        entry.yaml_add_eol_comment(_comment_guess(found), label)
        return CommentedMap((k, v) for k, v in values.items() if v)

    def _booleans(self, unmatched: dict[str, list[str]]) -> CommentedMap:
        booleans = CommentedMap()
        for f in self.files:
            schema = load_table_schema(f.table)
            for name, labels in f.labels.items():
                if schema.field(name).type != "boolean":
                    continue
                for label, found in labels.items():
                    key = normal_text(label)
                    if label in booleans or key in ("true", "false", "1", "0", "yes", "no"):
                        continue
                    if found is None:
                        unmatched["booleans"].append(label)
                        continue
                    booleans[label] = found.target == "true"
                    if not found.exact:
                        booleans.yaml_add_eol_comment(_comment_guess(found), label)
        return booleans

    def _checkboxes(self) -> CommentedMap:
        out = CommentedMap()
        for f in self.files:
            for box in f.checkboxes:
                if not box.options:
                    continue
                item = CommentedMap()
                item["question"] = box.question
                options = CommentedMap()
                for option, found in box.options.items():
                    options[option] = found.target
                    options.yaml_add_eol_comment(_comment_guess(found), option)
                item["options"] = options
                if box.unmatched:
                    shown = ", ".join(repr(o) for o in box.unmatched)
                    item.yaml_set_comment_before_after_key(
                        "options",
                        before=(
                            f"UNMATCHED options: {shown} — map an option to a true/false "
                            "field, or leave out an 'other' answer"
                        ),
                        indent=6,
                    )
                item["none"] = CommentedSeq(box.none)
                item["other"] = CommentedSeq(box.other)
                item["blank_is_false_when"] = "question"
                item.yaml_add_eol_comment(
                    "GUESS: the default; use page (with page: [...]) or submitted if a blank "
                    "option should also be false when the question itself was left empty",
                    "blank_is_false_when",
                )
                out.setdefault(f.table, CommentedSeq()).append(item)
        return out

    def _ignore(self, doc: CommentedMap) -> CommentedMap:
        ignore = CommentedMap()
        for f in self.files:
            if not f.unmatched:
                continue
            seq = ignore.setdefault(f.table, CommentedSeq())
            for header in f.unmatched:
                if header not in seq:
                    seq.append(header)
        if any(ignore.values()):
            doc.yaml_set_comment_before_after_key(
                "ignore",
                before=(
                    "UNMATCHED columns: nothing matched these headers. Map each one under "
                    "columns, or leave it here to drop it."
                ),
            )
        return ignore

    def write(self, path: str | Path) -> Path:
        """Write the mapping file atomically; an existing file is never replaced.

        (``impact mapping draft`` writes through the output contract, so it replaces a draft
        of its own that nobody has edited since.)

        Raises
        ------
        InputError
            When the file exists.
        """
        path = Path(path)
        if path.exists():
            raise InputError(
                "The mapping file already exists",
                [
                    Problem(
                        source=str(path),
                        expected="a new file name (impact never overwrites a mapping you may "
                        "have edited)",
                        fix="choose another file name, or move the existing file away first",
                    )
                ],
            )
        with atomic_file(path, encoding="utf-8") as handle:
            handle.write(self.to_yaml())
        return path


def draft_mapping(
    paths: list[str | Path],
    tables: list[str | None] | None = None,
    name: str = "draft",
    sheet: str | None = None,
) -> MappingDraft:
    """Draft a mapping from one or more exports.

    Parameters
    ----------
    paths : list of path
        Exports (any format impact reads).
    tables : list of str or None, optional
        The canonical table of each export (None: the best-matching survey table).
    name : str
        The mapping's name.
    sheet : str, optional
        Excel sheet for every Excel file.

    Returns
    -------
    MappingDraft

    Raises
    ------
    InputError
        When a file cannot be read at all.
    """
    tables = tables or [None] * len(paths)
    files = [
        _draft_file(Path(p), t, sheet) for p, t in zip(paths, tables, strict=True)
    ]  # fmt: skip
    draft = MappingDraft(name=name, files=files)
    logger.info("%s", draft.summary())
    return draft
