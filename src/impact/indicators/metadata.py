"""The metadata attached to an indicator table (``df.attrs["indicators"]``), kept read-only.

``definitions`` lists, per indicator in column order, its id, version, kind, section, source,
labels, rule and population (canonical text with parameters' field placeholders filled in),
parameters in force, input columns, indicators read and waves; ``params`` repeats the parameters
by indicator; ``missing`` has the missing counts by reason (see :mod:`.missing`).
"""

from __future__ import annotations

from typing import Any

from impact._version import __version__
from impact.indicators import expr_ast
from impact.indicators.registry import BoundIndicator, IndicatorRegistry

METADATA_FORMAT = 1


def _read_only(self: Any, *args: Any, **kwargs: Any) -> None:
    raise TypeError("indicator metadata is read-only; use .to_dict() for a mutable copy")


class FrozenList(list):
    """A read-only list inside :class:`FrozenMetadata` (compares equal to plain lists)."""

    def __deepcopy__(self, memo: dict) -> FrozenList:
        return self

    def __copy__(self) -> FrozenList:
        return self

    def __reduce__(self):
        return (FrozenList, (list(self),))

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = sort = reverse = _read_only  # type: ignore[assignment]


class FrozenMetadata(dict):
    """A read-only dict for ``df.attrs["indicators"]``.

    pandas deep-copies ``attrs`` after nearly every operation; sharing one immutable object
    keeps that free (a plain nested dict cost milliseconds per operation) and stops one table's
    metadata being changed through another. It is still a ``dict`` (nested lists are ``list``
    subclasses), so it compares equal to and serialises like plain JSON data.
    """

    def __deepcopy__(self, memo: dict) -> FrozenMetadata:
        return self

    def __copy__(self) -> FrozenMetadata:
        return self

    def __reduce__(self):
        return (FrozenMetadata, (dict(self),))

    __setitem__ = __delitem__ = __ior__ = _read_only  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]

    def to_dict(self) -> dict:
        """Return an ordinary, mutable deep copy."""
        return _thaw(self)


def freeze(value: Any) -> Any:
    """Return ``value`` with every dict and list replaced by its read-only counterpart."""
    if isinstance(value, dict):
        return FrozenMetadata({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return FrozenList(freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    return value


def build_metadata(
    registry: IndicatorRegistry, bound: list[BoundIndicator], counts: dict[str, dict[str, int]]
) -> dict[str, Any]:
    """Return the ``attrs["indicators"]`` content: definitions, parameters, missing counts."""
    by_id = {b.id: b for b in bound}
    entries = []
    for ident in registry.ids:
        b = by_id[ident]
        d = b.definition
        entries.append(
            {
                "id": d.id,
                "version": d.version,
                "kind": d.kind,
                "section": d.section,
                "source": b.source,
                "label": {"sv": d.label.sv, "en": d.label.en},
                "rule": expr_ast.to_text(b.rule),
                "population": expr_ast.to_text(b.population) if b.population is not None else None,
                "outside_population": d.population.outside if d.population else None,
                "params": dict(b.params),
                "inputs": list(b.columns),
                "indicators_read": d.references(),
                "waves": sorted(b.waves),
            }
        )
    return {
        "format": METADATA_FORMAT,
        "package_version": __version__,
        "definitions": entries,
        "params": {e["id"]: e["params"] for e in entries if e["params"]},
        "missing": {ident: counts[ident] for ident in registry.ids},
    }
