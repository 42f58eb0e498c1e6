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

import numpy as np
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


def _typed_texts(codes: pd.Series) -> tuple[np.ndarray, list[str]]:
    """The distinct typed codes as text, and each record's position among them.

    Values are read as :func:`normalise_code` reads them: ``None``, ``NA`` and float ``NaN``
    are missing; anything else is ``str(value)``. Conversion to text comes *before* finding
    the distinct values, so objects that are equal but print differently (``1``, ``1.0``,
    ``True``) stay apart.

    Returns
    -------
    inverse : numpy.ndarray of int64
        Position of each record's text in ``texts``; ``-1`` for a missing code.
    texts : list of str
        The distinct texts.
    """
    if isinstance(codes.dtype, pd.StringDtype):
        # every value is a str or the dtype's missing marker (pd.NA or NaN)
        inverse, uniques = pd.factorize(codes)
        return inverse.astype(np.int64, copy=False), np.asarray(uniques, dtype=object).tolist()
    values = np.fromiter(codes.tolist(), dtype=object, count=len(codes))
    # pd.isna also flags NaT, numpy float32 NaN, Decimal NaN …, which normalise_code reads as
    # text: keep only the markers it treats as missing (a float flagged by pd.isna is a NaN)
    missing = pd.isna(values)
    for i in np.flatnonzero(missing):
        value = values[i]
        if not (value is None or value is pd.NA or isinstance(value, float)):
            missing[i] = False
    present = values[~missing]
    if pd.api.types.infer_dtype(present, skipna=False) != "string":
        present = np.fromiter(
            (v if type(v) is str else str(v) for v in present), dtype=object, count=len(present)
        )
    inverse = np.full(len(values), -1, dtype=np.int64)
    if len(present):
        found, uniques = pd.factorize(present)
        inverse[~missing] = found
        texts = [t if type(t) is str else str(t) for t in uniques]
    else:
        texts = []
    return inverse, texts


def _clean(texts: list[str]) -> pd.Series:
    """NFKC, upper case and separators removed, for each text (as :func:`normalise_code`)."""
    # object dtype on purpose: these are Python's unicodedata, str.upper and re, exactly the
    # functions normalise_code applies (Arrow's own kernels differ on some characters)
    return (
        pd.Series(texts, dtype=object)
        .str.normalize("NFKC")
        .str.upper()
        .str.replace(_SEPARATORS, "", regex=True)
    )


def _read_columns(chars: np.ndarray, layout: CodeLayout) -> tuple[np.ndarray, np.ndarray]:
    """Read every character of fixed-length codes in its element's alphabet.

    Parameters
    ----------
    chars : numpy.ndarray of uint32, shape (codes, layout.length)
        Code points of the cleaned codes.
    layout : CodeLayout
        The element layout.

    Returns
    -------
    read : numpy.ndarray of uint32, same shape
        The characters as :func:`_read_char` reads them (look-alikes resolved).
    valid : numpy.ndarray of bool, one per code
        Whether every character belongs to its element's alphabet.
    """
    read = np.zeros_like(chars)
    valid = np.ones(len(chars), dtype=bool)
    if chars.size == 0:
        return read, valid
    # one look-up table per alphabet over the code points present, filled by _read_char itself
    present = np.flatnonzero(np.bincount(chars.ravel()))
    tables: dict[str, np.ndarray] = {}
    pos = 0
    for alphabet, length in layout.elements:
        if alphabet not in tables:
            table = np.full(int(present[-1]) + 1, -1, dtype=np.int64)
            for point in present.tolist():
                char = _read_char(chr(point), alphabet)
                if char is not None:
                    table[point] = ord(char)
            tables[alphabet] = table
        block = tables[alphabet][chars[:, pos : pos + length]]
        valid &= (block >= 0).all(axis=1)
        read[:, pos : pos + length] = np.where(block >= 0, block, 0)
        pos += length
    return read, valid


def _as_strings(points: np.ndarray) -> np.ndarray:
    """Rows of code points (no NUL characters) as an object array of str."""
    rows, width = points.shape
    if rows == 0:
        return np.empty(0, dtype=object)
    if width == 0:
        return np.full(rows, "", dtype=object)
    text = np.ascontiguousarray(points, dtype=np.uint32).view(f"<U{width}").ravel()
    return text.astype(object)


def normalise_codes(codes: pd.Series, layout: CodeLayout) -> pd.DataFrame:
    """Normalise a column of codes and split them into elements.

    Gives for every value what :func:`normalise_code` gives, but works on whole columns: each
    distinct typed code is normalised once (NFKC, upper case and separators with pandas string
    methods; look-alikes and alphabets with per-alphabet look-up tables over the code points)
    and the results are taken back to the records.

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
    inverse, texts = _typed_texts(codes)
    n_texts = len(texts)
    cleaned = _clean(texts)
    lengths = cleaned.str.len().to_numpy(dtype=np.int64)
    fits = np.flatnonzero(lengths == layout.length)
    chars = (
        np.array(cleaned.iloc[fits].tolist(), dtype=f"<U{layout.length}")
        .view(np.uint32)
        .reshape(len(fits), layout.length)
    )
    read, valid = _read_columns(chars, layout)
    # per distinct text, plus one last slot for missing codes
    code = np.full(n_texts + 1, None, dtype=object)
    code[fits[valid]] = _as_strings(read[valid])
    elements = {}
    pos = 0
    for name, (_, length) in zip(layout.names, layout.elements, strict=True):
        elements[name] = np.full(n_texts + 1, None, dtype=object)
        elements[name][fits[valid]] = _as_strings(read[valid, pos : pos + length])
        pos += length
    problem = np.full(n_texts + 1, None, dtype=object)
    problem[n_texts] = "empty code"
    # invalid codes are rare: their reason comes from the one-code function itself
    for i in np.flatnonzero(pd.isna(code[:n_texts])).tolist():
        problem[i] = normalise_code(texts[i], layout)[1]
    rows = np.where(inverse < 0, n_texts, inverse)

    def column(per_text: np.ndarray) -> pd.Series:
        values = pd.array(per_text, dtype="string").take(rows)
        return pd.Series(values, index=codes.index)

    frame = pd.DataFrame({"code": column(code)}, index=codes.index)
    for name in layout.names:
        frame[name] = column(elements[name])
    frame["code_problem"] = column(problem)
    return frame
