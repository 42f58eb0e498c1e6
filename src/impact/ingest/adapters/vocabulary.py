"""What the canonical questions and answers are called: the texts the mapping assistant matches.

For every canonical field: its Swedish and English titles from ``data_schema/``, its name, and
the question texts the bundled mappings use for it; for every coded field its answer labels
(Swedish and English ``enumLabels``, the bundled mappings' labels, the codes themselves). Texts
are compared with :func:`rapidfuzz.fuzz.token_set_ratio` on normalised text, so reordered or
extra words still match; an identical text is certain, a close one is a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from impact.ingest.adapters.base import normal_text
from impact.ingest.mapping import BOOLEAN_TOKENS, bundled_mappings, load_mapping
from impact.ingest.schema import FieldSpec, load_table_schema

__all__ = ["GUESS_SCORE", "Match", "answer_match", "question_match", "question_texts"]

#: Lowest similarity (0–100) that still counts as a guess.
GUESS_SCORE = 80.0


@dataclass(frozen=True)
class Match:
    """The best canonical match of a text.

    Attributes
    ----------
    target : str
        The field (for questions) or code (for answers), as text.
    score : float
        Similarity 0–100 (100 for an identical text).
    exact : bool
        The text is identical (after normalising) to a known text: not a guess.
    known : str
        The known text it matched, and where it comes from.
    """

    target: str
    score: float
    exact: bool
    known: str


@lru_cache(maxsize=8)
def question_texts(table: str) -> tuple[tuple[str, str, str], ...]:
    """``(normalised text, field, origin)`` of every known question text of ``table``."""
    schema = load_table_schema(table)
    out: list[tuple[str, str, str]] = []
    for spec in schema.fields:
        out.append((normal_text(spec.name), spec.name, "canonical name"))
        for language in ("sv", "en"):
            out.append((normal_text(spec.title(language)), spec.name, f"schema title ({language})"))
    for name in bundled_mappings():
        mapping = load_mapping(name)
        for header, (target, _) in mapping.columns_for(table).items():
            if schema.has(target):
                out.append((normal_text(header), target, f"mapping {name}"))
    return tuple(dict.fromkeys(out))


def _best(text: str, known: list[tuple[str, str, str]]) -> Match | None:
    key = normal_text(text)
    best: Match | None = None
    for known_text, target, origin in known:
        if known_text == key:
            return Match(target, 100.0, True, f"'{known_text}' ({origin})")
        score = float(fuzz.token_set_ratio(key, known_text))
        if best is None or score > best.score:
            best = Match(target, score, False, f"'{known_text}' ({origin})")
    return best if best is not None and best.score >= GUESS_SCORE else None


def question_match(header: str, table: str, fields: list[str] | None = None) -> Match | None:
    """The canonical field a question text most likely is (None below :data:`GUESS_SCORE`).

    Parameters
    ----------
    header : str
        The question text of the export.
    table : str
        The canonical table.
    fields : list of str, optional
        Only consider these fields (e.g. the true/false fields for checkbox options).
    """
    known = [k for k in question_texts(table) if fields is None or k[1] in fields]
    return _best(header, known)


@lru_cache(maxsize=256)
def _answer_texts(table: str, name: str) -> tuple[tuple[str, str, str], ...]:
    spec: FieldSpec = load_table_schema(table).field(name)
    out: list[tuple[str, str, str]] = []
    if spec.type == "boolean":
        for token, value in BOOLEAN_TOKENS.items():
            out.append((token, str(value).lower(), "canonical"))
        for label, value in (("ja", True), ("nej", False)):
            out.append((label, str(value).lower(), "Swedish yes/no"))
    for code in spec.codes:
        out.append((normal_text(code), str(code), "canonical code"))
        for language in ("sv", "en"):
            out.append((normal_text(spec.label(code, language)), str(code), f"schema ({language})"))
    for mapping_name in bundled_mappings():
        mapping = load_mapping(mapping_name)
        for label, code in mapping.values.get(name, {}).items():
            out.append((normal_text(label), str(code), f"mapping {mapping_name}"))
        if spec.type == "boolean":
            for label, value in mapping.booleans.items():
                out.append((normal_text(label), str(value).lower(), f"mapping {mapping_name}"))
    return tuple(dict.fromkeys(out))


def answer_match(label: str, table: str, name: str) -> Match | None:
    """The canonical code an answer label most likely is (None below :data:`GUESS_SCORE`).

    A label starting with a number within the field's range (``3 - Medel``) is that number.
    """
    spec = load_table_schema(table).field(name)
    known = list(_answer_texts(table, name))
    found = _best(label, known)
    head = normal_text(label).split(" ", 1)[0].rstrip(".:-")
    if (found is None or not found.exact) and head.isdigit() and spec.type == "integer":
        number = int(head)
        low = spec.constraints.get("minimum", number)
        high = spec.constraints.get("maximum", number)
        if low <= number <= high:
            return Match(str(number), 90.0, False, "the number the label starts with")
    return found
