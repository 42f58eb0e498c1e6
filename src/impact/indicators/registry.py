"""The registry: the built-in definitions, user additions and overrides, parameters, order.

:func:`load_registry` gives the built-in set (``data_schema/indicators.yaml``) with a study's own
definition file merged on top: a definition with an existing id replaces the built-in one in
place, a new id is appended. :meth:`IndicatorRegistry.bind` then fills in parameter values
(defaults, overridden by ``{name: value}`` for every definition declaring ``name`` or by
``{"id.name": value}`` for one definition) and orders the definitions so that every indicator is
computed after the ones it reads.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from impact.errors import InputError, Problem
from impact.indicators import expr_ast, expr_tree
from impact.indicators.definitions import (
    DefinitionSet,
    IndicatorDefinition,
    Section,
    load_definitions,
)
from impact.indicators.expr_parser import FUNCTIONS, KEYWORDS
from impact.resources import data_schema_dir
from impact.validation import suggest

BUILTIN_FILE = "indicators.yaml"
BUILTIN_SOURCE = "builtin"


@dataclass(frozen=True)
class BoundIndicator:
    """A definition with its parameter values filled in, ready to evaluate.

    Attributes
    ----------
    definition : IndicatorDefinition
        The declarative definition.
    params : dict
        The parameter values in force (defaults unless overridden).
    rule, population : Node
        The expressions with ``{placeholder}`` field names resolved.
    fields : tuple of expr_ast.Field
        Panel fields read directly by the rule and population.
    waves : frozenset of str
        Survey waves read directly or through other indicators (``b``, ``r``, ``f1`` …).
    source : str
        ``builtin`` or the file the definition came from.
    """

    definition: IndicatorDefinition
    params: dict[str, Any]
    rule: expr_ast.Node
    population: expr_ast.Node | None
    fields: tuple[expr_ast.Field, ...]
    waves: frozenset[str]
    source: str

    @property
    def id(self) -> str:
        """The indicator id (its column name)."""
        return self.definition.id

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns read directly."""
        return tuple(f.column for f in self.fields)


