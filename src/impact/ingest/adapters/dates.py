"""Rewrite a tool's date cells as ISO text: US and European day orders, Excel serial days.

The rest of ingest reads ISO-like dates (``2024-03-01 14:30``). Tools write others: US
``03/01/2024 02:30:05 PM`` (SurveyMonkey, Google Forms in the US locale, Microsoft Forms CSV),
``01.03.2024 14:30`` and ``01/03/2024`` (European locales), and Excel serial day numbers
(``45352.604`` = 2024-03-01 14:30) when a date cell lost its format. A cell already ISO-like
is left as it is in every format.
"""

from __future__ import annotations

import datetime as dt
import re

from impact.ingest.adapters.base import DateFormat

__all__ = ["DATE_FORMAT_WORDS", "to_iso"]

_ISO = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}")
_TZ_SUFFIX = re.compile(r"\s+(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_TIMES = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H.%M", "%H.%M.%S")
_DAY_FIRST = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%y")
_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y")

#: How each format is described in messages.
DATE_FORMAT_WORDS: dict[str, str] = {
    "iso": "YYYY-MM-DD, optionally with a time",
    "us": "MM/DD/YYYY (US order), optionally with a time such as 2:30:05 PM",
    "eu": "DD/MM/YYYY or DD.MM.YYYY (day first), optionally with a time",
    "excel": "an Excel serial day number (45352.6) or YYYY-MM-DD",
    "auto": "YYYY-MM-DD or an Excel serial day number",
}


def _with_times(dates: tuple[str, ...]) -> list[str]:
    return [f"{d} {t}" for d in dates for t in _TIMES] + list(dates)


_PATTERNS = {"us": _with_times(_MONTH_FIRST), "eu": _with_times(_DAY_FIRST)}


def _excel(text: str) -> dt.datetime | None:
    try:
        days = float(text.replace(",", "."))
    except ValueError:
        return None
    if not 1 <= days < 2958466:  # Excel's range: 1900-01-01 to 9999-12-31
        return None
    stamp = _EXCEL_EPOCH + dt.timedelta(days=days)
    return stamp.replace(microsecond=0) + dt.timedelta(seconds=round(stamp.microsecond / 1e6))


def _iso_text(stamp: dt.datetime) -> str:
    if stamp.hour == stamp.minute == stamp.second == 0:
        return stamp.strftime("%Y-%m-%d")
    return stamp.strftime("%Y-%m-%d %H:%M:%S")


def to_iso(text: str, date_format: DateFormat) -> str | None:
    """One date cell as ISO text, or None when it is not a date in ``date_format``.

    Parameters
    ----------
    text : str
        The cell (blank cells are returned unchanged).
    date_format : {"iso", "us", "eu", "excel", "auto"}
        How the tool writes dates.

    Returns
    -------
    str or None
        ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM:SS`` (ISO text is returned as it is).
    """
    text = text.strip()
    if not text or _ISO.match(text):
        return text
    if date_format in ("excel", "auto"):
        stamp = _excel(text)
        return None if stamp is None else _iso_text(stamp)
    if date_format == "iso":
        return None
    plain = _TZ_SUFFIX.sub("", text).upper()
    for pattern in _PATTERNS[date_format]:
        try:
            return _iso_text(dt.datetime.strptime(plain, pattern))
        except ValueError:
            continue
    return None
