"""Self-generated linking codes: true codes per person and the realistic ways people type them.

The default code (shared layout) has four elements: the first two letters of the mother's first
name, the day of birth (2 digits), the first two letters of the place of birth, and the number of
older siblings (1 digit), e.g. ``"FA07KA2"``. Respondents type it freely, so a wave contains:

* format variations — lower or mixed case, spaces or dashes between the elements;
* look-alike characters — ``0``/``O``, ``1``/``I``/``l``, ``5``/``S``, ``8``/``B``, ``2``/``Z``
  typed in the wrong kind of position;
* in later waves only, a real typo: exactly one element differs from the true one.

:func:`draw_true_codes` makes the truth and :func:`type_codes` the typed versions, recording for
every response what was done to it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

ElementKind = Literal["letters", "digits"]

#: The shared default layout: (kind, length) per element.
DEFAULT_ELEMENTS: tuple[tuple[ElementKind, int], ...] = (
    ("letters", 2),
    ("digits", 2),
    ("letters", 2),
    ("digits", 1),
)

# Mothers' first names and places of birth common among newly arrived third-country nationals;
# the first letters of these drive the letter elements (so prefixes repeat, as in real data).
MOTHER_NAMES = (
    "Fatima Amina Maryam Nadia Sara Leila Hana Zahra Aisha Olga Elena Maria Rosa Ana Mariam "
    "Khadija Samira Noor Parisa Shirin Mei Priya Anjali Tigist Selam Yasmin Rana Huda Farida "
    "Lina Dina Iman Soheila Nasrin Halima Asma Meron Luz Carmen Irina Natalia Svetlana Gul"
).split()
BIRTH_PLACES = (
    "Damaskus Aleppo Homs Kabul Herat Teheran Shiraz Mashhad Bagdad Mosul Basra Erbil Asmara "
    "Addis Mogadishu Hargeisa Kiev Charkiv Odessa Istanbul Ankara Izmir Kairo Lahore Karachi "
    "Delhi Mumbai Chennai Dhaka Bogota Lima Caracas Quito Khartoum Amman Beirut Sanaa Tbilisi "
    "Jerevan Baku Minsk Tasjkent Manila Hanoi"
).split()

#: Look-alike substitutions: in letter positions a letter typed as a digit, and vice versa.
LETTER_LOOKALIKES = {"O": ("0",), "I": ("1",), "S": ("5",), "B": ("8",), "Z": ("2",)}
DIGIT_LOOKALIKES = {"0": ("O", "o"), "1": ("I", "l"), "5": ("S",), "8": ("B",), "2": ("Z",)}

FORMAT_VARIANTS = ("lower", "mixed_case", "spaces", "dashes", "lower_spaces")


@dataclass(frozen=True)
class CodeNoise:
    """How respondents mistype their code, as rates per response.

    Parameters
    ----------
    typo_rate : float
        Share of responses in later waves (follow-ups, result) where exactly one element is wrong.
    format_rate : float
        Share of responses in any wave typed with a case/space/dash variation.
    lookalike_rate : float
        Share of responses in any wave where one look-alike character is swapped in (only
        possible when the code holds such a character).
    gender_not_stated_rate : float
        Share of responses in later waves answering gender as ``not_stated``.
    duplicate_rate : float
        Share of respondents in any wave who submit a second response.
    study_id_blank_rate : float
        Share of responses (randomised studies) that leave the study id blank.
    elements : tuple of (kind, length)
        The code layout; ``kind`` is ``"letters"`` or ``"digits"``.
    """

    typo_rate: float = 0.15
    format_rate: float = 0.25
    lookalike_rate: float = 0.05
    gender_not_stated_rate: float = 0.05
    duplicate_rate: float = 0.02
    study_id_blank_rate: float = 0.15
    elements: tuple[tuple[ElementKind, int], ...] = field(default=DEFAULT_ELEMENTS)

    def __post_init__(self) -> None:
        for name in (
            "typo_rate",
            "format_rate",
            "lookalike_rate",
            "gender_not_stated_rate",
            "duplicate_rate",
            "study_id_blank_rate",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"CodeNoise.{name} must be between 0 and 1, got {value!r}")
        if not self.elements:
            raise ValueError("CodeNoise.elements must name at least one code element")
        for kind, length in self.elements:
            if kind not in ("letters", "digits") or int(length) < 1:
                raise ValueError(
                    f"code element ({kind!r}, {length!r}) invalid: expected kind 'letters' or "
                    "'digits' and a length of at least 1"
                )

    def as_dict(self) -> dict:
        """Return the parameters as plain data (for the truth's parameter file)."""
        out = asdict(self)
        out["elements"] = [list(e) for e in self.elements]
        return out


def _element_values(rng: np.random.Generator, n: int, kind: str, length: int, k: int) -> list:
    """Draw ``n`` true values of one element (the ``k``-th letters/digits element of its kind)."""
    if kind == "letters":
        source = MOTHER_NAMES if k % 2 == 0 else BIRTH_PLACES
        words = [source[i] for i in rng.integers(0, len(source), n)]
        return [_letters_of(w, length, rng) for w in words]
    if length == 2:
        return [f"{d:02d}" for d in rng.integers(1, 32, n)]
    if length == 1:
        return [str(min(int(s), 9)) for s in rng.geometric(0.45, n) - 1]
    return [f"{v:0{length}d}" for v in rng.integers(0, 10**length, n)]


def _letters_of(word: str, length: int, rng: np.random.Generator) -> str:
    letters = word.upper()
    while len(letters) < length:
        letters += chr(ord("A") + int(rng.integers(0, 26)))
    return letters[:length]


def draw_true_codes(
    rng: np.random.Generator, n: int, elements=DEFAULT_ELEMENTS, max_tries: int = 50
) -> np.ndarray:
    """Draw ``n`` distinct true codes in the given layout.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n : int
        Number of people.
    elements : sequence of (kind, length)
        Code layout.
    max_tries : int
        Redraw rounds for codes that collide with another person's code.

    Returns
    -------
    numpy.ndarray of str
        Upper-case codes without separators; all distinct.
    """
    codes = np.array(_draw_codes(rng, n, elements), dtype=object)
    for _ in range(max_tries):
        dup = pd.Series(codes).duplicated().to_numpy()
        if not dup.any():
            return codes
        codes[dup] = _draw_codes(rng, int(dup.sum()), elements)
    raise ValueError(f"could not draw {n} distinct codes in layout {list(elements)}")


def _draw_codes(rng: np.random.Generator, n: int, elements) -> list[str]:
    parts = []
    counters = {"letters": 0, "digits": 0}
    for kind, length in elements:
        parts.append(_element_values(rng, n, kind, length, counters[kind]))
        counters[kind] += 1
    return ["".join(p) for p in zip(*parts, strict=True)]


def split_code(code: str, elements=DEFAULT_ELEMENTS) -> list[str]:
    """Split a clean code (no separators) into its elements."""
    out, pos = [], 0
    for _, length in elements:
        out.append(code[pos : pos + length])
        pos += length
    return out


def _typo(rng: np.random.Generator, value: str, kind: str) -> str:
    """Return ``value`` with a plausible typing mistake; always different from ``value``."""
    alphabet = "ABCDEFGHIJKLMNOPRSTUVY" if kind == "letters" else "0123456789"
    for _ in range(20):
        how = rng.random()
        if len(value) > 1 and how < 0.3 and value[0] != value[1]:
            candidate = value[::-1]
        elif kind == "digits" and len(value) >= 1 and how < 0.65:
            number = int(value) + int(rng.choice([-1, 1]))
            candidate = f"{max(number, 0):0{len(value)}d}"[-len(value) :]
        else:
            pos = int(rng.integers(0, len(value)))
            new = alphabet[int(rng.integers(0, len(alphabet)))]
            candidate = value[:pos] + new + value[pos + 1 :]
        if candidate != value:
            return candidate
    return value[:-1] + ("1" if value[-1] != "1" else "2")  # pragma: no cover - guard


def _lookalike(rng: np.random.Generator, parts: list[str], elements) -> tuple[list[str], bool]:
    spots = []
    for i, ((kind, _), part) in enumerate(zip(elements, parts, strict=True)):
        table = LETTER_LOOKALIKES if kind == "letters" else DIGIT_LOOKALIKES
        spots += [(i, j, table[ch]) for j, ch in enumerate(part) if ch in table]
    if not spots:
        return parts, False
    i, j, options = spots[int(rng.integers(0, len(spots)))]
    new = options[int(rng.integers(0, len(options)))]
    parts = list(parts)
    parts[i] = parts[i][:j] + new + parts[i][j + 1 :]
    return parts, True


def _format(parts: list[str], variant: str) -> str:
    if variant == "lower":
        return "".join(parts).lower()
    if variant == "mixed_case":
        text = "".join(parts)
        return text[:1] + text[1:].lower()
    if variant == "spaces":
        return " ".join(parts)
    if variant == "dashes":
        return "-".join(parts)
    if variant == "lower_spaces":
        return " ".join(parts).lower()
    return "".join(parts)


def type_codes(
    rng: np.random.Generator, true_codes, *, later_wave: bool, noise: CodeNoise
) -> pd.DataFrame:
    """Return how each person types their code in one wave, with what was done to it.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    true_codes : sequence of str
        The true (clean) code of each responding person.
    later_wave : bool
        True for follow-ups and the result survey, where real typos occur.
    noise : CodeNoise
        Rates.

    Returns
    -------
    pandas.DataFrame
        One row per input code: ``link_code`` (as typed), ``code_typo`` (bool),
        ``typo_element`` (1-based element number or <NA>), ``code_format`` (variant name or
        ``"clean"``), ``code_lookalike`` (bool).
    """
    n = len(true_codes)
    typo = rng.random(n) < (noise.typo_rate if later_wave else 0.0)
    look = rng.random(n) < noise.lookalike_rate
    fmt = rng.random(n) < noise.format_rate
    variants = rng.choice(np.array(FORMAT_VARIANTS), n)
    typed, typo_el, looked, formats = [], [], [], []
    for i, code in enumerate(true_codes):
        parts = split_code(code, noise.elements)
        element = pd.NA
        if typo[i]:
            k = int(rng.integers(0, len(parts)))
            parts[k] = _typo(rng, parts[k], noise.elements[k][0])
            element = k + 1
        did_look = False
        if look[i]:
            parts, did_look = _lookalike(rng, parts, noise.elements)
        variant = str(variants[i]) if fmt[i] else "clean"
        typed.append(_format(parts, variant))
        typo_el.append(element)
        looked.append(did_look)
        formats.append(variant)
    return pd.DataFrame(
        {
            "link_code": pd.array(typed, dtype="string"),
            "code_typo": pd.array(typo, dtype="boolean"),
            "typo_element": pd.array(typo_el, dtype="Int64"),
            "code_format": pd.array(formats, dtype="string"),
            "code_lookalike": pd.array(looked, dtype="boolean"),
        }
    )
