"""Read the YAML files users write (mappings, study configs) and explain their mistakes.

Two jobs, shared by :mod:`impact.ingest.mapping` and :mod:`impact.config`:

* :func:`load_yaml` reads a YAML file with YAML 1.2 booleans (only ``true``/``false``), so
  answer codes such as ``yes``/``no`` and labels such as ``Yes``/``No``/``On`` stay text, and
  turns syntax errors into an :class:`~impact.errors.InputError` naming the line and column.
  It is bounded against hostile files: files over :data:`MAX_YAML_BYTES`, documents that
  expand to more than :data:`MAX_YAML_NODES` values through aliases (``&a`` / ``*a`` "alias
  bombs"), recursive aliases and nesting deeper than Python's recursion limit are refused
  before they use much time or memory; a key written twice in one mapping is an error naming
  the key and both lines (PyYAML would silently keep the last).
* :func:`pydantic_problems` turns a pydantic ``ValidationError`` into
  :class:`~impact.errors.Problem` rows with the dotted key path (``analysis.targets``) and, for
  misspelt keys or choices, a "did you mean" suggestion found with :mod:`difflib`.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from impact.errors import InputError, Problem
from impact.validation import suggest

__all__ = [
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
    "dotted",
    "load_yaml",
    "pydantic_problems",
    "suggest",
]

#: Largest YAML file read (study files and mappings are a few kB; big questionnaires < 1 MB).
MAX_YAML_BYTES = 5 * 1024 * 1024
#: Most values (scalars, lists, mappings) a document may hold once its aliases are expanded.
MAX_YAML_NODES = 200_000

_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Refused(Exception):
    """A YAML document refused before it is built (carries the problem, without the source)."""

    def __init__(
        self, summary: str, expected: str, fix: str, line: int | None = None, key=None
    ) -> None:
        super().__init__(summary)
        self.summary = summary
        self.expected = expected
        self.fix = fix
        self.line = line
        self.key = key


def _expanded_size(root: yaml.Node) -> int:
    """Values in the document once every alias is expanded; stops past MAX_YAML_NODES.

    Raises
    ------
    _Refused
        When the document expands past the budget or an alias refers to a node holding it.
    """
    sizes: dict[int, int | None] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            known = sizes[key]
            if known is None:
                raise _Refused(
                    "uses a recursive alias",
                    "no alias inside the value it refers to (a recursive alias)",
                    "write the value out instead of referring to itself",
                    node.start_mark.line + 1,
                )
            return known
        sizes[key] = None
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_YAML_NODES:
                raise _Refused(
                    "expands to too many values",
                    f"at most {MAX_YAML_NODES:,} values once aliases (*name) are expanded; "
                    "this file expands to more (an alias bomb)",
                    "write the values out instead of nesting aliases of aliases",
                    node.start_mark.line + 1,
                )
        sizes[key] = total
        return total

    return size(root)


class _Loader(yaml.SafeLoader):
    """Safe loader whose booleans are only ``true`` and ``false`` (as in YAML 1.2).

    It also refuses a key written twice in one mapping and documents that alias expansion
    would make huge (see :func:`_expanded_size`).
    """

    def compose_mapping_node(self, anchor):
        """Compose a mapping; refuse a key written twice (naming the key and both lines)."""
        node = super().compose_mapping_node(anchor)
        lines: dict[tuple[str, str], int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = (key_node.tag, key_node.value)
            line = key_node.start_mark.line + 1
            if key in lines:
                raise _Refused(
                    f"has the key '{key_node.value}' twice",
                    f"each key once in a mapping; '{key_node.value}' is on line {lines[key]} "
                    f"and line {line}",
                    "delete one of the two lines, or merge their values under one key",
                    line,
                    key_node.value,
                )
            lines[key] = line
        return node

    def construct_document(self, node):
        """Build the document once its expanded size is known to be within the budget."""
        _expanded_size(node)
        return super().construct_document(node)


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
            [
                Problem(
                    source=source,
                    expected=f"an existing {what} (file not found)",
                    fix="check the path (relative paths are read from the current folder)",
                )
            ],
        )
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise InputError(
            f"The {what} is too large",
            [
                Problem(
                    source=source,
                    value=f"{size / 2**20:.1f} MB",
                    expected=f"a {what} of at most {MAX_YAML_BYTES // 2**20} MB",
                    fix=f"check that this is the {what} (they are a few kB); a data export "
                    "belongs under inputs:, not here",
                )
            ],
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"The {what} could not be read",
            [
                Problem(
                    source=source,
                    expected=f"a UTF-8 text file ({error.reason} at byte {error.start})",
                    fix="save the file again as UTF-8 text in a text editor",
                )
            ],
        ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except _Refused as refused:
        raise InputError(
            f"The {what} {refused.summary}",
            [
                Problem(
                    source=source,
                    row=refused.line,
                    column=refused.key,
                    expected=refused.expected,
                    fix=refused.fix,
                )
            ],
        ) from None
    except RecursionError:
        raise InputError(
            f"The {what} is nested too deeply",
            [
                Problem(
                    source=source,
                    expected="YAML nested at most a few hundred levels deep",
                    fix="check that this is the right file; a study file or mapping is "
                    "nested a few levels deep",
                )
            ],
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        where = f"line {line}, column {column}" if line is not None else "an unknown place"
        reason = error.problem or error.context or "invalid syntax"
        raise InputError(
            f"The {what} is not valid YAML",
            [
                Problem(
                    source=source,
                    row=line,
                    expected=f"valid YAML; {reason} at {where}",
                    fix=_SYNTAX_FIX,
                )
            ],
        ) from None
    except yaml.YAMLError as error:
        raise InputError(
            f"The {what} is not valid YAML",
            [
                Problem(
                    source=source,
                    expected=f"valid YAML ({error})",
                    fix=f"check that this is the {what}, saved as UTF-8 text (it holds "
                    "characters YAML does not allow)",
                )
            ],
        ) from None


_SYNTAX_FIX = (
    "correct the line named (indent with spaces, not tabs; put a space after each ':'; quote "
    "texts holding ': ' or starting with a special character)"
)


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
