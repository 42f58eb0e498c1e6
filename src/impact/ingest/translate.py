"""Apply a mapping to one raw file: canonical column names, answer labels translated.

Every unknown column (not mapped, not canonical, not ignored) and every unknown answer label is
a :class:`~impact.errors.Problem` naming the file, row, column (source header and canonical
field), the value and the labels that are allowed. Problems are collected, not raised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from impact.errors import Problem
from impact.ingest.mapping import BOOLEAN_TOKENS, CANONICAL, Mapping
from impact.ingest.raw_table import RawTable
from impact.ingest.schema import FieldSpec, load_table_schema
from impact.validation import suggest

__all__ = ["MappedTable", "apply_mapping", "display_column", "known_headers"]


def display_column(field_name: str, header: str | None) -> str:
    """How a column is named in messages: the source header and, if different, the field."""
    if header is None or header == field_name:
        return field_name
    return f"{header} (→ {field_name})"


@dataclass
class MappedTable:
    """A source file after mapping: canonical column names, answer labels translated.

    Attributes
    ----------
    frame : pandas.DataFrame
        Object columns named by canonical field (plus kept extra columns); each cell is
        ``pd.NA``, a translated code, or stripped source text still to be typed.
    source : str
        The file, for messages.
    headers : dict
        ``{canonical field: source header}``.
    problems : list of Problem
        Unknown columns, clashing columns and unknown answer labels.
    reported : set of (row, field)
        Cells already reported, so later checks do not report them twice.
    extra : list of str
        Extra columns kept because the table allows additional columns.
    """

    frame: pd.DataFrame
    source: str
    headers: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    reported: set[tuple[int, str]] = field(default_factory=set)
    extra: list[str] = field(default_factory=list)


def _rename(raw: RawTable, table: str, mapping: Mapping) -> MappedTable:
    ts = load_table_schema(table)
    renames = mapping.columns_for(table)
    ignored = mapping.ignored_for(table)
    out = MappedTable(frame=pd.DataFrame(index=raw.frame.index), source=raw.source, headers={})
    for header in raw.frame.columns:
        if header in ignored:
            continue
        target, section = renames.get(header, (None, None))
        if target is not None and not ts.has(target):
            out.problems.append(
                Problem(
                    source=raw.source,
                    column=header,
                    expected=(
                        f"only fields of the {table} table: the mapping (columns.{section}) maps "
                        f"this column to '{target}', which the {table} table does not have; "
                        "list the header under ignore if it is not needed"
                    ),
                )
            )
            continue
        if target is None and ts.has(header):
            target = header
        if target is None:
            if ts.additional_columns:
                out.frame[header] = raw.frame[header].str.strip()
                out.extra.append(header)
                continue
            known = sorted(set(renames) | set(ts.field_names))
            out.problems.append(
                Problem(
                    source=raw.source,
                    column=header,
                    expected=(
                        f"a known column: this header is not in the mapping (columns.{table} or "
                        f"columns.all) and is not a canonical field of the {table} table; map it "
                        f"or list it under ignore{suggest(header, known)}"
                    ),
                )
            )
            continue
        if target in out.headers:
            out.problems.append(
                Problem(
                    source=raw.source,
                    column=header,
                    expected=(
                        f"one source column per field: '{out.headers[target]}' already maps to "
                        f"'{target}'"
                    ),
                    fix="map only one of the two columns; list the other under ignore",
                )
            )
            continue
        out.headers[target] = header
        out.frame[target] = raw.frame[header]
    return out


def _is_int_text(text: str) -> bool:
    try:
        return float(text.replace(",", ".")).is_integer()
    except ValueError:
        return False


def _translate_one(text: str, spec: FieldSpec, lookups: dict[str, Any]) -> tuple[Any, bool]:
    """Translate one stripped cell: (value, ok). Unknown labels give (NA, False)."""
    key = text.casefold()
    if key in lookups["missing"]:
        return pd.NA, True
    if key in lookups["values"]:
        return lookups["values"][key], True
    if spec.type == "boolean":
        if key in lookups["booleans"]:
            return lookups["booleans"][key], True
        return pd.NA, False
    if spec.type == "string" and spec.enum is not None:
        codes = {str(c).casefold(): c for c in spec.enum}
        return (codes[key], True) if key in codes else (pd.NA, False)
    if spec.type == "integer" and (spec.labels or lookups["values"]) and not _is_int_text(text):
        return pd.NA, False
    return text, True


def _allowed_labels(spec: FieldSpec, mapping: Mapping) -> str:
    labels = [label.strip() for label in mapping.values.get(spec.name, {})]
    if spec.type == "boolean":
        labels += [label.strip() for label in mapping.booleans] + list(BOOLEAN_TOKENS)
    elif spec.codes:
        labels += spec.codes
    unique = list(dict.fromkeys(labels))
    return ", ".join(f"'{label}'" for label in unique)


def _translate(mapped: MappedTable, table: str, mapping: Mapping) -> None:
    ts = load_table_schema(table)
    missing = mapping.missing_set()
    booleans = mapping.boolean_lookup()
    for name in list(mapped.headers):
        spec = ts.field(name)
        lookups = {"missing": missing, "values": mapping.value_lookup(name), "booleans": booleans}
        column = mapped.frame[name]
        translated: dict[str, Any] = {}
        bad: list[str] = []
        for value in pd.unique(column):
            text = str(value).strip()
            result, ok = _translate_one(text, spec, lookups)
            translated[value] = result
            if not ok:
                bad.append(value)
        if bad:
            where = display_column(name, mapped.headers[name])
            allowed = _allowed_labels(spec, mapping)
            for row, value in column[column.isin(bad)].items():
                mapped.reported.add((row, name))
                mapped.problems.append(
                    Problem(
                        source=mapped.source,
                        row=int(row),
                        column=where,
                        value=None if spec.privacy == "identifying" else str(value).strip(),
                        expected=f"a known answer label; allowed: {allowed}",
                        fix=f"add the label with its code under values.{name} in the mapping, "
                        "or correct the answer in the export",
                    )
                )
        mapped.frame[name] = pd.Series(
            [translated[v] for v in column], index=column.index, dtype=object
        )


def apply_mapping(raw: RawTable, table: str, mapping: Mapping | None = None) -> MappedTable:
    """Rename columns and translate answer labels of one source file.

    Parameters
    ----------
    raw : RawTable
        The file as read by :func:`impact.ingest.readers.read_raw`.
    table : str
        The canonical table the file holds.
    mapping : Mapping, optional
        The organisation's mapping; without one, headers and answers must be canonical.

    Returns
    -------
    MappedTable
        The renamed and translated frame plus every problem found (not raised here).
    """
    mapping = mapping if mapping is not None else CANONICAL
    mapped = _rename(raw, table, mapping)
    _translate(mapped, table, mapping)
    return mapped


def known_headers(table: str, mapping: Mapping | None) -> Iterable[str]:
    """Headers a reader should look for when finding the header row of ``table``."""
    return (mapping if mapping is not None else CANONICAL).known_headers(table)
