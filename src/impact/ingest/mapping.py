"""Mapping files: how an organisation's export maps onto the canonical tables.

A mapping (YAML, see ``docs/ingest.md``) renames source headers to canonical fields and
translates answer labels to canonical codes. :func:`load_mapping` reads one and checks it
against the canonical schemas; :mod:`impact.ingest.translate` applies it to a file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from impact.errors import InputError, Problem
from impact.ingest.adapters.base import DATE_STYLES, DateFormat, option_header
from impact.ingest.adapters.checkbox import CheckboxQuestion
from impact.ingest.mapping_checks import field_spec, mapping_problems, normal_code
from impact.ingest.schema import TableName, TableSchema, load_table_schema
from impact.ingest.unicode_text import nfc_strings
from impact.ingest.yamlfile import load_yaml, validated_model
from impact.resources import data_schema_dir
from impact.validation import suggest

__all__ = [
    "BOOLEAN_TOKENS",
    "CANONICAL",
    "Mapping",
    "bundled_mappings",
    "load_mapping",
]

logger = logging.getLogger(__name__)

Section = Literal["all", TableName]

#: Boolean spellings accepted in every file, beside the mapping's own ``booleans`` labels.
BOOLEAN_TOKENS: dict[str, bool] = {
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "yes": True,
    "no": False,
}


def _text_keys(obj: Any) -> Any:
    """Turn dict keys that YAML read as numbers (``1: 1``) into text."""
    if isinstance(obj, dict):
        return {str(k) if not isinstance(k, str) else k: v for k, v in obj.items()}
    return obj


class Mapping(BaseModel):
    """A mapping from one organisation's export onto the canonical tables.

    Attributes
    ----------
    name : str
        Short name (bundled mappings are loaded by this name).
    language : {"sv", "en"}
        Language of the questionnaire.
    description : str
        What questionnaire this maps.
    columns : dict
        ``{section: {source header: canonical field}}``; section ``all`` applies to every
        table, a table's own section overrides it.
    values : dict
        ``{canonical field: {answer label: canonical code}}``.
    booleans : dict
        ``{answer label: true/false}`` for every boolean field.
    missing_labels : list of str
        Labels meaning "no answer" in any field (an empty cell always does).
    ignore : list of str, or dict
        Source headers to drop without complaint: a list for every table, or
        ``{section: [headers]}``.
    source : str
        The survey tool that wrote the exports (``qualtrics``; see
        :mod:`impact.ingest.adapters`), or ``auto`` to recognise it from each file's header.
    date_format : str, dict or None
        How the exports write dates. Either a style the survey-tool adapter rewrites to ISO
        (``iso``, ``us``, ``eu``, ``excel``, ``auto``; default: the tool's own), or a strptime
        pattern (``"%d/%m/%Y %H:%M"``) for every date and time field, or ``{field: pattern}``;
        ISO dates are always read too.
    checkboxes : dict
        ``{section: [CheckboxQuestion]}``: "tick all that apply" questions whose options set
        boolean fields, with the rule for a blank option.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    language: Literal["sv", "en"] = "en"
    description: str = ""
    columns: dict[Section, dict[str, str]] = {}
    values: dict[str, dict[str, bool | int | float | str]] = {}
    booleans: dict[str, bool] = {}
    missing_labels: list[str] = [""]
    ignore: list[str] | dict[Section, list[str]] = []
    source: str = "auto"
    date_format: str | dict[str, str] | None = None
    checkboxes: dict[Section, list[CheckboxQuestion]] = {}

    @model_validator(mode="before")
    @classmethod
    def _numbers_as_text(cls, data: Any) -> Any:
        """Headers and labels YAML read as numbers (``1: 1``) are text."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("columns", "values"):
            section = data.get(key)
            if isinstance(section, dict):
                data[key] = {k: _text_keys(v) for k, v in section.items()}
        if isinstance(data.get("booleans"), dict):
            data["booleans"] = _text_keys(data["booleans"])
        for key in ("missing_labels", "ignore"):
            items = data.get(key)
            if isinstance(items, list):
                data[key] = ["" if i is None else str(i) for i in items]
            elif isinstance(items, dict):
                data[key] = {
                    k: [str(i) for i in v] if isinstance(v, list) else v for k, v in items.items()
                }
        return data

    def check(self, source: str = "mapping") -> list[Problem]:
        """Check the mapping against the canonical schemas (see
        :func:`impact.ingest.mapping_checks.mapping_problems`); empty when it is consistent."""
        return mapping_problems(self, source)

    def date_style(self) -> DateFormat | None:
        """The declared date style (``us``, ``eu``, …) the adapter rewrites to ISO, if any."""
        if isinstance(self.date_format, str) and self.date_format in DATE_STYLES:
            return self.date_format  # type: ignore[return-value]
        return None

    def declares_patterns(self) -> bool:
        """Whether ``date_format`` gives strptime patterns (read by the type conversion)."""
        return self.date_format is not None and self.date_style() is None

    def date_formats(self, schema: TableSchema) -> dict[str, str]:
        """``{field: strptime pattern}`` for the date and time fields of ``schema``."""
        if not self.declares_patterns():
            return {}
        dates = [f.name for f in schema.fields if f.type in ("date", "datetime")]
        if isinstance(self.date_format, str):
            return dict.fromkeys(dates, self.date_format)
        return {f: p for f, p in (self.date_format or {}).items() if f in dates}

    def checkboxes_for(self, table: str) -> list[CheckboxQuestion]:
        """Checkbox questions of ``table`` (``all`` first, then the table's own)."""
        return [*self.checkboxes.get("all", []), *self.checkboxes.get(table, [])]

    def all_checkboxes(self) -> list[CheckboxQuestion]:
        """Every checkbox question of every section (for the codebook)."""
        return [q for questions in self.checkboxes.values() for q in questions]

    def columns_for(self, table: str) -> dict[str, tuple[str, str]]:
        """``{source header: (field, section)}`` for ``table``: ``all`` overridden by the table."""
        out = {h.strip(): (f, "all") for h, f in self.columns.get("all", {}).items()}
        out.update({h.strip(): (f, table) for h, f in self.columns.get(table, {}).items()})
        return out

    def ignored_for(self, table: str) -> set[str]:
        """Source headers to drop silently when reading ``table``."""
        if isinstance(self.ignore, list):
            return {h.strip() for h in self.ignore}
        return {h.strip() for s in ("all", table) for h in self.ignore.get(s, [])}

    def value_lookup(self, name: str) -> dict[str, Any]:
        """``{casefolded label: code}`` for one field (empty when the mapping has none)."""
        spec = field_spec(name)
        labels = self.values.get(name, {})
        if spec is None:
            return {}
        return {k.strip().casefold(): normal_code(spec, v) for k, v in labels.items()}

    def boolean_lookup(self) -> dict[str, bool]:
        """``{casefolded label: bool}`` for boolean fields, canonical spellings included."""
        out = dict(BOOLEAN_TOKENS)
        out.update({k.strip().casefold(): v for k, v in self.booleans.items()})
        return out

    def missing_set(self) -> set[str]:
        """Casefolded labels meaning "no answer" (always including the empty cell)."""
        return {m.strip().casefold() for m in self.missing_labels} | {""}

    def known_headers(self, table: str) -> set[str]:
        """Headers a file of ``table`` may have: mapped, ignored and canonical names."""
        checkbox_headers = {
            header
            for q in self.checkboxes_for(table)
            for option in q.labels()
            for header in (option, option_header(q.question, option), q.question)
        }
        return (
            set(self.columns_for(table))
            | self.ignored_for(table)
            | set(load_table_schema(table).field_names)
            | checkbox_headers
        )


#: The mapping used when none is given: canonical headers and codes only.
CANONICAL = Mapping(name="canonical", description="Files already in canonical form.")


def bundled_mappings() -> list[str]:
    """Names of the mappings shipped in ``data_schema/mappings/``."""
    folder = data_schema_dir() / "mappings"
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_mapping(path_or_name: str | Path | Mapping) -> Mapping:
    """Load and check a mapping file, or a bundled mapping by name.

    Parameters
    ----------
    path_or_name : path, str or Mapping
        A YAML file, the name of a bundled mapping (e.g. ``"belong_sv"``), or a Mapping (checked
        and returned).

    Returns
    -------
    Mapping

    Raises
    ------
    InputError
        Listing every problem: unknown keys or table sections, fields the schemas do not
        have, codes a field does not allow.
    """
    if isinstance(path_or_name, Mapping):
        problems = path_or_name.check(source=f"mapping {path_or_name.name}")
        if problems:
            raise InputError(f"Mapping '{path_or_name.name}' is not valid", problems)
        return path_or_name
    path = _mapping_file(path_or_name)
    source = str(path)
    mapping = validated_model(
        nfc_strings(load_yaml(path, what="mapping file")),  # labels match NFC cells
        Mapping,
        title=f"Mapping {source} is not valid",
        source=source,
        expected="a YAML mapping with keys name, columns, values, ...",
        fix="start from data_schema/mappings/belong_sv.yaml",
    )
    problems = mapping.check(source=source)
    if problems:
        raise InputError(f"Mapping {source} is not valid", problems)
    logger.info("loaded mapping %s from %s", mapping.name, source)
    return mapping


def _mapping_file(path_or_name: str | Path) -> Path:
    """The mapping file: the path given, or the bundled mapping of that name."""
    path = Path(path_or_name)
    if not path.is_file():
        bundled = data_schema_dir() / "mappings" / f"{path_or_name}.yaml"
        if bundled.is_file() and path.suffix == "" and len(path.parts) == 1:
            path = bundled
        else:
            names = bundled_mappings()
            raise InputError(
                "Mapping not found",
                [
                    Problem(
                        source=str(path_or_name),
                        expected=(
                            "an existing mapping file, or a bundled mapping name among "
                            f"{', '.join(names) or '(none installed)'}"
                            f"{suggest(str(path_or_name), names)}"
                        ),
                        fix="correct inputs.mapping in the study file (a path is read from the "
                        "study file's folder)",
                    )
                ],
            )
    return path
