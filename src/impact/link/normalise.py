"""Normalise self-generated linking codes and split them into their fixed-length elements.

A code such as ``"fa-07 ka 2"`` is typed freely by respondents. Normalisation makes two typings
of the same code identical: Unicode NFKC, upper case, separators (whitespace, ``-``, ``_``,
``.``, ``/``) removed, then every character is read through the alphabet of the element it
belongs to, so look-alike characters resolve the way the element needs them
(``O``/``0``, ``I``/``1``/``l``, ``S``/``5``, ``B``/``8``, ``Z``/``2``). A code that still has
the wrong length or a character outside its element's alphabet is *invalid*; the reason is kept
as a shape description that never contains the code itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import pandas as pd

from impact.errors import InputError, Problem

Alphabet = Literal["letters", "digits", "alphanumeric"]

#: Default layout: mother's first name (2 letters), day of birth (2 digits), place of birth
#: (2 letters), number of older siblings (1 digit) — e.g. ``FA07KA2``.
DEFAULT_CODE_ELEMENTS: tuple[tuple[str, int], ...] = (
    ("letters", 2),
    ("digits", 2),
    ("letters", 2),
    ("digits", 1),
)

_SEPARATORS = re.compile(r"[\s\-_./\\]+")
#: Look-alike characters read in a digit position.
_TO_DIGIT = {"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"}
#: Look-alike characters read in a letter position.
_TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}


@dataclass(frozen=True)
class CodeLayout:
    """The fixed-length elements a linking code is made of.

    Parameters
    ----------
    elements : sequence of (alphabet, length)
        One entry per element, in the order they are typed. ``alphabet`` is ``"letters"``,
        ``"digits"`` or ``"alphanumeric"``; ``length`` is a positive integer.
    """

    elements: tuple[tuple[str, int], ...] = DEFAULT_CODE_ELEMENTS

    def __post_init__(self) -> None:
        problems = []
        if len(self.elements) == 0:
            problems.append(Problem("linking.code_elements", "at least one element"))
        for i, element in enumerate(self.elements, start=1):
            if not isinstance(element, Sequence) or isinstance(element, str) or len(element) != 2:
                problems.append(
                    Problem(
                        "linking.code_elements",
                        "a pair [alphabet, length]",
                        column=f"element {i}",
                        value=repr(element),
                    )
                )
                continue
            alphabet, length = element
            if alphabet not in get_args(Alphabet):
                problems.append(
                    Problem(
                        "linking.code_elements",
                        f"alphabet one of {list(get_args(Alphabet))}",
                        column=f"element {i}",
                        value=str(alphabet),
                    )
                )
            if isinstance(length, bool) or not isinstance(length, int) or length < 1:
                problems.append(
                    Problem(
                        "linking.code_elements",
                        "a positive integer length",
                        column=f"element {i}",
                        value=str(length),
                    )
                )
        if problems:
            raise InputError("Invalid linking code layout", problems)

    @classmethod
    def from_config(cls, code_elements: Sequence[Sequence[object]] | None) -> CodeLayout:
        """Build a layout from the config form ``[[letters, 2], [digits, 2], ...]``."""
        if code_elements is None:
            return cls()
        if isinstance(code_elements, CodeLayout):
            return code_elements
        return cls(tuple(tuple(e) if not isinstance(e, str) else e for e in code_elements))

    @property
    def length(self) -> int:
        """Total number of characters in a normalised code."""
        return sum(length for _, length in self.elements)

    @property
    def names(self) -> list[str]:
        """Column names of the elements: ``e1``, ``e2``, …"""
        return [f"e{i}" for i in range(1, len(self.elements) + 1)]

    def describe(self) -> str:
        """The layout in words, e.g. ``letters×2 + digits×2 + letters×2 + digits×1``."""
        return " + ".join(f"{a}×{n}" for a, n in self.elements)


def _read_char(char: str, alphabet: str) -> str | None:
    """Read one character in an element's alphabet; ``None`` when it does not belong."""
    if alphabet == "digits":
        char = _TO_DIGIT.get(char, char)
        return char if char in "0123456789" else None
    if alphabet == "letters":
        char = _TO_LETTER.get(char, char)
        return char if char.isalpha() else None
    return char if char.isalnum() else None


def _shape(text: str) -> str:
    """A code's character classes (``L`` letter, ``D`` digit, ``?`` other) — never the code."""
    return "".join("D" if c.isdigit() else "L" if c.isalpha() else "?" for c in text)


def normalise_code(raw: object, layout: CodeLayout) -> tuple[str | None, str | None]:
    """Normalise one code.

    Parameters
    ----------
    raw : object
        The typed code (``str``) or a missing value.
    layout : CodeLayout
        The element layout.

    Returns
    -------
    tuple of (str or None, str or None)
        ``(code, None)`` for a valid code, ``(None, reason)`` otherwise. The reason describes
        the code's shape and length, never its characters.
    """
    if raw is None or raw is pd.NA or (isinstance(raw, float) and raw != raw):
        return None, "empty code"
    text = unicodedata.normalize("NFKC", str(raw)).upper()
    text = _SEPARATORS.sub("", text)
    if text == "":
        return None, "empty code"
    if len(text) != layout.length:
        return None, f"{len(text)} characters (shape {_shape(text)}), expected {layout.length}"
    out = []
    pos = 0
    for alphabet, length in layout.elements:
        for char in text[pos : pos + length]:
            read = _read_char(char, alphabet)
            if read is None:
                return None, (
                    f"character {pos + 1} is not in the alphabet '{alphabet}' "
                    f"(shape {_shape(text)}, expected {layout.describe()})"
                )
            out.append(read)
            pos += 1
    return "".join(out), None


def normalise_codes(codes: pd.Series, layout: CodeLayout) -> pd.DataFrame:
    """Normalise a column of codes and split them into elements.

    Parameters
    ----------
    codes : pandas.Series
        Typed codes, one per record (missing allowed).
    layout : CodeLayout
        The element layout.

    Returns
    -------
    pandas.DataFrame
        Same index as ``codes``; columns ``code`` (normalised, ``NA`` when invalid),
        ``e1``…``ek`` (the elements), ``code_problem`` (why the code is invalid, else ``NA``).
    """
    results = [normalise_code(value, layout) for value in codes.tolist()]
    code = pd.Series([c for c, _ in results], index=codes.index, dtype="string")
    frame = pd.DataFrame({"code": code}, index=codes.index)
    pos = 0
    for name, (_, length) in zip(layout.names, layout.elements, strict=True):
        frame[name] = code.str.slice(pos, pos + length)
        pos += length
    frame["code_problem"] = pd.Series([p for _, p in results], index=codes.index, dtype="string")
    return frame
