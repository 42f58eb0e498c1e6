"""The canonical table schemas: read them, describe their fields, derive pandera checks.

The JSON files in ``data_schema/`` (Frictionless Table Schema plus a few custom keys) are the
single source of truth. This module reads them into :class:`TableSchema` / :class:`FieldSpec`
objects and derives the :class:`pandera.pandas.DataFrameSchema` that ingest validates against,
so a constraint written in a JSON file is enforced without being repeated in code.

Custom keys beside the Frictionless ones:

``title_sv``, ``description_sv``
    Swedish title and description (``title``/``description`` are English).
``enumLabels``
    ``{code: {"en": ..., "sv": ...}}`` labels for coded and ordinal fields.
``optional``
    The column may be absent from a file; it is then added with every value missing.
``privacy``
    ``"identifying"`` (linking code, response id) or ``"free_text"``: never put in outputs.
``example``
    A valid value, used in documentation and tests.
``additionalColumns`` (table level)
    Extra columns are kept as they are instead of being reported as unknown.
"""

from __future__ import annotations

import functools
import json
import typing
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

from impact.errors import InputError, Problem
from impact.i18n import Lang
from impact.resources import data_schema_dir
from impact.validation import suggest

with warnings.catch_warnings():
    # pandera imports pyspark.pandas when pyspark is installed, which warns about pandas 3
    warnings.filterwarnings("ignore", message="PySpark", category=FutureWarning)
    import pandera.pandas as pa

__all__ = [
    "DTYPES",
    "TABLES",
    "FieldSpec",
    "Lang",
    "TableName",
    "TableSchema",
    "check_table_name",
    "load_table_schema",
    "pandera_schema",
]

TableName = Literal[
    "baseline", "followup", "result", "randomisation", "register_persons", "register_months"
]

#: The canonical tables, in pipeline order.
TABLES: tuple[TableName, ...] = typing.get_args(TableName)

#: pandas dtype of each Frictionless field type after ingest.
DTYPES: dict[str, str] = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "datetime": "datetime64[ns]",
    "date": "datetime64[ns]",
}

#: Words for each field type, used in messages.
TYPE_WORDS: dict[str, str] = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number (decimal point or comma)",
    "boolean": "yes/no (true or false)",
    "datetime": "a date and time like 2024-03-01 14:30",
    "date": "a date like 2024-03-01",
}


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field, as described in its table schema.

    Attributes
    ----------
    name, type : str
        Field name and Frictionless type (string, integer, number, boolean, datetime, date).
    titles, descriptions : dict
        ``{"en": ..., "sv": ...}``.
    constraints : dict
        Frictionless constraints (required, unique, enum, minimum, maximum, pattern).
    labels : dict
        ``{code: {"en": ..., "sv": ...}}`` for coded and ordinal fields (codes as text).
    optional : bool
        The column may be absent from a file.
    privacy : str or None
        ``"identifying"`` or ``"free_text"`` when the field must never appear in outputs.
    example : object
        A valid example value.
    """

    name: str
    type: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    constraints: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    optional: bool = False
    privacy: str | None = None
    example: Any = None

    @property
    def dtype(self) -> str:
        """The pandas dtype of this field after ingest."""
        return DTYPES[self.type]

    @property
    def required(self) -> bool:
        """Every value must be present."""
        return bool(self.constraints.get("required", False))

    @property
    def enum(self) -> list[Any] | None:
        """The allowed values, when the field is restricted to a list."""
        return self.constraints.get("enum")

    @property
    def codes(self) -> list[str]:
        """The codes of a coded or ordinal field, as text (empty for other fields)."""
        if self.enum is not None:
            return [str(code) for code in self.enum]
        return list(self.labels)

    def title(self, language: Lang = "en") -> str:
        """The field's title in ``language``."""
        return self.titles[language]

    def label(self, code: Any, language: Lang = "en") -> str:
        """The label of ``code`` in ``language`` (the code itself when it has no label)."""
        key = str(code).lower() if isinstance(code, bool) else str(code)
        return self.labels.get(key, {}).get(language, str(code))

    def expected_words(self) -> str:
        """What a valid value of this field looks like, in words."""
        parts = [TYPE_WORDS[self.type]]
        c = self.constraints
        if self.enum is not None:
            parts = ["one of " + ", ".join(str(v) for v in self.enum)]
        if "minimum" in c and "maximum" in c:
            parts.append(f"between {c['minimum']} and {c['maximum']}")
        elif "minimum" in c:
            parts.append(f"at least {c['minimum']}")
        elif "maximum" in c:
            parts.append(f"at most {c['maximum']}")
        if "pattern" in c:
            parts.append(f"matching the pattern {c['pattern']}")
        return ", ".join(parts)


