"""The checks of a mapping against the canonical schemas (:meth:`Mapping.check
<impact.ingest.mapping.Mapping.check>`): the survey tool, target fields, answer codes, checkbox
options and date formats. Every problem is collected, with the key it is under."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from impact.errors import Problem
from impact.ingest.adapters.base import DATE_STYLES
from impact.ingest.adapters.registry import adapter_names
from impact.ingest.date_formats import format_problem
from impact.ingest.schema import TABLES, FieldSpec, load_table_schema
from impact.validation import suggest

if TYPE_CHECKING:
    from impact.ingest.mapping import Mapping

__all__ = ["field_spec", "mapping_problems", "normal_code"]


def mapping_problems(mapping: Mapping, source: str = "mapping") -> list[Problem]:
    """Check a mapping against the canonical schemas.

    Every target field must exist (in that table for table sections, in some table for
    ``all``), every ``values`` entry must name a canonical field and give codes that field
    allows, and no label may be given two different codes.

    Returns
    -------
    list of Problem
        Empty when the mapping is consistent.
    """
    everything = _all_fields()
    return (
        _source_problems(mapping, source)
        + _checkbox_problems(mapping, source, everything)
        + _column_problems(mapping, source, everything)
        + _value_problems(mapping, source, everything)
        + _date_format_problems(mapping, source)
    )


def field_spec(name: str) -> FieldSpec | None:
    """The canonical field called ``name`` in the first table that has it."""
    for table in TABLES:
        ts = load_table_schema(table)
        if ts.has(name):
            return ts.field(name)
    return None


def _is_boolean(name: str) -> bool:
    """Whether ``name`` is a true/false field of some canonical table."""
    spec = field_spec(name)
    return spec is not None and spec.type == "boolean"


def _all_fields() -> list[str]:
    """Every canonical field name, in table order, each once."""
    names: list[str] = []
    for table in TABLES:
        names += [n for n in load_table_schema(table).field_names if n not in names]
    return names


def _code_problem(spec: FieldSpec, code: Any) -> str | None:
    """Why ``code`` is not a valid canonical value of ``spec`` (None when it is)."""
    c = spec.constraints
    if spec.type == "boolean":
        return None if isinstance(code, bool) else "true or false"
    if spec.type in ("integer", "number"):
        if isinstance(code, bool) or not isinstance(code, int | float | str):
            return spec.expected_words()
        try:
            number = float(code)
        except ValueError:
            return spec.expected_words()
        if spec.type == "integer" and not number.is_integer():
            return spec.expected_words()
        if ("minimum" in c and number < c["minimum"]) or ("maximum" in c and number > c["maximum"]):
            return spec.expected_words()
        return None
    if spec.enum is not None and str(code) not in [str(v) for v in spec.enum]:
        return spec.expected_words()
    if isinstance(code, bool):
        return "text"
    return None


def normal_code(spec: FieldSpec, code: Any) -> Any:
    """A checked code in the Python type the field's dtype holds."""
    if spec.type == "integer":
        return int(float(code))
    if spec.type == "number":
        return float(code)
    if spec.type == "boolean":
        return bool(code)
    return str(code)


def _source_problems(mapping: Mapping, source: str) -> list[Problem]:
    """The survey tool named under ``source:`` must be one impact knows."""
    if mapping.source in adapter_names():
        return []
    return [
        Problem(
            source=source,
            column="source",
            value=mapping.source,
            expected=(
                f"a survey tool among {', '.join(adapter_names())}"
                f"{suggest(mapping.source, adapter_names())}"
            ),
            fix="write one of these names as source: in the mapping, or auto to let "
            "impact recognise the tool from each file's header",
        )
    ]


def _column_problems(mapping: Mapping, source: str, everything: list[str]) -> list[Problem]:
    """Every header must be mapped to a canonical field of its section's table(s)."""
    problems = []
    for section, entries in mapping.columns.items():
        allowed = everything if section == "all" else load_table_schema(section).field_names
        where = "any table" if section == "all" else f"the {section} table"
        for header, target in entries.items():
            if target not in allowed:
                problems.append(
                    Problem(
                        source=source,
                        column=f"columns.{section}.{header}",
                        value=target,
                        expected=f"a canonical field of {where}{suggest(target, allowed)}",
                        fix="write a field name from data_schema/, or list the header under "
                        "ignore if the question is not needed",
                    )
                )
    return problems


