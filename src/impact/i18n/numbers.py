"""Numbers formatted for the report's language: decimal comma and spaced percent in Swedish.

Swedish (Språkrådet, *Svenska skrivregler*): decimal comma, a (non-breaking) space before
``%``, a space as thousands separator and "procentenheter" (pe) for differences of shares.
English: decimal point, ``%`` attached, comma thousands separator, percentage points (pp).
The minus sign is the typographic minus (U+2212) in both languages. Missing values (``None``,
NaN) are shown as an en dash.

>>> percent(0.2934, "sv"), percent(0.2934, "en")
('29,3\xa0%', '29.3%')
"""

from __future__ import annotations

import math

from impact.i18n.languages import NBSP, check_lang

MINUS = "\u2212"
MISSING = "\u2013"


def is_missing(value: object) -> bool:
    """True for ``None``, NaN, pandas ``NA`` and empty strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(math.isnan(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value) in ("<NA>", "nan", "NaT")


def decimal(value: object, digits: int, lang: str, *, sign: bool = False) -> str:
    """A number with ``digits`` decimals in the language's style (thousands grouped)."""
    check_lang(lang)
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    text = f"{abs(number):,.{digits}f}"
    if lang == "sv":
        text = text.replace(",", NBSP).replace(".", ",")
    rounded_zero = float(f"{abs(number):.{digits}f}") == 0
    if number < 0 and not rounded_zero:
        text = MINUS + text
    elif sign and not rounded_zero:
        text = "+" + text
    return text


def count(value: object, lang: str) -> str:
    """A whole number (``1 234`` / ``1,234``); text such as ``"<5"`` is passed through."""
    if isinstance(value, str) and not is_number(value):
        return value.strip() or MISSING
    return decimal(value, 0, lang)


def percent(share: object, lang: str, digits: int = 1, *, whole_when_exact: bool = False) -> str:
    """A share in [0, 1] as a percentage: ``"29,3 %"`` (sv) or ``"29.3%"`` (en).

    The one percentage style of every output (tables, sentences, figure labels and axes).
    ``whole_when_exact`` (with ``digits=0``): one decimal when a whole number would round the
    value (``0.125`` → ``"12.5%"``, ``0.3`` → ``"30%"``), as the power sentences need.
    """
    if is_missing(share):
        return MISSING
    value = 100 * float(share)  # type: ignore[arg-type]
    if whole_when_exact and digits == 0 and not math.isclose(value, round(value), abs_tol=1e-9):
        digits = 1
    text = decimal(value, digits, lang)
    return f"{text}{NBSP}%" if lang == "sv" else f"{text}%"


def points(value_pp: object, lang: str, digits: int = 1, *, unit: bool = True) -> str:
    """A difference already in percentage points, signed: ``"+4,1 pe"`` / ``"+4.1 pp"``."""
    if is_missing(value_pp):
        return MISSING
    text = decimal(value_pp, digits, lang, sign=True)
    if not unit:
        return text
    return f"{text}{NBSP}{'pe' if lang == 'sv' else 'pp'}"


def share_points(difference: object, lang: str, digits: int = 1, *, unit: bool = True) -> str:
    """A difference of two shares (a proportion, e.g. ``0.041``) in percentage points."""
    if is_missing(difference):
        return MISSING
    return points(100 * float(difference), lang, digits, unit=unit)  # type: ignore[arg-type]


def pvalue(p: object, lang: str) -> str:
    """A p-value with three decimals, ``"<0,001"`` / ``"<0.001"`` below 0.001."""
    if is_missing(p):
        return MISSING
    value = float(p)  # type: ignore[arg-type]
    if value < 0.001:
        return "<" + decimal(0.001, 3, lang)
    return decimal(value, 3, lang)


def interval(low: object, high: object, lang: str, formatter=None) -> str:
    """An interval ``"[24,1; 34,9]"`` (sv, semicolon because of the decimal comma) or
    ``"[24.1, 34.9]"`` (en); ``formatter(value, lang)`` formats each end (default 1 decimal)."""
    if is_missing(low) or is_missing(high):
        return MISSING
    fmt = formatter or (lambda v, lg: decimal(v, 1, lg))
    sep = "; " if lang == "sv" else ", "
    return f"[{fmt(low, lang)}{sep}{fmt(high, lang)}]"


def percent_interval(low: object, high: object, lang: str, digits: int = 1) -> str:
    """An interval of shares as percentages without repeating the sign: ``"[24,1; 34,9] %"``."""
    if is_missing(low) or is_missing(high):
        return MISSING
    body = interval(100 * float(low), 100 * float(high), lang, lambda v, lg: decimal(v, digits, lg))  # type: ignore[arg-type]
    return f"{body}{NBSP}%" if lang == "sv" else f"{body}%"


def is_number(text: str) -> bool:
    """Whether ``text`` reads as a number (``float`` accepts it)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


# Compact numbers (no thousands grouping), for sentences, axis ticks and the RCT results table.


def _decimal_comma(text: str, lang: str) -> str:
    return text.replace(".", ",") if lang == "sv" else text


def fixed(value: float, digits: int, lang: str) -> str:
    """``value`` with ``digits`` decimals, no grouping; decimal comma in Swedish."""
    return _decimal_comma(f"{value:.{digits}f}", lang)


def general(value: float, lang: str) -> str:
    """A short general-format number (``0.05``, ``0.2``); decimal comma in Swedish."""
    return _decimal_comma(f"{value:g}", lang)


def fixed_signed(value: float | None, digits: int, lang: str) -> str:
    """Like :func:`fixed` with a typographic minus; ``"–"`` for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return _decimal_comma(f"{value:.{digits}f}".replace("-", MINUS), lang)
