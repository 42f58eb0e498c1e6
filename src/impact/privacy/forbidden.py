"""What to look for: the forbidden values (raw codes, response ids, free texts) prepared for
fast search, and the search of one text for them.

Identifiers are matched case-insensitively as whole words (a run of letters, digits and ``_``);
identifiers with separators (``"hu 14 he 3"``) are matched as text with word boundaries;
free texts are matched case-insensitively after collapsing white space. Values too short to be
recognised safely are not searched and are counted in ``Needles.unchecked``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from impact.privacy.report import Leak, LeakKind

#: Identifiers shorter than this (or only digits) are not searched: they match ordinary numbers.
MIN_IDENTIFIER_LENGTH = 5
#: Free texts shorter than this are not searched: "Bra!" or "Nej" occur in any report.
MIN_FREE_TEXT_LENGTH = 12

WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")

#: A forbidden value's kind and where it came from (None when the caller did not say).
_Origin = tuple[LeakKind, str | None]
#: Forbidden values: plain values, or a mapping of value → where it came from.
Forbidden = Iterable[str] | Mapping[str, str]


@dataclass
class Needles:
    """Forbidden values prepared for fast search, each with its kind and origin."""

    words: dict[str, _Origin] = field(default_factory=dict)
    phrases: list[tuple[re.Pattern[str], _Origin]] = field(default_factory=list)
    texts: list[tuple[str, str | None]] = field(default_factory=list)
    unchecked: int = 0


def _compact(value: str) -> str:
    return re.sub(r"[\s\-_./]+", "", value).upper()


def _with_origins(values: Forbidden) -> dict[str, str | None]:
    """``{value: origin}`` for plain values (origin None) or a mapping value → origin."""
    pairs = values.items() if isinstance(values, Mapping) else ((v, None) for v in values)
    found: dict[str, str | None] = {}
    for value, origin in pairs:
        if value is not None:
            found.setdefault(str(value), origin)
    return found


def prepare_needles(
    raw_codes: Forbidden, response_ids: Forbidden, free_texts: Forbidden
) -> Needles:
    """The forbidden values as words, phrases and free texts, each with its kind and origin."""
    needles = Needles()
    phrases: dict[str, _Origin] = {}
    kinds: tuple[tuple[LeakKind, Forbidden], ...] = (
        ("raw_code", raw_codes),
        ("response_id", response_ids),
    )
    for kind, values in kinds:
        for value, origin in _with_origins(values).items():
            value = value.strip()
            variants = {value, _compact(value)} if kind == "raw_code" else {value}
            usable = [v for v in variants if len(v) >= MIN_IDENTIFIER_LENGTH and not v.isdigit()]
            if not usable:
                needles.unchecked += 1
            for variant in usable:
                if WORD.fullmatch(variant):
                    needles.words.setdefault(variant.casefold(), (kind, origin))
                else:
                    phrases.setdefault(SPACE.sub(" ", variant).casefold(), (kind, origin))
    for phrase, found in sorted(phrases.items()):
        pattern = re.compile(
            r"(?<!\w)" + r"\s+".join(re.escape(p) for p in phrase.split(" ")) + r"(?!\w)"
        )
        needles.phrases.append((pattern, found))
    texts: dict[str, str | None] = {}
    for value, origin in _with_origins(free_texts).items():
        text = SPACE.sub(" ", value).strip().casefold()
        if len(text) >= MIN_FREE_TEXT_LENGTH:
            texts.setdefault(text, origin)
        elif text:
            needles.unchecked += 1
    needles.texts = sorted(texts.items())
    return needles


_KIND_WORDS = {
    "raw_code": "a raw linking code",
    "response_id": "a response id",
    "free_text": "a free-text answer (comments)",
}


def _line_of(text: str, position: int) -> str:
    return f"line {text.count(chr(10), 0, position) + 1}"


def search(
    text: str, needles: Needles, file: str, where: str | None = None, *, texts_only: bool = False
) -> list[Leak]:
    """Every forbidden value in ``text``; ``where`` overrides the line-number location.

    With ``texts_only`` only free texts are searched (for the tag-stripped text of markup).
    """
    leaks: list[Leak] = []
    folded = text.casefold()
    seen: set[tuple[str, str, str | None]] = set()

    def add(found: _Origin, position: int) -> None:
        kind, origin = found
        location = where or _line_of(folded, position)
        if (kind, location, origin) not in seen:
            seen.add((kind, location, origin))
            detail = _KIND_WORDS[kind] + (f" (from {origin})" if origin else "")
            leaks.append(Leak(file, kind, location, detail))

    if needles.words and not texts_only:
        for match in WORD.finditer(folded):
            found = needles.words.get(match.group())
            if found is not None:
                add(found, match.start())
    for pattern, found in [] if texts_only else needles.phrases:
        for match in pattern.finditer(folded):
            add(found, match.start())
    if needles.texts:
        flat = SPACE.sub(" ", folded)
        for needle, origin in needles.texts:
            position = flat.find(needle)
            if position >= 0:
                # locate the line in the original text from the first word of the needle
                first = folded.find(needle.split(" ")[0])
                add(("free_text", origin), max(first, 0))
    return leaks