@dataclass(frozen=True)
class IndicatorRegistry:
    """An ordered, validated collection of indicator definitions.

    Attributes
    ----------
    definitions : tuple of IndicatorDefinition
        In output-column order.
    sections : tuple of Section
        Codebook headings, in order.
    sources : dict
        Definition id → ``builtin`` or the path of the file that supplied it.
    """

    definitions: tuple[IndicatorDefinition, ...]
    sections: tuple[Section, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise InputError("The indicator definitions do not fit together", problems)

    @property
    def ids(self) -> list[str]:
        """Definition ids in output order."""
        return [d.id for d in self.definitions]

    def get(self, ident: str) -> IndicatorDefinition:
        """Return the definition with id ``ident``."""
        for definition in self.definitions:
            if definition.id == ident:
                return definition
        raise InputError(
            f"Unknown indicator '{ident}'",
            [Problem("indicators", f"one of {', '.join(self.ids)}", value=ident)],
        )

    def merged(self, extra: DefinitionSet) -> IndicatorRegistry:
        """Return a registry with ``extra``'s definitions replacing same-id ones or appended."""
        definitions = {d.id: d for d in self.definitions}
        sources = dict(self.sources)
        for definition in extra.definitions:
            definitions[definition.id] = definition
            sources[definition.id] = extra.source
        sections = {s.id: s for s in self.sections}
        sections.update({s.id: s for s in extra.sections})
        return IndicatorRegistry(tuple(definitions.values()), tuple(sections.values()), sources)

    def _source(self, ident: str) -> str:
        return self.sources.get(ident, BUILTIN_SOURCE)

    def _problems(self) -> list[Problem]:
        problems: list[Problem] = []
        ids = set(self.ids)
        section_ids = {s.id for s in self.sections}
        for definition in self.definitions:
            where = f"{self._source(definition.id)}: indicator '{definition.id}'"
            if definition.id in KEYWORDS or definition.id in FUNCTIONS:
                problems.append(Problem(where, "an id that is not a keyword", column="id"))
            for ref in definition.references():
                if ref not in ids:
                    problems.append(
                        Problem(
                            where, "a reference to a defined indicator", column="rule", value=ref
                        )
                    )
            if section_ids and definition.section not in section_ids:
                problems.append(
                    Problem(
                        where,
                        f"a declared section ({', '.join(sorted(section_ids))})",
                        column="section",
                        value=definition.section,
                    )
                )
        if not problems:
            cycle = self._cycle()
            if cycle:
                problems.append(
                    Problem(
                        f"{self._source(cycle[0])}: indicator '{cycle[0]}'",
                        "indicators that do not depend on themselves",
                        column="rule",
                        value=" → ".join(cycle),
                    )
                )
        return problems

    def _cycle(self) -> list[str] | None:
        graph = {d.id: d.references() for d in self.definitions}
        state: dict[str, int] = {}
        path: list[str] = []

        def visit(node: str) -> list[str] | None:
            state[node] = 1
            path.append(node)
            for nxt in graph[node]:
                if state.get(nxt) == 1:
                    return path[path.index(nxt) :] + [nxt]
                if nxt not in state:
                    found = visit(nxt)
                    if found:
                        return found
            state[node] = 2
            path.pop()
            return None

        for ident in graph:
            if ident not in state:
                found = visit(ident)
                if found:
                    return found
        return None

    def evaluation_order(self) -> list[str]:
        """Ids ordered so that each indicator comes after every indicator it reads."""
        graph = {d.id: d.references() for d in self.definitions}
        order: list[str] = []
        done: set[str] = set()

        def visit(ident: str) -> None:
            if ident in done:
                return
            done.add(ident)
            for ref in graph[ident]:
                visit(ref)
            order.append(ident)

        for ident in graph:
            visit(ident)
        return order

    def resolve_params(self, params: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """Return each definition's parameter values: defaults, then the overrides.

        Parameters
        ----------
        params : mapping, optional
            ``{name: value}`` sets ``name`` in every definition that declares it;
            ``{"id.name": value}`` sets it for definition ``id`` only (and wins). Values given
            as text (from the command line) are converted to the parameter's type.

        Raises
        ------
        InputError
            For unknown names and values of the wrong type or out of range.
        """
        values = {d.id: {k: spec.default for k, spec in d.params.items()} for d in self.definitions}
        params = dict(params or {})
        declared = sorted({name for d in self.definitions for name in d.params})
        problems: list[Problem] = []
        ordered = sorted(params.items(), key=lambda item: "." in item[0])
        for key, raw in ordered:
            ident, _, name = key.rpartition(".")
            targets = [d for d in self.definitions if name in d.params and ident in ("", d.id)]
            if not targets:
                problems.append(
                    Problem(
                        "indicator parameters",
                        f"a declared parameter ({', '.join(declared) or 'none'}), optionally"
                        " as <indicator id>.<parameter>",
                        column=key,
                        value=str(raw),
                        fix=f"correct the parameter's name{suggest(name, declared) or ''}",
                    )
                )
                continue
            for definition in targets:
                spec = definition.params[name]
                value = spec.coerce(raw)
                reason = spec.check(value)
                if reason:
                    problems.append(
                        Problem(
                            f"indicator parameters ({definition.id})",
                            f"{reason} for parameter '{name}' of indicator '{definition.id}'",
                            column=key,
                            value=str(raw),
                            fix=f"give {reason} (the definitions in "
                            "data_schema/indicators.yaml declare it)",
                        )
                    )
                else:
                    values[definition.id][name] = value
        if problems:
            raise InputError("Invalid indicator parameters", problems)
        return values

    def bind(self, params: Mapping[str, Any] | None = None) -> list[BoundIndicator]:
        """Fill in parameters and return the indicators in evaluation order."""
        values = self.resolve_params(params)
        by_id = {d.id: d for d in self.definitions}
        bound: dict[str, BoundIndicator] = {}
        for ident in self.evaluation_order():
            definition = by_id[ident]
            own = values[ident]
            rule = expr_tree.substitute_placeholders(definition.ast, own)
            population = (
                expr_tree.substitute_placeholders(definition.population.ast, own)
                if definition.population
                else None
            )
            exprs = [rule] + ([population] if population is not None else [])
            read = tuple(dict.fromkeys(f for e in exprs for f in expr_ast.fields(e)))
            waves = {f.wave for f in read if f.wave != "person"}
            for ref in definition.references():
                waves |= bound[ref].waves
            bound[ident] = BoundIndicator(
                definition=definition,
                params=own,
                rule=rule,
                population=population,
                fields=read,
                waves=frozenset(waves),
                source=self._source(ident),
            )
        return list(bound.values())


@functools.lru_cache(maxsize=1)
def builtin_registry() -> IndicatorRegistry:
    """Return the built-in definitions shipped in ``data_schema/indicators.yaml``."""
    loaded = load_definitions(data_schema_dir() / BUILTIN_FILE)
    sources = {d.id: BUILTIN_SOURCE for d in loaded.definitions}
    return IndicatorRegistry(loaded.definitions, loaded.sections, sources)


def load_registry(
    definitions: IndicatorRegistry
    | str
    | os.PathLike[str]
    | DefinitionSet
    | Sequence[IndicatorDefinition]
    | None = None,
) -> IndicatorRegistry:
    """Return the registry to compute with.

    Parameters
    ----------
    definitions : None, path, DefinitionSet, list of IndicatorDefinition or IndicatorRegistry
        None gives the built-in set; a path (the study config's ``indicators.definitions``), a
        loaded :class:`DefinitionSet` or a list of definitions is merged on top of the built-in
        set (same id replaces, new id appends); a registry is used as it is.
    """
    if definitions is None:
        return builtin_registry()
    if isinstance(definitions, IndicatorRegistry):
        return definitions
    if isinstance(definitions, str | os.PathLike):
        return builtin_registry().merged(load_definitions(definitions))
    if isinstance(definitions, DefinitionSet):
        return builtin_registry().merged(definitions)
    items = tuple(definitions)
    if not all(isinstance(d, IndicatorDefinition) for d in items):
        raise InputError(
            "Unsupported indicator definitions",
            [
                Problem(
                    "definitions", "None, a YAML path, a registry or IndicatorDefinition objects"
                )
            ],
        )
    return builtin_registry().merged(DefinitionSet(source="user definitions", definitions=items))
