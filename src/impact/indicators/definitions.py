"""The indicator definition file: pydantic models, loading, and errors that name id and key.

A definition file (``data_schema/indicators.yaml`` for the built-in set, or a study's own file)
looks like::

    format_version: 1
    sections:
      - id: job
        label: {sv: Arbete, en: Job}
    definitions:
      - id: more_interviews
        version: 1
        kind: boolean            # boolean | count
        section: steps
        label: {sv: …, en: …}
        definition: {sv: …, en: …}
        params:
          min_extra_interviews:
            type: integer
            default: 2
            minimum: 1           # optional minimum/maximum, checked for default and overrides
            label: {sv: …, en: …}
        population:              # optional; who the indicator applies to
          rule: not got_job
          outside: missing       # missing | false: the value for persons outside
          label: {sv: …, en: …}
        rule: r.interviews_3m - b.interviews_3m >= $min_extra_interviews

Every problem in a file is collected into one :class:`impact.errors.InputError` whose rows name
the file, the definition id and the key (``rule``, ``params.min_small_steps.default`` …).
"""

from __future__ import annotations

import os
import re
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from impact.errors import InputError, Problem
from impact.indicators import expr_ast
from impact.indicators.expr_parser import ExpressionError, parse
from impact.ingest.yamlfile import load_yaml

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
FORMAT_VERSION = 1

ParamType = Literal["integer", "number", "text", "boolean"]
Outside = Literal["missing", "false"]
Kind = Literal["boolean", "count"]


class Text(BaseModel):
    """A text in Swedish and English."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sv: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_language(self, lang: Literal["sv", "en"]) -> str:
        """Return the text in ``lang``."""
        return self.sv if lang == "sv" else self.en


class ParamSpec(BaseModel):
    """A parameter of a definition: its type, default, allowed values and label."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    type: ParamType
    default: bool | int | float | str
    label: Text
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[bool | int | float | str, ...] | None = None

    @model_validator(mode="after")
    def _bounds_and_default_are_valid(self) -> ParamSpec:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"minimum {self.minimum:g} is above maximum {self.maximum:g}")
        problem = self.check(self.default)
        if problem:
            raise ValueError(f"default {self.default!r} is not allowed: expected {problem}")
        return self

    def allowed_range(self) -> str | None:
        """The allowed range in words (``"a value from 0 to 8"``), or None when unbounded."""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"a value from {low:g} to {high:g}"
        if low is not None:
            return f"a value of at least {low:g}"
        if high is not None:
            return f"a value of at most {high:g}"
        return None

    def check(self, value: Any) -> str | None:
        """Return what is expected when ``value`` is not allowed (None when it is allowed).

        The answer names the type, the choices or the whole allowed range (``"a value from 0
        to 8"``), so a message built from it tells the user what to give instead.
        """
        kinds = {
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "text": lambda v: isinstance(v, str),
            "boolean": lambda v: isinstance(v, bool),
        }
        if not kinds[self.type](value):
            return f"a value of type {self.type}"
        if self.choices is not None and value not in self.choices:
            return f"one of {', '.join(map(str, self.choices))}"
        too_low = self.minimum is not None and value < self.minimum
        too_high = self.maximum is not None and value > self.maximum
        if too_low or too_high:
            return self.allowed_range()
        return None

    def coerce(self, value: Any) -> Any:
        """Convert a value given as text (command line, ``k=v``) to the parameter's type."""
        if not isinstance(value, str) or self.type == "text":
            return value
        text = value.strip()
        if self.type == "boolean":
            lowered = text.lower()
            if lowered in ("true", "yes", "1"):
                return True
            if lowered in ("false", "no", "0"):
                return False
            return value
        try:
            return int(text) if self.type == "integer" else float(text)
        except ValueError:
            return value


def _rule_parses(value: str) -> str:
    """Validator of ``rule`` fields: the rule parses (the error names the position)."""
    _parse_or_raise(value)
    return value


class Population(BaseModel):
    """Who an indicator applies to: a condition, its label, and the value for everyone else."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rule: str
    label: Text
    outside: Outside = "missing"
    _ast: expr_ast.Node = PrivateAttr()

    @field_validator("outside", mode="before")
    @classmethod
    def _yaml_false(cls, value: Any) -> Any:
        # YAML reads a bare `false` as a boolean; accept it for the "false" option.
        return "false" if value is False else value

    _parses = field_validator("rule")(_rule_parses)

    def model_post_init(self, __context: Any) -> None:
        self._ast = parse(self.rule)

    @property
    def ast(self) -> expr_ast.Node:
        """The parsed population condition."""
        return self._ast


class IndicatorDefinition(BaseModel):
    """One indicator: identity, labels, parameters, population and rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    kind: Kind = "boolean"
    section: str = Field(pattern=ID_PATTERN)
    label: Text
    definition: Text
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    population: Population | None = None
    rule: str
    _ast: expr_ast.Node = PrivateAttr()

    _parses = field_validator("rule")(_rule_parses)

    @field_validator("params")
    @classmethod
    def _param_names(cls, value: dict[str, ParamSpec]) -> dict[str, ParamSpec]:
        bad = [name for name in value if not re.match(ID_PATTERN, name)]
        if bad:
            raise ValueError(f"parameter names must be lower_snake_case, got {', '.join(bad)}")
        return value

    def model_post_init(self, __context: Any) -> None:
        self._ast = parse(self.rule)

    @property
    def ast(self) -> expr_ast.Node:
        """The parsed rule."""
        return self._ast

    def expressions(self) -> list[expr_ast.Node]:
        """The rule and (when present) the population condition."""
        return [self.ast] + ([self.population.ast] if self.population else [])

    def used_params(self) -> list[str]:
        """Parameters used by the rule or population, including field-name placeholders."""
        return list(dict.fromkeys(p for e in self.expressions() for p in expr_ast.params(e)))

    def references(self) -> list[str]:
        """Other indicators this one reads."""
        return list(dict.fromkeys(r for e in self.expressions() for r in expr_ast.refs(e)))

    def problems(self, source: str) -> list[Problem]:
        """Check what the schema alone cannot: parameters used are declared, kinds fit."""
        where = f"{source}: indicator '{self.id}'"
        found = []
        for name in self.used_params():
            if name not in self.params:
                found.append(
                    Problem(
                        where,
                        f"every parameter used in the rule to be declared under 'params'"
                        f" (declared: {', '.join(self.params) or 'none'})",
                        column="rule",
                        value=name,
                    )
                )
        if self.kind == "count" and self.population and self.population.outside == "false":
            found.append(
                Problem(
                    where,
                    "outside: missing for a count (only true/false indicators can be false)",
                    column="population.outside",
                    value="false",
                )
            )
        return found


