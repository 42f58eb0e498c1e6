"""Validation of option values at the public boundary: the package's one ``check_choice``.

Every analysis checks its ``Literal`` options (``se_type``, ``method``, ``conf_type``, …) with
:func:`check_choice`; the message names the option, the value given, the allowed values and,
for a near miss, the closest one: ``method: got 'pooledd' — expected one of 'unpooled',
'pooled', 'arcsine'; fix: give one of these; did you mean 'pooled'?``. Languages are checked by
:func:`impact.i18n.check_lang`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TypeVar, get_args

from impact.errors import ChoiceError, ImpactError, InputError

T = TypeVar("T")


def allowed_values(allowed: object) -> tuple:
    """The allowed values: a ``Literal`` type's arguments, or the items of a sequence."""
    if isinstance(allowed, list | tuple | frozenset | set):
        return tuple(allowed)
    return get_args(allowed)


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def check_choice(
    name: str,
    value: T,
    allowed: object,
    *,
    error: type[ImpactError] = ChoiceError,
) -> T:
    """Return ``value`` if it is one of ``allowed`` (a ``Literal`` type or a sequence).

    Parameters
    ----------
    name : str
        The option's name, as the user writes it.
    value : object
        The value given.
    allowed : Literal type or sequence
        The allowed values.
    error : type of ImpactError
        The exception raised (default :class:`~impact.errors.ChoiceError`, an
        :class:`~impact.errors.InputError`).

    Raises
    ------
    ImpactError
        ``error`` naming the option, the value and the allowed values.
    """
    options = allowed_values(allowed)
    if value in options:
        return value
    listed = ", ".join(map(repr, options))
    hint = suggest(str(value), [str(a) for a in options])
    raise error(f"{name}: got {value!r} — expected one of {listed}; fix: give one of these{hint}")


def check_level(level: object, name: str = "confidence level") -> float:
    """Return a confidence level as a float after checking it lies strictly between 0 and 1.

    Raises
    ------
    InputError
        Naming ``name`` (the option as the user writes it) when ``level`` is not in (0, 1).
    """
    try:
        value = float(level)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if not 0.0 < value < 1.0:
        raise InputError(
            f"{name} must be a number strictly between 0 and 1 (e.g. 0.95), got {level!r}"
        )
    return value
