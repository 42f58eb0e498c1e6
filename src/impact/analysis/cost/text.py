"""Plain-language sentences about costs per additional outcome, in Swedish and English.

A cost per additional outcome is printed as a number only where it is one: a positive,
finite amount. When the effect's interval includes zero the sentence says that the cost has
no finite upper limit; when the effect is not positive it says that there is no cost per
additional person to report. "Impact per 100,000 SEK" can be negative and is always printed.
"""

from __future__ import annotations

import math

from impact.i18n import NBSP, Lang, message
from impact.i18n import numbers as nf
from impact.i18n.labels import label


def money(value: float, currency: str, lang: Lang) -> str:
    """``123 456 SEK`` (sv) / ``123,456 SEK`` (en), rounded to the nearest hundred."""
    rounded = round(value, -2) if abs(value) >= 1000 else round(value)
    return f"{nf.count(int(rounded), lang)}{NBSP}{currency}"


def people(value: float, lang: Lang) -> str:
    """A number of people with one decimal, signed with a typographic minus when negative."""
    return nf.fixed_signed(value, 1, lang)


def cost_sentence(row: dict, lang: Lang) -> str:
    """The sentence of one row of :class:`~impact.analysis.cost.result.CostEffectiveness`."""
    key = "labels.cost.sentences"
    currency = row["currency"]
    values = {
        "outcome": label(str(row["outcome"]), lang),
        "effect": message(f"labels.cost.effects.{row['effect']}", lang),
        "level": nf.percent(row["level"], lang, 0, whole_when_exact=True),
        "estimate": nf.share_points(row["estimate"], lang),
        "per_person": money(row["cost_per_person"], currency, lang),
    }
    kind = row["fieller_interval"]
    if not row["estimate"] > 0:
        text = message(f"{key}.no_point", lang, **values)
        if kind == "no_upper_limit":
            text += " " + message(
                f"{key}.could_be", lang, low=money(row["fieller_low"], currency, lang), **values
            )
        return text
    values["cost"] = money(row["cost_per_outcome"], currency, lang)
    if kind == "bounded":
        values["low"] = money(row["fieller_low"], currency, lang)
        values["high"] = money(row["fieller_high"], currency, lang)
        text = message(f"{key}.bounded", lang, **values)
    else:
        values["low"] = money(row["fieller_low"], currency, lang)
        text = message(f"{key}.no_upper_limit", lang, **values)
    return text + " " + bootstrap_sentence(row, lang)


def bootstrap_sentence(row: dict, lang: Lang) -> str:
    """What the bootstrap says about the same cost."""
    key = "labels.cost.sentences"
    currency = row["currency"]
    kind = row["bootstrap_interval"]
    draws = nf.count(row["bootstrap_draws"], lang)
    if kind == "bounded":
        return message(
            f"{key}.bootstrap_bounded",
            lang,
            draws=draws,
            low=money(row["bootstrap_low"], currency, lang),
            high=money(row["bootstrap_high"], currency, lang),
        )
    if kind == "no_upper_limit":
        return message(
            f"{key}.bootstrap_no_upper_limit",
            lang,
            draws=draws,
            low=money(row["bootstrap_low"], currency, lang),
        )
    if kind == "not_positive":
        return message(f"{key}.bootstrap_not_positive", lang, draws=draws)
    return ""


def impact_sentence(row: dict, lang: Lang) -> str:
    """J-PAL style: additional people with the outcome per ``per_amount`` spent, with its CI."""
    amount = money(row["per_amount"], row["currency"], lang)
    low, high = row["impact_low"], row["impact_high"]
    interval = "–" if math.isnan(low) else f"{people(low, lang)} {_to(lang)} {people(high, lang)}"
    return message(
        "labels.cost.sentences.per_amount",
        lang,
        amount=amount,
        outcome=label(str(row["outcome"]), lang),
        value=people(row["impact"], lang),
        level=nf.percent(row["level"], lang, 0, whole_when_exact=True),
        interval=interval,
    )


def _to(lang: Lang) -> str:
    return message("labels.cost.to", lang)
