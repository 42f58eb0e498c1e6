"""Turn mapped text cells into the canonical pandas dtypes, reporting values of the wrong type.

Numbers accept a decimal comma (``3,5``) and spaces as thousands separators (``12 500``);
integers accept ``3`` and ``3.0`` but not ``3.5``; dates and times must be ISO-like
(``2024-03-01``, ``2024-03-01 14:30``, ``2024-03-01T14:30:00+01:00``; time zones are converted
to UTC) unless a mapping's ``date_format`` declares the export's format
(:mod:`impact.ingest.date_formats`); when dates fail, the format that reads them all is
suggested as the fix. Offsets written as ``GMT+1``, ``UTC+01:00`` or ``UTC-3`` mean that many
hours **ahead of** (``+``) or behind (``-``) UTC, as ISO 8601 offsets do (the POSIX zone names
``Etc/GMT+1`` use the opposite sign; dateutil follows them, so these offsets are rewritten as
ISO offsets before parsing). Every cell that cannot be read is a
:class:`~impact.errors.Problem` with the fix for its type.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from impact.errors import Problem
from impact.ingest.date_formats import guess_format, parse_with_format
from impact.ingest.schema import FieldSpec, TableSchema
from impact.ingest.translate import MappedTable, display_column

__all__ = ["convert_columns", "convert_types", "infer_extra", "parse_value", "type_problems"]

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_DOTTED_TIME = re.compile(r"^\d{1,2}\.\d{2}(\.\d{2})?$")
_GMT_OFFSET = re.compile(
    r"\s*(?:GMT|UTC)\s*(?:(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?\s*$",
    flags=re.IGNORECASE,
)
_DATE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}([ T]\d{1,2}[:.]\d{2}([:.]\d{2}(\.\d+)?)?)?")


class _Unreadable(ValueError):
    """A cell that is not of the field's type."""


def _number(text: str) -> float:
    cleaned = _SPACES.sub("", text)
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise _Unreadable(text) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _Unreadable(text)
    return value


def _iso_offset(text: str) -> str:
    """Rewrite a trailing ``GMT+1`` / ``UTC+01:00`` / ``UTC`` as an ISO offset (``+01:00``)."""
    match = _GMT_OFFSET.search(text)
    if match is None:
        return text
    if match.group("sign") is None:
        offset = "+00:00"
    else:
        offset = f"{match.group('sign')}{int(match.group('hours')):02d}:"
        offset += match.group("minutes") or "00"
    return text[: match.start()] + offset


def _timestamp(text: str) -> pd.Timestamp:
    if not _DATE.match(text):
        raise _Unreadable(text)
    normal = _iso_offset(text).replace("/", "-")
    parts = re.split(r"[ T]", normal, maxsplit=1)
    if len(parts) == 2 and _DOTTED_TIME.match(parts[1]):
        date_part, time_part = parts
        normal = date_part + " " + time_part.replace(".", ":")
    try:
        stamp = pd.Timestamp(normal)
    except (ValueError, TypeError):
        raise _Unreadable(text) from None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


#: How to fix a cell that is not of its field's type.
_FIXES = {
    "datetime": "write dates and times as YYYY-MM-DD HH:MM (ISO 8601): format the column as "
    "yyyy-mm-dd hh:mm in Excel, or choose ISO dates in the survey tool, and export again",
    "date": "write dates as YYYY-MM-DD (ISO 8601): format the column as yyyy-mm-dd in Excel, "
    "or choose ISO dates in the survey tool, and export again",
    "integer": "type a whole number (digits only), or empty the cell when the answer is missing",
    "number": "type a number (digits, with a decimal comma or point), or empty the cell when "
    "the answer is missing",
    "boolean": "use a true/false label the mapping lists under booleans, or true or false",
}


