"""Dates written in a declared format (``date_format:`` in a mapping), and guessing that format.

Dates and times are read as ISO 8601 (``2024-03-01 14:30``) by default. A survey tool that
exports ``13/02/2023 14:31`` needs the mapping to declare the format, as a
:meth:`datetime.datetime.strptime` pattern: ``date_format: "%d/%m/%Y %H:%M"`` for every date
and time field, or ``date_format: {submitted_at: "%d/%m/%Y %H:%M"}`` per field.

When a date column fails, :func:`guess_format` tries the usual export formats on the failing
values; the first one that reads every one of them becomes the fix the user is shown
("declare date_format: '%d/%m/%Y %H:%M' in the mapping"). Day-first formats are tried before
month-first ones, as Swedish and most European exports write them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

__all__ = ["CANDIDATES", "format_problem", "guess_format", "parse_with_format"]

#: Formats tried by :func:`guess_format`, in order (day first before month first).
CANDIDATES = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%d %b %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%B %d, %Y",
    "%Y%m%d",
)

#: Values looked at when guessing (the first failing ones of a column).
_GUESS_SAMPLE = 200


def parse_with_format(text: str, fmt: str) -> pd.Timestamp:
    """Parse ``text`` with the strptime pattern ``fmt``; an offset (``%z``) is turned into UTC.

    Raises
    ------
    ValueError
        When the text does not follow the format.
    """
    stamp = pd.Timestamp(dt.datetime.strptime(text.strip(), fmt))
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def _reads(fmt: str, text: str) -> bool:
    try:
        parse_with_format(text, fmt)
    except ValueError:
        return False
    return True


def guess_format(texts: Iterable[str]) -> str | None:
    """The first candidate format that reads every one of ``texts`` (None if none does)."""
    sample = list(dict.fromkeys(t.strip() for t in texts if t.strip()))[:_GUESS_SAMPLE]
    if not sample:
        return None
    for fmt in CANDIDATES:
        if all(_reads(fmt, text) for text in sample):
            return fmt
    return None


def format_problem(fmt: str) -> str | None:
    """Why ``fmt`` is not a usable date format (None when it is)."""
    if "%" not in fmt:
        return "a strptime pattern such as '%d/%m/%Y %H:%M' (no % directive found)"
    example = dt.datetime(2024, 3, 1, 14, 30, tzinfo=dt.timezone.utc)
    try:
        dt.datetime.strptime(example.strftime(fmt), fmt)
    except ValueError as error:
        return f"a strptime pattern such as '%d/%m/%Y %H:%M' ({error})"
    return None
