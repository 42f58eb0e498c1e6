"""Swedish and English labels for RCT tables and figures."""

from __future__ import annotations

from impact.i18n import Lang, check_lang, table

OUTCOMES: dict[str, dict[str, str]] = table("labels.rct.outcomes")

TEXT: dict[str, dict[str, str]] = table("labels.rct.text")

#: Labels of the CACE (effect of taking part) tables and figure.
CACE_TEXT: dict[str, dict[str, str]] = table("labels.cace.text")


#: Subgroup levels: the group names of the outcome tables.
LEVELS: dict[str, dict[str, str]] = {
    code: texts
    for code, texts in table("labels.outcomes").items()
    if code in ("woman", "man", "other", "not_stated")
}


def level_label(level: str, lang: Lang = "en") -> str:
    """Human label of a subgroup level (the code itself when no label is known)."""
    check_lang(lang)
    return LEVELS.get(level, {}).get(lang, level)


def outcome_label(name: str, lang: Lang = "en") -> str:
    """Human label of an outcome (the column name when no label is known)."""
    check_lang(lang)
    return OUTCOMES.get(name, {}).get(lang, name)


def text(key: str, lang: Lang = "en", **fmt: object) -> str:
    """A fixed label in ``lang``, formatted with ``fmt``."""
    check_lang(lang)
    return TEXT[key][lang].format(**fmt)


def cace_text(key: str, lang: Lang = "en", **fmt: object) -> str:
    """A label of the CACE tables and figure in ``lang``, formatted with ``fmt``."""
    check_lang(lang)
    return CACE_TEXT[key][lang].format(**fmt)