@dataclass(frozen=True)
class TableSchema:
    """One canonical table: its fields in order and table-level rules.

    Attributes
    ----------
    name : str
        Table name (``baseline``, ``followup``, ...).
    titles, descriptions : dict
        ``{"en": ..., "sv": ...}``.
    fields : tuple of FieldSpec
        The fields, in canonical column order.
    primary_key : tuple of str
        Fields whose combination is unique within a file.
    additional_columns : bool
        Extra columns are kept instead of reported.
    raw : dict
        The JSON document as read.
    """

    name: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...] = ()
    additional_columns: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def field_names(self) -> list[str]:
        """Field names in canonical order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        """Return the field called ``name`` (KeyError when the table has none)."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"table '{self.name}' has no field '{name}'")

    def has(self, name: str) -> bool:
        """Whether the table has a field called ``name``."""
        return name in self.field_names

    @property
    def private_fields(self) -> list[str]:
        """Fields marked identifying or free text (never written to outputs)."""
        return [f.name for f in self.fields if f.privacy is not None]


def check_table_name(table: str) -> str:
    """Return ``table`` if it is a canonical table name, else raise InputError."""
    if table not in TABLES:
        raise InputError(
            "Unknown table",
            [
                Problem(
                    source="table name",
                    value=str(table),
                    expected=f"one of {', '.join(TABLES)}{suggest(table, TABLES)}",
                )
            ],
        )
    return table


def _field_from_json(doc: dict[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=doc["name"],
        type=doc.get("type", "string"),
        titles={"en": doc.get("title", doc["name"]), "sv": doc.get("title_sv", doc["name"])},
        descriptions={"en": doc.get("description", ""), "sv": doc.get("description_sv", "")},
        constraints=dict(doc.get("constraints", {})),
        labels={str(k): dict(v) for k, v in doc.get("enumLabels", {}).items()},
        optional=bool(doc.get("optional", False)),
        privacy=doc.get("privacy"),
        example=doc.get("example"),
    )


@functools.cache
def load_table_schema(table: str) -> TableSchema:
    """Read ``data_schema/<table>.schema.json`` (cached).

    Parameters
    ----------
    table : str
        One of :data:`TABLES`.

    Returns
    -------
    TableSchema
    """
    check_table_name(table)
    path = data_schema_dir() / f"{table}.schema.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    return TableSchema(
        name=doc.get("name", table),
        titles={"en": doc.get("title", table), "sv": doc.get("title_sv", table)},
        descriptions={"en": doc.get("description", ""), "sv": doc.get("description_sv", "")},
        fields=tuple(_field_from_json(f) for f in doc["fields"]),
        primary_key=tuple(
            [doc["primaryKey"]]
            if isinstance(doc.get("primaryKey"), str)
            else doc.get("primaryKey", ())
        ),
        additional_columns=bool(doc.get("additionalColumns", False)),
        raw=doc,
    )


def _checks(spec: FieldSpec) -> list[pa.Check]:
    """pandera checks for one field's value constraints; each error text says what is expected."""
    c = spec.constraints
    checks = []
    if spec.enum is not None:
        allowed = list(spec.enum)
        checks.append(pa.Check.isin(allowed, error="one of " + ", ".join(map(str, allowed))))
    if "minimum" in c and "maximum" in c:
        bounds = f"a value between {c['minimum']} and {c['maximum']}"
    elif "minimum" in c:
        bounds = f"a value of at least {c['minimum']}"
    else:
        bounds = f"a value of at most {c.get('maximum')}"
    if "minimum" in c:
        checks.append(pa.Check.ge(c["minimum"], error=f"{bounds} (below the minimum)"))
    if "maximum" in c:
        checks.append(pa.Check.le(c["maximum"], error=f"{bounds} (above the maximum)"))
    if "pattern" in c:
        checks.append(
            pa.Check.str_matches(c["pattern"], error=f"text matching the pattern {c['pattern']}")
        )
    return checks


@functools.cache
def pandera_schema(table: str) -> pa.DataFrameSchema:
    """Derive the pandera schema of a canonical table from its JSON schema (cached).

    Each field becomes a column of the ingest dtype (:data:`DTYPES`) with ``nullable`` from
    ``required``, ``unique`` from ``unique``, and checks for ``enum``, ``minimum``,
    ``maximum`` and ``pattern``. Fields marked ``optional`` may be absent. Primary-key fields
    are non-null; a one-field ``primaryKey`` is unique and a composite one becomes a
    table-level uniqueness rule; tables without
    ``additionalColumns`` are strict (unknown columns fail).

    Parameters
    ----------
    table : str
        One of :data:`TABLES`.

    Returns
    -------
    pandera.pandas.DataFrameSchema
    """
    ts = load_table_schema(table)
    columns = {
        spec.name: pa.Column(
            spec.dtype,
            checks=_checks(spec),
            nullable=not (spec.required or spec.name in ts.primary_key),
            unique=bool(spec.constraints.get("unique", False)) or ts.primary_key == (spec.name,),
            required=not spec.optional,
            coerce=False,
            title=spec.titles["en"],
            description=spec.descriptions["en"],
        )
        for spec in ts.fields
    }
    unique = list(ts.primary_key) if len(ts.primary_key) > 1 else None
    return pa.DataFrameSchema(
        columns,
        unique=unique,
        strict=not ts.additional_columns,
        name=table,
        title=ts.titles["en"],
    )
