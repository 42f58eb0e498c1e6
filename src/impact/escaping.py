"""Text from the data, made safe for every output it reaches.

Round labels, the study's name, answer and category labels, indicator labels a study overrides
and column names come from the user's files. Wherever such text reaches an output it goes
through one of these functions, so that it is shown *as written* and never acts:

* :func:`markdown_text` — Pandoc Markdown (and so HTML, Word and Typst/PDF): every character
  Pandoc gives a meaning to is backslash-escaped, so ``<script>`` is text, not raw HTML, and
  ``#``, ``*``, ``_``, ``$``, ``@``, ``|`` … print as themselves. :class:`Markdown` marks text
  that already is Markdown (a translation, an escaped label), so it is never escaped twice.
* :func:`markdown_attribute` — a quoted attribute value in Pandoc Markdown (``alt="…"``).
* :func:`spreadsheet_cell` / :func:`spreadsheet_safe` / :func:`write_csv` — CSV (and any
  table a spreadsheet opens): a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab,
  a carriage return or a line feed (or their full-width forms) is prefixed with ``'`` as OWASP
  recommends against formula injection; numbers (also ``-0.5`` written as text) stay numbers.
  :func:`spreadsheet_text` undoes the prefix for impact's own readers (reports print the label
  as written).
* :func:`safe_filename` / :func:`safe_filenames` / :func:`inside` — file and folder names
  built from labels: no ``/``, ``\\``, ``..``, NUL or control characters, at most
  :data:`MAX_NAME_BYTES` bytes, and labels whose names would clash (also only by case, as on
  macOS and Windows) get distinct names; :func:`inside` checks that a path stays in its folder.

Figures need no escaping function: :func:`impact.figures.save_figure`, the one way impact saves
a figure, turns matplotlib's mathtext off, so ``$`` in a label prints as written.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from impact.errors import ImpactError

# Markdown -------------------------------------------------------------------------------------

#: ASCII punctuation Pandoc's Markdown gives a meaning to somewhere (emphasis, code, links,
#: raw HTML and entities, math, citations, sub/superscript, tables, attributes, escapes).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+\-!|$@~^&=:])")
#: A line start Pandoc reads as an ordered list (``1.``, ``2)``); ``-``, ``+``, ``*``, ``>``
#: and ``#`` at a line start are in the special characters above.
_ORDERED_LIST = re.compile(r"^(\d+)([.)])")
#: What Typst reads as a list, enumeration, term or heading at the start of a line or of a
#: table cell (``- x``, ``+ x``, ``/ x``, ``= x``, ``1. x``). Pandoc's Typst writer leaves these
#: as they are in a table cell, so such text is preceded by an empty Typst expression
#: (:data:`TYPST_BREAK`, a raw inline that HTML and Word drop).
_TYPST_LINE_START = re.compile(r"^\s*([-+=/]|\d+\.)(\s|$)")
TYPST_BREAK = '`#""`{=typst}'
#: Line breaks and other control characters: a label is one line of text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class Markdown(str):
    """Text that already is Pandoc Markdown (a translation, or data text already escaped).

    :func:`markdown_text` returns it unchanged, so text is escaped exactly once however often
    it is passed on.
    """

    __slots__ = ()


def markdown_text(value: Any) -> Markdown:
    """``value`` as Markdown that renders exactly as written.

    Parameters
    ----------
    value : object
        Text from the data (a label, a name, a cell); other objects are converted with ``str``.
        A :class:`Markdown` value is returned as it is.

    Returns
    -------
    Markdown
        Every Markdown-special ASCII character backslash-escaped, line breaks and control
        characters replaced by a space, a leading ``1.`` kept from starting a list (in
        Pandoc), and a leading ``- ``, ``+ ``, ``= ``, ``/ `` or ``1. `` from starting one in
        Typst (:data:`TYPST_BREAK`).

    Examples
    --------
    >>> print(markdown_text("<b>Round 1</b> *new*"))
    \\<b\\>Round 1\\</b\\> \\*new\\*
    """
    if isinstance(value, Markdown):
        return value
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", str(value)))
    prefix = TYPST_BREAK if _TYPST_LINE_START.match(text) else ""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return Markdown(prefix + _ORDERED_LIST.sub(r"\1\\\2", text))


def markdown_code(value: Any) -> Markdown:
    """``value`` as a Markdown code span (monospace, shown as written).

    The fence is one backtick longer than the longest run of backticks in the text, and padded
    with spaces when the text starts or ends with a backtick, as CommonMark and Pandoc require.
    """
    text = _CONTROL.sub(" ", str(value))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markdown(f"{fence}{pad}{text}{pad}{fence}")


def markdown_attribute(value: Any) -> Markdown:
    """``value`` as a double-quoted Pandoc attribute value (``key=<this>`` in ``{…}``).

    Line breaks and control characters become a space; ``\\`` and ``"`` are backslash-escaped,
    so a quote or brace in a label can neither end the value nor the attribute block.

    Examples
    --------
    >>> print(markdown_attribute('Say "hi" {x}'))
    "Say \\"hi\\" {x}"
    """
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", str(value)))
    return Markdown('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')


# Spreadsheets (CSV / XLSX) --------------------------------------------------------------------

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection),
#: with line feed and the full-width forms some spreadsheets also accept.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
#: What neutralises a formula: a leading apostrophe makes the cell plain text.
FORMULA_GUARD = "'"


def _is_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return not math.isnan(value)


def _needs_guard(text: str) -> bool:
    core = text.lstrip(" " + FORMULA_GUARD)
    return bool(core) and core[0] in FORMULA_STARTS and not _is_number(core)


def spreadsheet_cell(value: Any) -> Any:
    """One cell made safe for a spreadsheet: a text formula gets a leading ``'``.

    Only text is changed, and only when it starts (after spaces and apostrophes) with one of
    :data:`FORMULA_STARTS` and is not a number: ``"=HYPERLINK(…)"`` → ``"'=HYPERLINK(…)"``,
    ``"-0.5"`` and ``-0.5`` stay as they are. Reversible with :func:`spreadsheet_text`.
    """
    if isinstance(value, str) and _needs_guard(value):
        return FORMULA_GUARD + value
    return value


def spreadsheet_text(text: str) -> str:
    """Undo :func:`spreadsheet_cell` for a cell read back from impact's own CSV."""
    if text.startswith(FORMULA_GUARD) and _needs_guard(text[1:]):
        return text[1:]
    return text


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot act as formulas.

    Numeric, boolean and date columns are returned as they are; text (``object``/``string``)
    and categorical columns go through :func:`spreadsheet_cell`.
    """
    safe = frame.copy()
    for position, dtype in enumerate(frame.dtypes):
        if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
            cells = safe.iloc[:, position].astype(object).map(spreadsheet_cell)
            safe.isetitem(position, cells)
    safe.columns = [spreadsheet_cell(c) for c in frame.columns]
    return safe


def write_csv(frame: pd.DataFrame, target: Any, **options: Any) -> None:
    """Write ``frame`` as CSV with formula-like text neutralised (see :func:`spreadsheet_safe`).

    Parameters
    ----------
    frame : DataFrame
        The table.
    target : path or file object
        Where to write (as :meth:`pandas.DataFrame.to_csv`).
    **options
        Passed to :meth:`~pandas.DataFrame.to_csv` (``index=False`` unless given).
    """
    options.setdefault("index", False)
    spreadsheet_safe(frame).to_csv(target, **options)


# File names -----------------------------------------------------------------------------------

#: Longest file or folder name built from a label, in UTF-8 bytes (file systems allow 255;
#: the rest is left for prefixes and suffixes such as ``round-`` and ``.sv.html``).
MAX_NAME_BYTES = 100
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u2028\u2029]+')
_DOTS = re.compile(r"\.{2,}")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
_HASH_CHARS = 8


def _digest(label: str) -> str:
    return hashlib.sha256(label.encode("utf-8")).hexdigest()[:_HASH_CHARS]


def _truncate(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


def _clean_name(label: str) -> str:
    name = unicodedata.normalize("NFC", label)
    name = _UNSAFE_IN_NAME.sub("_", name)
    name = _DOTS.sub("_", name)  # no "..", even inside a name
    name = name.strip(" .")  # no hidden files, no trailing dot or space (Windows)
    return name or "_"


def safe_filename(label: Any) -> str:
    """A file or folder name for ``label`` that is safe on every file system.

    NFC-normalised; ``/``, ``\\``, NUL, control characters, characters Windows forbids and
    runs of dots (``..``) are replaced by ``_``; leading and trailing dots and spaces are
    removed (so never ``.``, ``..`` or a hidden file). When anything had to change, or the
    name is reserved on Windows (``CON``, ``NUL`` …) or longer than :data:`MAX_NAME_BYTES`, a
    short hash of the label is appended, so two different labels never get the same name
    (labels that differ only in Unicode normalisation get one name; :func:`safe_filenames`
    tells them apart).

    Examples
    --------
    >>> safe_filename("R01")
    'R01'
    >>> safe_filename("../etc/passwd")
    '__etc_passwd-7fef78f5'
    """
    label = str(label)
    name = _clean_name(label)
    changed = (
        name != unicodedata.normalize("NFC", label) or _WINDOWS_RESERVED.match(name) is not None
    )
    if changed or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        room = MAX_NAME_BYTES - _HASH_CHARS - 1
        name = f"{_truncate(name, room).rstrip(' .')}-{_digest(label)}"
    return name


def safe_filenames(labels: Iterable[Any]) -> dict[str, str]:
    """Safe, distinct file names for several labels (by label).

    Each name is :func:`safe_filename` of its label; labels whose names would be equal when
    case is ignored (``R1`` and ``r1`` on macOS or Windows) all get the short hash of their
    label appended, so every label gets its own file.
    """
    names = {str(label): safe_filename(label) for label in labels}
    by_fold: dict[str, list[str]] = {}
    for label, name in names.items():
        by_fold.setdefault(name.casefold(), []).append(label)
    for group in by_fold.values():
        if len(group) > 1:
            for label in group:
                base = _truncate(names[label], MAX_NAME_BYTES - _HASH_CHARS - 1)
                names[label] = f"{base}-{_digest(label)}"
    return names


def inside(folder: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """``path``, after checking that it resolves to a place inside ``folder``.

    Raises
    ------
    ImpactError
        When the path would leave the folder (``..``, an absolute part, a symbolic link).
    """
    root = Path(folder).resolve()
    resolved = Path(path).resolve()
    if resolved != root and root not in resolved.parents:
        raise ImpactError(
            f"refusing to write {path}: it is outside the output folder {root}; a label from "
            "the data must not choose where files go (this is a bug in impact, please report it)"
        )
    return Path(path)