def _value_problems(mapping: Mapping, source: str, everything: list[str]) -> list[Problem]:
    """Every ``values`` entry must name a canonical field and give it codes it allows."""
    problems = []
    for name, labels in mapping.values.items():
        spec = field_spec(name)
        if spec is None:
            problems.append(
                Problem(
                    source=source,
                    column=f"values.{name}",
                    expected=(
                        f"a canonical field name: '{name}' is not a field of any table"
                        f"{suggest(name, everything)}"
                    ),
                    fix="write a field name from data_schema/ as the key under values",
                )
            )
            continue
        problems += _label_problems(spec, name, labels, source)
    return problems


def _label_problems(
    spec: FieldSpec, name: str, labels: dict[str, Any], source: str
) -> list[Problem]:
    """Each label's code must be a code of the field, and one label gets one code."""
    problems = []
    seen: dict[str, Any] = {}
    for label, code in labels.items():
        why = _code_problem(spec, code)
        if why is not None:
            problems.append(
                Problem(
                    source=source,
                    column=f"values.{name}.{label}",
                    value=str(code),
                    expected=f"a code of field {name}: {why}",
                    fix=f"map the label to one of the codes of {name} (docs/architecture.md"
                    " lists them)",
                )
            )
        key = label.strip().casefold()
        if key in seen and seen[key] != code:
            problems.append(
                Problem(
                    source=source,
                    column=f"values.{name}.{label}",
                    value=str(code),
                    expected=f"one code per label; the same label also maps to {seen[key]}",
                    fix="keep one of the two entries (labels are compared ignoring case "
                    "and surrounding spaces)",
                )
            )
        seen[key] = code
    return problems


def _date_format_problems(mapping: Mapping, source: str) -> list[Problem]:
    """A declared date format that is neither a style nor a strptime pattern, or names no
    date field."""
    if not mapping.declares_patterns():
        return []
    named = (
        {"date_format": mapping.date_format}
        if isinstance(mapping.date_format, str)
        else {f"date_format.{k}": v for k, v in mapping.date_format.items()}
    )
    dates = {
        f.name
        for t in TABLES
        for f in load_table_schema(t).fields
        if f.type in ("date", "datetime")
    }
    problems = []
    for key, pattern in named.items():
        field = key.partition(".")[2]
        why = format_problem(pattern)
        if why is not None and not field:
            why = f"one of the styles {', '.join(DATE_STYLES)}, or {why}"
        if field and field not in dates:
            why = f"a date or time field ({', '.join(sorted(dates))}) as the key"
        if why is not None:
            problems.append(
                Problem(
                    source=source,
                    column=key,
                    value=pattern,
                    expected=why,
                    fix="write the export's format with strptime codes: %d day, %m month, "
                    "%Y year, %H hour, %M minute",
                )
            )
    return problems


def _checkbox_problems(mapping: Mapping, source: str, everything: list[str]) -> list[Problem]:
    """Checkbox options must set boolean fields of the section's table(s)."""
    problems = []
    for section, questions in mapping.checkboxes.items():
        allowed = everything if section == "all" else load_table_schema(section).field_names
        table_words = "any table" if section == "all" else f"the {section} table"
        for number, question in enumerate(questions):
            where = f"checkboxes.{section}[{number}]"
            for option, target in question.options.items():
                spec = field_spec(target) if target in allowed else None
                if spec is None or spec.type != "boolean":
                    booleans = [f for f in allowed if _is_boolean(f)]
                    problems.append(
                        Problem(
                            source=source,
                            column=f"{where}.options.{option}",
                            value=target,
                            expected=(
                                f"a true/false field of {table_words}, set when the option "
                                f"is ticked{suggest(target, booleans)}"
                            ),
                            fix="map each option to a true/false field (data_schema/ lists "
                            "them); map a single-choice question under values: instead",
                        )
                    )
            if question.blank_is_false_when == "page" and not question.page:
                problems.append(
                    Problem(
                        source=source,
                        column=f"{where}.page",
                        expected=(
                            "the headers of the other questions on the page, since "
                            "blank_is_false_when is 'page'"
                        ),
                        fix="list those headers under page:, or use blank_is_false_when: question",
                    )
                )
    return problems
