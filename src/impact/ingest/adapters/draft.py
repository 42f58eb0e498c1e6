"""The mapping assistant: draft a commented mapping file from survey exports.

:func:`draft_mapping` reads each export with its survey tool's adapter (recognised from the
header), decides which canonical table it holds, matches every question text to a canonical
field and every answer label to a canonical code (:mod:`impact.ingest.adapters.vocabulary`),
groups checkbox option columns (or multi-select cells) into checkbox questions, and returns a
:class:`MappingDraft`. Its :meth:`MappingDraft.to_yaml` is a mapping file in which every
entry that is a guess carries a ``GUESS`` comment with the score and the text it matched,
and the columns and labels nothing matched are listed, so the user checks exactly those.
One export is drafted by :mod:`impact.ingest.adapters.draft_file`.
"""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from impact.errors import InputError, Problem
from impact.ingest.adapters.base import normal_text
from impact.ingest.adapters.draft_file import FileDraft, draft_file
from impact.ingest.adapters.vocabulary import Match
from impact.ingest.schema import load_table_schema
from impact.outputs import atomic_file
from impact.results import Result

__all__ = ["FileDraft", "MappingDraft", "draft_mapping"]

logger = logging.getLogger(__name__)


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
        draft_file(Path(p), t, sheet) for p, t in zip(paths, tables, strict=True)
    ]  # fmt: skip
    draft = MappingDraft(name=name, files=files)
    logger.info("%s", draft.summary())
    return draft
