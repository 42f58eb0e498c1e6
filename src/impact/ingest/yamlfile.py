"""Read the YAML files users write (mappings, study configs) and explain their mistakes.

Two jobs, shared by :mod:`impact.ingest.mapping` and :mod:`impact.config`:

* :func:`load_yaml` reads a YAML file with YAML 1.2 booleans (only ``true``/``false``), so
  answer codes such as ``yes``/``no`` and labels such as ``Yes``/``No``/``On`` stay text, and
  turns syntax errors into an :class:`~impact.errors.InputError` naming the line and column.
* :func:`pydantic_problems` turns a pydantic ``ValidationError`` into
  :class:`~impact.errors.Problem` rows with the dotted key path (``analysis.targets``) and, for
  misspelt keys or choices, a "did you mean" suggestion found with :mod:`difflib`.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from impact.errors import InputError, Problem

__all__ = ["dotted", "load_yaml", "pydantic_problems", "suggest"]


class _Loader(yaml.SafeLoader):
    """Safe loader whose booleans are only ``true`` and ``false`` (as in YAML 1.2)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_yaml(path: str | Path, what: str = "YAML file") -> Any:
    """Read a YAML file; syntax errors become an InputError naming line and column.

    Parameters
    ----------
    path : path
        The file to read.
    what : str
        What the file is, for messages (e.g. ``"study config"``).

    Returns
    -------
    object
        The parsed document (``None`` for an empty file).

    Raises
    ------
    InputError
        When the file is missing, unreadable or not valid YAML.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError(
            f"The {what} was not found",
            [Problem(source=source, expected=f"an existing {what} (file not found)")],
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"The {what} could not be read",
            [Problem(source=source, expected=f"a UTF-8 text file ({error.reason})")],
        ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        where = f"line {line}, column {column}" if line is not None else "an unknown place"
        reason = error.problem or error.context or "invalid syntax"
        raise InputError(
            f"The {what} is not valid YAML",
            [Problem(source=source, row=line, expected=f"valid YAML; {reason} at {where}")],
        ) from None
    except yaml.YAMLError as error:
        raise InputError(
            f"The {what} is not valid YAML",
            [Problem(source=source, expected=f"valid YAML ({error})")],
        ) from None


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


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
        problems.append(Problem(source=source, column=key or None, value=shown, expected=expected))
    return problems