class Section(BaseModel):
    """A heading that groups indicators in the codebook."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=ID_PATTERN)
    label: Text


class DefinitionSet(BaseModel):
    """The validated content of one definition file."""

    model_config = ConfigDict(frozen=True)
    source: str
    sections: tuple[Section, ...] = ()
    definitions: tuple[IndicatorDefinition, ...] = ()


def _parse_or_raise(text: str) -> None:
    try:
        parse(text)
    except ExpressionError as error:
        raise ValueError(str(error)) from None


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(definition)"


def _error_text(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def parse_definitions(content: Any, source: str) -> DefinitionSet:
    """Validate already-parsed YAML/JSON content of a definition file.

    Parameters
    ----------
    content : dict
        ``{"format_version": 1, "sections": [...], "definitions": [...]}``.
    source : str
        Where the content came from (used in error messages).

    Raises
    ------
    InputError
        Listing every problem with the definition id and key.
    """
    problems: list[Problem] = []
    if not isinstance(content, dict):
        raise InputError(
            "An indicator definition file must be a mapping",
            [Problem(source, "a mapping with 'format_version', 'sections' and 'definitions'")],
        )
    unknown = set(content) - {"format_version", "sections", "definitions"}
    for key in sorted(unknown):
        problems.append(Problem(source, "only format_version, sections, definitions", column=key))
    version = content.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        problems.append(
            Problem(
                source,
                f"format_version {FORMAT_VERSION}",
                column="format_version",
                value=str(version),
            )
        )
    sections = _parse_sections(content.get("sections") or [], source, problems)
    definitions = _parse_definition_list(content.get("definitions") or [], source, problems)
    if problems:
        raise InputError(f"Invalid indicator definitions in {source}", problems)
    return DefinitionSet(source=source, sections=tuple(sections), definitions=tuple(definitions))


def _parse_sections(raw_sections: Any, source: str, problems: list[Problem]) -> list[Section]:
    """The valid sections; a problem for every invalid key."""
    sections = []
    for i, raw in enumerate(raw_sections):
        try:
            sections.append(Section.model_validate(raw))
        except ValidationError as error:
            for e in error.errors():
                problems.append(
                    Problem(source, _error_text(e), column=f"sections[{i}].{_location(e['loc'])}")
                )
    return sections


def _parse_definition_list(
    raw_definitions: Any, source: str, problems: list[Problem]
) -> list[IndicatorDefinition]:
    """The valid definitions; a problem for every invalid key and repeated id."""
    definitions = []
    seen: set[str] = set()
    if not isinstance(raw_definitions, list):
        problems.append(Problem(source, "a list of definitions", column="definitions"))
        return definitions
    for i, raw in enumerate(raw_definitions):
        ident = raw.get("id") if isinstance(raw, dict) else None
        where = f"{source}: indicator '{ident}'" if ident else f"{source}: definitions[{i}]"
        try:
            definition = IndicatorDefinition.model_validate(raw)
        except ValidationError as error:
            for e in error.errors():
                value = e.get("input")
                shown = value if isinstance(value, str | int | float) else None
                problems.append(
                    Problem(
                        where,
                        _error_text(e),
                        column=_location(e["loc"]),
                        value=None if shown is None else str(shown),
                    )
                )
            continue
        if definition.id in seen:
            problems.append(
                Problem(where, "each id once per file", column="id", value=definition.id)
            )
        seen.add(definition.id)
        problems.extend(definition.problems(source))
        definitions.append(definition)
    return definitions


def load_definitions(path: str | os.PathLike[str]) -> DefinitionSet:
    """Read and validate a YAML definition file.

    Parameters
    ----------
    path : path
        The YAML file.

    Returns
    -------
    DefinitionSet
        The sections and definitions it holds.

    Raises
    ------
    InputError
        When the file is missing, is not valid YAML, or any definition is invalid.
    """
    content = load_yaml(path, what="indicator definition file")
    return parse_definitions(content, str(path))
