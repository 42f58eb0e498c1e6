"""What is wrong in a YAML document the user wrote, in words: :func:`pydantic_problems` turns a
pydantic ``ValidationError`` into :class:`~impact.errors.Problem` rows with the dotted key path
(``analysis.targets``) and, for misspelt keys or choices, a "did you mean" suggestion
(:func:`impact.validation.suggest`).
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from impact.errors import Problem
from impact.validation import suggest

__all__ = ["dotted", "pydantic_problems"]


def dotted(loc: typing.Sequence[Any]) -> str:
    """Render a pydantic location as a dotted key path: ``inputs.followup[1]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _model_at(model: type[BaseModel], loc: typing.Sequence[Any]) -> type[BaseModel] | None:
    """Follow field names along ``loc`` through nested models; None when it leaves models."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = field.annotation
        if typing.get_origin(current) in (typing.Union, types.UnionType):
            models = [
                a
                for a in typing.get_args(current)
                if isinstance(a, type) and issubclass(a, BaseModel)
            ]
            current = models[0] if models else None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _expected(err: dict[str, Any], model: type[BaseModel]) -> str:
    """Words for what a pydantic error expected, with a suggestion where one helps."""
    kind = err["type"]
    loc = err["loc"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = sorted(parent.model_fields) if parent is not None else []
        hint = suggest(loc[-1], allowed)
        listing = f" (allowed keys: {', '.join(allowed)})" if allowed else ""
        return f"a known key: '{loc[-1]}' is an unknown key{hint}{listing}"
    if kind == "missing":
        return "this key, which is required"
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = suggest(err.get("input"), choices)
        return f"one of {ctx.get('expected', '')}{hint}"
    message = str(err.get("msg", "a valid value"))
    message = re.sub(r"^(Value error|Assertion failed), ", "", message)
    message = re.sub(r"^Input should be ", "", message)
    if message.startswith(("less", "greater")):
        message = f"a value {message}"
    return message[0].lower() + message[1:] if message else "a valid value"


_LIMITS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def _fix(err: dict[str, Any], key: str) -> str:
    """How to fix one pydantic error at ``key``."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return "correct the spelling of the key, or delete it"
    if kind == "missing":
        return f"add the key {key}"
    if kind in ("literal_error", "enum"):
        return "write one of the values listed"
    value = err.get("input")
    limit = (err.get("ctx") or {}).get("lt", (err.get("ctx") or {}).get("le"))
    percent = isinstance(value, int | float) and not isinstance(value, bool) and 2 <= value <= 100
    if kind in ("less_than", "less_than_equal") and limit == 1 and percent:
        return f"give a proportion, not a percentage (e.g. {value / 100:g} for {value:g} %)"
    if kind in _LIMITS:
        return "change the value to one within the limit"
    return f"correct the value of {key}" if key else "correct the file"


def pydantic_problems(
    error: ValidationError, source: str, model: type[BaseModel], prefix: str = ""
) -> list[Problem]:
    """Convert a pydantic ValidationError into Problems with dotted key paths.

    Parameters
    ----------
    error : pydantic.ValidationError
        The error raised when validating ``model``.
    source : str
        The file the document came from.
    model : type
        The model that was validated (used to list allowed keys for misspelt ones).
    prefix : str
        Dotted path to put in front of every key (when ``model`` is a sub-document).

    Returns
    -------
    list of Problem
    """
    problems = []
    for err in error.errors(include_url=False):
        key = dotted(err["loc"])
        if prefix:
            key = f"{prefix}.{key}" if key else prefix
        value = err.get("input")
        shown = None
        if err["type"] not in ("missing", "extra_forbidden") and not isinstance(value, dict):
            shown = str(value)
        expected = _expected(err, model)
        keyed = re.match(r"^([A-Za-z_][\w.]*): (.+)$", expected, flags=re.DOTALL)
        if keyed and err["type"] == "value_error":
            # cross-field rules name their key first: "inputs.randomisation: a list, because ..."
            key = f"{key}.{keyed.group(1)}" if key else keyed.group(1)
            expected, shown = keyed.group(2), None
        expected, _, fix = expected.partition("; fix: ")  # a validator may name the fix
        problems.append(
            Problem(
                source=source,
                column=key or None,
                value=shown,
                expected=expected,
                fix=fix or _fix(err, key),
            )
        )
    return problems
