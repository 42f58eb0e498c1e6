"""Read an export's header row(s) into :class:`ExportColumn` objects, per header style.

Tools name the columns of a checkbox question (one column per option) in different ways:
``Question [Option]`` (LimeSurvey), ``Question - Option`` under export tags such as ``Q5_1``
(Qualtrics), the question on a first header row and the option on a second (SurveyMonkey),
``group/question/option`` (KoboToolbox), or the option text alone (Typeform). Each style is
turned into the same thing: a question text and, for option columns, the option text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from impact.ingest.adapters.base import HEADER_JOIN, ExportColumn, normal_text, option_header

if TYPE_CHECKING:
    from impact.ingest.adapters.base import Adapter

__all__ = ["parse_headers"]

_BRACKETS = re.compile(r"^(?P<question>.*\S)\s*\[(?P<option>[^\[\]]+)\]$")
_TAG_OPTION = re.compile(r"^(?P<stem>.+?)_(?P<number>\d+)(?:_TEXT)?$")
#: Second-row texts SurveyMonkey writes over a column that holds a whole answer.
_WHOLE_ANSWER = {"response", "open-ended response", "svar", "öppet svar", ""}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _single(position: int, text: str, tag: str = "") -> ExportColumn:
    return ExportColumn(position, text, text, None, tag or text)


def _option(position: int, question: str, option: str, tag: str = "") -> ExportColumn:
    header = option_header(question, option)
    return ExportColumn(position, header, question, option, tag or header)


def _rows_style(parts: list[list[str]]) -> list[ExportColumn]:
    """SurveyMonkey: question on row 1 (blank over its further columns), option on row 2."""
    out = []
    question = ""
    for position, cells in enumerate(parts):
        top = cells[0]
        second = cells[1] if len(cells) > 1 else ""
        if top:
            question = top
        if normal_text(second) in _WHOLE_ANSWER:
            out.append(_single(position, question))
        else:
            out.append(_option(position, question, second))
    return out


def _common_question(texts: list[str]) -> str | None:
    """The text before ``" - "`` shared by every text of one tag group (None if none is)."""
    candidates = [t[: m.start()] for t in texts[:1] for m in re.finditer(r" - ", t)]
    for candidate in sorted(candidates, key=len, reverse=True):
        if all(t.startswith(candidate + " - ") for t in texts):
            return candidate
    return None


def _dash_style(parts: list[list[str]], declared_texts: Sequence[str]) -> list[ExportColumn]:
    """``Question - Option``: Qualtrics (row 2, grouped by the tag ``Q5_1`` on row 1) or one
    header row naming a declared checkbox question (Netigate)."""
    declared = {normal_text(q) for q in declared_texts}
    groups: dict[str, list[int]] = defaultdict(list)
    for position, cells in enumerate(parts):
        match = _TAG_OPTION.match(cells[0])
        if match:
            groups[match["stem"]].append(position)
    question_of: dict[int, str] = {}
    for positions in groups.values():
        texts = [parts[p][1] if len(parts[p]) > 1 else "" for p in positions]
        question = _common_question(texts) if all(texts) else None
        if question is None or (len(positions) == 1 and normal_text(question) not in declared):
            continue
        for p in positions:
            question_of[p] = question
    for position, cells in enumerate(parts):
        if len(cells) == 1 and position not in question_of:  # one header row (Netigate)
            for question in declared_texts:
                if normal_text(cells[0]).startswith(normal_text(question) + " - "):
                    question_of[position] = cells[0][: len(question)]
    out = []
    for position, cells in enumerate(parts):
        tag = cells[0]
        text = cells[1] if len(cells) > 1 and cells[1] else tag
        if position in question_of:
            question = question_of[position]
            out.append(_option(position, question, text[len(question) + 3 :], tag))
        else:
            out.append(_single(position, text, tag))
    return out


def _path_style(parts: list[list[str]], separator: str, declared: set[str]) -> list[ExportColumn]:
    """Kobo/ODK: ``group/question/option``, an option when its prefix is a question."""
    whole = [cells[0] for cells in parts]
    known = {normal_text(h) for h in whole} | declared
    out = []
    for position, header in enumerate(whole):
        prefix, sep, last = header.rpartition(separator)
        if sep and prefix and normal_text(prefix) in known:
            out.append(_option(position, prefix, last, header))
        else:
            out.append(_single(position, header))
    return out


def _brackets_style(parts: list[list[str]]) -> list[ExportColumn]:
    """LimeSurvey: ``Question [Option]``."""
    out = []
    for position, cells in enumerate(parts):
        match = _BRACKETS.match(cells[0])
        if match:
            out.append(_option(position, match["question"], match["option"].strip()))
        else:
            out.append(_single(position, cells[0]))
    return out


def parse_headers(
    adapter: Adapter, headers: Sequence[str], declared_questions: Sequence[str] = ()
) -> list[ExportColumn]:
    """Turn the reader's headers into ExportColumns in the adapter's header style.

    Parameters
    ----------
    adapter : Adapter
        The tool's layout.
    headers : sequence of str
        One header per column; several header rows are joined by ``HEADER_JOIN``.
    declared_questions : sequence of str
        Checkbox question texts declared in the mapping.

    Returns
    -------
    list of ExportColumn
        One per column, in file order; headers and texts are in Unicode NFC.
    """
    parts = [[_nfc(p) for p in str(h).split(HEADER_JOIN)] for h in headers]
    declared = {normal_text(q) for q in declared_questions}
    style = adapter.option_style
    if style == "rows":
        return _rows_style(parts)
    if style == "dash":
        return _dash_style(parts, [_nfc(q) for q in declared_questions if q])
    if style == "path":
        return _path_style(parts, adapter.path_separator, declared)
    if style == "brackets":
        return _brackets_style(parts)
    return [_single(position, cells[0]) for position, cells in enumerate(parts)]
