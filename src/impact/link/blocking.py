"""Blocking rules for linking at scale: which record pairs are compared at all.

Two rule sets, each a union of equality rules on code elements (``h_e1`` …, keyed hashes)
and the birth year:

``linear`` (default for large waves)
    For each element, *all other elements and the birth year* agree; plus *all elements*
    agree (any birth year). Every rule fixes at least ``k - 1`` elements and the birth year
    (or all ``k`` elements), so blocks stay small whatever the wave size and the comparisons
    grow about linearly with the number of records. A pair still meets a block when one
    element is mistyped, or when the birth year is off but the code is right.
``thorough`` (the default)
    Every pair of elements with the birth year, and every triple of elements: admits up to
    two mistyped elements (or one and a wrong birth year) but the element-pair blocks grow
    quadratically with size. Use it for small and medium waves, or to reproduce
    :func:`impact.link.link_waves` exactly.
"""

from __future__ import annotations

from typing import Literal, get_args

from impact.errors import InputError, Problem
from impact.link.probabilistic import blocking_rules as link_blocking_rules

Blocking = Literal["linear", "thorough"]
BLOCKINGS: tuple[str, ...] = get_args(Blocking)


def check_blocking(blocking: object) -> Blocking:
    """Return ``blocking`` when it names a rule set, else raise :class:`InputError`."""
    if blocking not in BLOCKINGS:
        raise InputError(
            "Unknown blocking rule set",
            [
                Problem(
                    "linking",
                    f"one of {', '.join(BLOCKINGS)}",
                    column="blocking",
                    value=repr(blocking),
                )
            ],
        )
    return blocking  # type: ignore[return-value]


def blocking_keys(elements: list[str], blocking: Blocking) -> list[tuple[str, ...]]:
    """The columns each rule requires to be equal, in rule order.

    Parameters
    ----------
    elements : list of str
        Element hash columns (``h_e1`` …).
    blocking : {"linear", "thorough"}
        The rule set.
    """
    if blocking == "thorough":
        return [_columns(rule["blocking_rule"]) for rule in link_blocking_rules(elements)]
    if len(elements) == 1:
        return [(elements[0],)]
    keys = [tuple(e for e in elements if e != left_out) + ("birth_year",) for left_out in elements]
    keys.append(tuple(elements))
    return keys


def _columns(rule: str) -> tuple[str, ...]:
    """Columns of an ``l."x" = r."x" AND …`` rule (the form :mod:`impact.link` writes)."""
    parts = [p.strip() for p in rule.split(" AND ")]
    return tuple(p.split("=")[0].strip().removeprefix("l.").strip('"') for p in parts)


def splink_rules(keys: list[tuple[str, ...]]) -> list[dict[str, str]]:
    """Splink ``blocking_rules_to_generate_predictions`` for the given key columns."""
    return [{"blocking_rule": " AND ".join(f'l."{c}" = r."{c}"' for c in key)} for key in keys]


def n_rules(elements: list[str], blocking: Blocking) -> int:
    """Number of rules in the set (for reports)."""
    return len(blocking_keys(elements, blocking))


__all__ = [
    "BLOCKINGS",
    "Blocking",
    "blocking_keys",
    "check_blocking",
    "n_rules",
    "splink_rules",
]