def parse_value(value: Any, kind: str, date_format: str | None = None) -> Any:
    """Parse one cell into the Python value of a Frictionless type.

    Parameters
    ----------
    value : object
        A text cell, an already-translated code, or ``pd.NA``.
    kind : str
        Frictionless type: string, integer, number, boolean, datetime or date.
    date_format : str, optional
        A strptime pattern dates are written in (tried before the ISO-like forms).

    Returns
    -------
    object
        ``str``, ``int``, ``float``, ``bool``, ``pandas.Timestamp`` or ``pd.NA``.

    Raises
    ------
    ValueError
        When the cell is not of that type.
    """
    if value is pd.NA or value is None:
        return pd.NA
    if kind == "string":
        return str(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        raise _Unreadable(str(value))
    if isinstance(value, bool):
        raise _Unreadable(str(value))
    if kind == "integer":
        number = value if isinstance(value, int) else _number(str(value))
        if isinstance(number, float) and not number.is_integer():
            raise _Unreadable(str(value))
        return int(number)
    if kind == "number":
        return float(value) if isinstance(value, int | float) else _number(str(value))
    stamp = _declared_or_iso(str(value), date_format)
    return stamp.normalize() if kind == "date" else stamp


def _declared_or_iso(text: str, date_format: str | None) -> pd.Timestamp:
    """A date in the declared format when one is given, else (or failing that) ISO-like."""
    if date_format is not None:
        try:
            return parse_with_format(text, date_format)
        except ValueError:
            pass
    return _timestamp(text)


def _date_fix(failed: list[str], declared: str | None) -> str:
    """How to fix unreadable dates: the format that reads them all, when one does."""
    guess = guess_format(failed)
    if guess is not None and declared is not None:
        return (
            f"change the mapping's date_format from '{declared}' to '{guess}' (it reads all of "
            "these values), or correct the cells"
        )
    if guess is not None:
        return (
            f"declare date_format: '{guess}' in the mapping (it reads all of these values), or "
            "write dates as YYYY-MM-DD HH:MM (ISO 8601) and export again"
        )
    if declared is not None:
        return f"correct the cells so they follow the mapping's date_format '{declared}'"
    return (
        f"{_FIXES['datetime']}; or declare the export's format in the mapping, e.g. "
        "date_format: '%d/%m/%Y %H:%M'"
    )


def _series(values: list[Any], dtype: str, index: pd.Index) -> pd.Series:
    if dtype == "datetime64[ns]":
        stamps = [pd.NaT if v is pd.NA else v for v in values]
        return pd.Series(pd.to_datetime(stamps), index=index).astype("datetime64[ns]")
    return pd.Series(pd.array(values, dtype=dtype), index=index)


def _extra_text(column: pd.Series) -> pd.Series:
    """A kept extra column as stripped text, empty cells missing."""
    return column.astype("string").str.strip().replace("", pd.NA)


def infer_extra(text: pd.Series) -> pd.Series:
    """Type a kept extra column (stripped text): numbers when every value reads as one."""
    try:
        numbers = [pd.NA if v is pd.NA else _number(v) for v in text]
    except _Unreadable:
        return text
    return pd.Series(pd.array(numbers, dtype="Float64"), index=text.index)


def _type_problems(
    mapped: MappedTable, spec: FieldSpec, failed: list[tuple[Any, Any]], declared: str | None
) -> list[Problem]:
    """One problem per unreadable cell of a column, with the fix for its type."""
    fix = _FIXES.get(spec.type)
    expected = spec.expected_words()
    if spec.type in ("date", "datetime"):
        fix = _date_fix([str(value) for _, value in failed], declared)
        if declared is not None:
            expected = f"{expected}, or the mapping's date_format '{declared}'"
    column = display_column(spec.name, mapped.headers.get(spec.name))
    return [
        Problem(
            source=mapped.source,
            row=int(row),
            column=column,
            value=None if spec.privacy == "identifying" else str(value),
            expected=expected,
            fix=fix,
        )
        for row, value in failed
    ]


def convert_types(
    mapped: MappedTable, schema: TableSchema, date_formats: dict[str, str] | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Give every mapped column its canonical dtype.

    Optional fields absent from the file are added with every value missing. Required fields
    that are absent stay absent (validation reports them).

    Parameters
    ----------
    mapped : MappedTable
        Output of :func:`impact.ingest.mapping.apply_mapping`; ``reported`` is updated with
        every cell reported here.
    schema : TableSchema
        The canonical table.
    date_formats : dict, optional
        ``{field: strptime pattern}`` for date and time fields written in a declared format
        (the mapping's ``date_format``); ISO-like dates are read too.

    Returns
    -------
    frame : pandas.DataFrame
        Canonical columns in schema order (then kept extra columns), canonical dtypes.
    problems : list of Problem
        One per cell of the wrong type.
    """
    frame, failed = convert_columns(mapped, schema, date_formats)
    return frame, type_problems(mapped, schema, failed, date_formats)


def convert_columns(
    mapped: MappedTable,
    schema: TableSchema,
    date_formats: dict[str, str] | None = None,
    infer_extra: bool = True,
) -> tuple[pd.DataFrame, dict[str, list[tuple[Any, Any]]]]:
    """The typed frame and, per field, the cells that could not be read (row, value).

    Parameters are those of :func:`convert_types`; with ``infer_extra`` False, kept extra
    columns stay stripped text (:func:`infer_extra` types them once every chunk is read).
    """
    failures: dict[str, list[tuple[Any, Any]]] = {}
    columns: dict[str, pd.Series] = {}
    index = mapped.frame.index
    date_formats = date_formats or {}
    for spec in schema.fields:
        if spec.name not in mapped.frame.columns:
            if spec.optional:
                columns[spec.name] = _series([pd.NA] * len(index), spec.dtype, index)
            continue
        column = mapped.frame[spec.name]
        declared = date_formats.get(spec.name)
        parsed: dict[Any, Any] = {}
        values = []
        failed: list[tuple[Any, Any]] = []
        for row, value in column.items():
            key = (type(value), value) if value is not pd.NA else "NA"
            if key not in parsed:
                try:
                    parsed[key] = parse_value(value, spec.type, declared)
                except ValueError:
                    parsed[key] = _Unreadable
            result = parsed[key]
            if result is _Unreadable:
                mapped.reported.add((row, spec.name))
                failed.append((row, value))
                result = pd.NA
            values.append(result)
        columns[spec.name] = _series(values, spec.dtype, index)
        if failed:
            failures[spec.name] = failed
    for name in mapped.extra:
        text = _extra_text(mapped.frame[name])
        columns[name] = infer_extra(text) if infer_extra else text
    return pd.DataFrame(columns, index=index), failures


def type_problems(
    mapped: MappedTable,
    schema: TableSchema,
    failures: dict[str, list[tuple[Any, Any]]],
    date_formats: dict[str, str] | None = None,
) -> list[Problem]:
    """One problem per unreadable cell, field by field in schema order.

    ``failures`` holds every failed cell of a field (of every chunk), since the fix for dates
    names the format that reads all of them.
    """
    date_formats = date_formats or {}
    problems: list[Problem] = []
    for spec in schema.fields:
        if failures.get(spec.name):
            declared = date_formats.get(spec.name)
            problems += _type_problems(mapped, spec, failures[spec.name], declared)
    return problems
