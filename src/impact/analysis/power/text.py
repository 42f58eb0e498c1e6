"""Words and numbers for power sentences and figures, in English and Swedish.

Swedish uses a decimal comma; percentages are written in each language's one style
(:func:`impact.i18n.numbers.percent`: "30 %" in Swedish, "30%" in English).
"""

from __future__ import annotations

import math

from impact.analysis.power.design import Assumptions
from impact.i18n import Lang, message, numbers, pair, table
from impact.i18n.numbers import fixed, general

METHOD_NAMES: dict[str, dict[str, str]] = table("labels.power.methods")

#: Sentence labels for the programme's outcomes; other outcome names are used verbatim.
OUTCOME_LABELS: dict[str, dict[str, str]] = table("labels.power.outcomes")
_DEFAULT_OUTCOME: dict[str, str] = pair("labels.power.default_outcome")

WORDS: dict[str, dict[str, str]] = table("labels.power.words")

#: Numbers in sentences and on axes (see :mod:`impact.i18n.numbers`).
number = fixed


def percent(rate: float, lang: str, decimals: int = 0) -> str:
    """A proportion as a percentage (``0.3`` → ``"30 %"`` / ``"30%"``), one decimal when a whole
    number would round it."""
    return numbers.percent(rate, lang, decimals, whole_when_exact=True)


def count(value: float, lang: Lang) -> str:
    """A participant count: whole numbers plainly, expected counts with one decimal."""
    if math.isclose(value, round(value), abs_tol=1e-9):
        return str(round(value))
    return number(value, 1, lang)


def outcome_label(outcome: str | None, lang: Lang) -> str:
    """The outcome's sentence label (known ids are translated)."""
    if outcome is None:
        return _DEFAULT_OUTCOME[lang]
    return OUTCOME_LABELS.get(outcome, {}).get(lang, outcome)


def from_rate(control_rate: float, outcome: str | None, lang: Lang) -> str:
    """'from a 30 % job rate' / 'från en andel som fått jobb på 30 %'."""
    label = outcome_label(outcome, lang)
    return message("labels.power.sentences.from_rate", lang, label=label,
                   rate=percent(control_rate, lang))  # fmt: skip


def participants(n_treatment: float, n_control: float, assumptions: Assumptions, lang: Lang) -> str:
    """'73 and 78 participants' plus attrition, covariates and clustering when they apply."""
    base = message(
        "labels.power.sentences.participants",
        lang,
        n1=count(n_treatment, lang),
        n0=count(n_control, lang),
    )
    notes = []
    if assumptions.attrition > 0:
        kept = assumptions.retention
        notes.append(
            message(
                "labels.power.sentences.analysed_after",
                lang,
                a1=count(n_treatment * kept, lang),
                a0=count(n_control * kept, lang),
                attrition=percent(assumptions.attrition, lang),
            )
        )
    if assumptions.r2 > 0:
        r2 = general(assumptions.r2, lang)
        notes.append(message("labels.power.sentences.covariates", lang, r2=r2))
    if assumptions.design_effect > 1:
        size, icc = count(assumptions.cluster_size, lang), general(assumptions.icc, lang)
        deff = number(assumptions.design_effect, 2, lang)
        notes.append(
            message("labels.power.sentences.clusters", lang, size=size, icc=icc, deff=deff)
        )
        if assumptions.cluster_cv > 0:
            cv = general(assumptions.cluster_cv, lang)
            notes.append(message("labels.design.power.cluster_cv", lang, cv=cv))
    return base + (f" ({'; '.join(notes)})" if notes else "")


def test_note(assumptions: Assumptions, lang: Lang, h: float | None = None) -> str:
    """'(two-sided test, normal approximation with unpooled variance)'."""
    return f"({test_words(assumptions, lang, h)})"


def test_words(assumptions: Assumptions, lang: Lang, h: float | None = None) -> str:
    """'two-sided test, normal approximation with unpooled variance' (h for arcsine)."""
    parts = [WORDS[f"sided_{assumptions.sides}"][lang], METHOD_NAMES[assumptions.method][lang]]
    if h is not None and assumptions.method == "arcsine":
        parts[-1] = message("labels.power.sentences.arcsine_h", lang, h=number(abs(h), 3, lang))
    return ", ".join(parts)


def alpha_power(alpha: float, power: float | None, lang: Lang) -> str:
    """'α = 0.05 and 80 % power' / 'α = 0,05 och 80 % styrka'."""
    text = f"α = {general(alpha, lang)}"
    if power is None:
        return text
    return f"{text} {WORDS['and'][lang]} {percent(power, lang)} {WORDS['power'][lang]}"


def pp(value: float, lang: Lang, decimals: int | None = 1) -> str:
    """'22.2 percentage points' / '22,2 procentenheter' (``decimals=None``: 10, 12.5)."""
    if decimals is None:
        decimals = 0 if math.isclose(value, round(value), abs_tol=1e-9) else 1
    return f"{number(value, decimals, lang)} {WORDS['pp'][lang]}"
