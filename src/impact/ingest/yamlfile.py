"""Read the YAML files users write (mappings, study configs) and explain their mistakes.

:func:`load_yaml` (used by :mod:`impact.ingest.mapping` and :mod:`impact.ingest.config`) reads
a YAML file with YAML 1.2 booleans (only ``true``/``false``), so answer codes such as ``yes``/``no``
and labels such as ``Yes``/``No``/``On`` stay text, and turns syntax errors into an
:class:`~impact.errors.InputError` naming the line and column. It is bounded against hostile
files: files over :data:`MAX_YAML_BYTES`, documents that expand to more than
:data:`MAX_YAML_NODES` values through aliases (``&a`` / ``*a`` "alias bombs"), recursive aliases
and nesting deeper than Python's recursion limit are refused before they use much time or
memory; a key written twice in one mapping is an error naming the key and both lines (PyYAML
would silently keep the last). :func:`require_mapping` refuses a document that is not a mapping.

What is wrong in a document once read (pydantic errors, "did you mean") is said by
:mod:`impact.ingest.yaml_problems`; its names are also importable from here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from impact.errors import InputError, Problem
from impact.ingest.yaml_problems import dotted, pydantic_problems

__all__ = [
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
    "dotted",
    "load_yaml",
    "pydantic_problems",
    "require_mapping",
    "validated_model",
]

#: Largest YAML file read (study files and mappings are a few kB; big questionnaires < 1 MB).
MAX_YAML_BYTES = 5 * 1024 * 1024
#: Most values (scalars, lists, mappings) a document may hold once its aliases are expanded.
MAX_YAML_NODES = 200_000

_MERGE_TAG = "tag:yaml.org,2002:merge"

ModelT = TypeVar("ModelT", bound=BaseModel)


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
    return _parse(_read_text(path, what), str(path), what)


def _read_text(path: Path, what: str) -> str:
    """The file's text; a missing, too large or non-UTF-8 file is an InputError."""
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
        return path.read_text(encoding="utf-8-sig")
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


def _parse(text: str, source: str, what: str) -> Any:
    """The YAML document in ``text``; refused or invalid YAML is an InputError."""
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
        raise _syntax_error(error, source, what) from None
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


def _syntax_error(error: yaml.MarkedYAMLError, source: str, what: str) -> InputError:
    """A YAML syntax error as an InputError naming the line and column."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    where = f"line {line}, column {column}" if line is not None else "an unknown place"
    reason = error.problem or error.context or "invalid syntax"
    return InputError(
        f"The {what} is not valid YAML",
        [
            Problem(
                source=source,
                row=line,
                expected=f"valid YAML; {reason} at {where}",
                fix=_SYNTAX_FIX,
            )
        ],
    )


_SYNTAX_FIX = (
    "correct the line named (indent with spaces, not tabs; put a space after each ':'; quote "
    "texts holding ': ' or starting with a special character)"
)


def validated_model(
    document: Any, model: type[ModelT], *, title: str, source: str, expected: str, fix: str
) -> ModelT:
    """``document`` validated as ``model``; an InputError titled ``title`` when it is not a
    YAML mapping (``expected`` and ``fix`` say what it should be) or does not fit the model
    (every problem with its dotted key).
    """
    document = require_mapping(document, title=title, source=source, expected=expected, fix=fix)
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise InputError(title, pydantic_problems(error, source, model)) from None


def require_mapping(
    document: Any, *, title: str, source: str, expected: str, fix: str
) -> dict[str, Any]:
    """``document`` when it is a YAML mapping; otherwise an InputError titled ``title``.

    Raises
    ------
    InputError
        With one problem naming ``source``, what was ``expected`` and the ``fix``.
    """
    if not isinstance(document, dict):
        raise InputError(title, [Problem(source=source, expected=expected, fix=fix)])
    return document
