"""The rule language's syntax tree: node types, canonical text, JSON form and readable rendering.

Indicator rules are small expressions over wave fields (``b.employment``), other indicators
(``got_job``) and parameters (``$min_small_steps``). They are parsed (:mod:`.expr_parser`) into
the immutable tree defined here and evaluated with pandas (:mod:`.expr_eval`). The tree is plain
data, so it can also be written as JSON (:func:`impact.indicators.expr_tree.to_dict`) or
translated to another language such as SQL; nothing in it is Python code.

Node types
----------
``Literal``   a number, a text in quotes, ``true`` or ``false``
``Param``     ``$name``: a parameter of the definition
``Field``     ``wave.name``: a column of the linked panel (``b.x`` → ``b_x``, ``person.x`` → ``x``)
``Ref``       ``name``: the value of another indicator
``Not``       ``not x``
``Logical``   ``x and y and …`` / ``x or y or …``
``Compare``   ``x == y``, ``!=``, ``<``, ``<=``, ``>``, ``>=``
``In``        ``x in [a, b]`` / ``x not in [a, b]``
``Arith``     ``x + y``, ``x - y``
``Negate``    ``-x``
``Call``      ``count(a, b, …, missing=…)``, ``is_missing(x)``
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal as TLiteral

from impact.errors import InternalError
from impact.i18n import LANGUAGES, section_tree

Scalar = bool | int | float | str

#: Wave prefixes a field may carry: baseline, result, follow-ups and person-level columns.
WAVE_PATTERN = re.compile(r"^(b|r|f[1-9][0-9]*|person)$")
#: ``{param}`` placeholders allowed inside field names (resolved when parameters are bound).
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")

COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Literal:
    """A constant: number, text or boolean."""

    value: Scalar


@dataclass(frozen=True)
class Param:
    """A reference to a parameter of the definition (``$name``)."""

    name: str


@dataclass(frozen=True)
class Field:
    """A column of the linked panel: ``wave.name`` (``person`` means no prefix)."""

    wave: str
    name: str

    @property
    def column(self) -> str:
        """The panel column this field reads (``b.employment`` → ``b_employment``)."""
        return self.name if self.wave == "person" else f"{self.wave}_{self.name}"


@dataclass(frozen=True)
class Ref:
    """The value of another indicator."""

    name: str


@dataclass(frozen=True)
class Not:
    """Logical negation (three-valued: ``not missing`` is missing)."""

    operand: Node


@dataclass(frozen=True)
class Logical:
    """``and`` / ``or`` over two or more operands (three-valued Kleene logic)."""

    op: TLiteral["and", "or"]
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    """A comparison of two values; missing when either side is missing."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class In:
    """Membership in a list of constants or parameters; missing when the value is missing."""

    operand: Node
    items: tuple[Node, ...]
    negated: bool = False


@dataclass(frozen=True)
class Arith:
    """Addition or subtraction of two numbers; missing when either is missing."""

    op: TLiteral["+", "-"]
    left: Node
    right: Node


@dataclass(frozen=True)
class Negate:
    """Arithmetic negation."""

    operand: Node


@dataclass(frozen=True)
class Call:
    """A call of a built-in function with positional arguments and keyword options."""

    name: str
    args: tuple[Node, ...]
    options: tuple[tuple[str, Node], ...] = ()


Node = Literal | Param | Field | Ref | Not | Logical | Compare | In | Arith | Negate | Call

# Binding strength, loosest first; used to place parentheses when writing text.
_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "arith": 5, "negate": 6, "atom": 7}


def _precedence(node: Node) -> int:
    if isinstance(node, Logical):
        return _PRECEDENCE[node.op]
    if isinstance(node, Not):
        return _PRECEDENCE["not"]
    if isinstance(node, Compare | In):
        return _PRECEDENCE["compare"]
    if isinstance(node, Arith):
        return _PRECEDENCE["arith"]
    if isinstance(node, Negate):
        return _PRECEDENCE["negate"]
    return _PRECEDENCE["atom"]


def children(node: Node) -> Iterator[Node]:
    """Yield the direct sub-expressions of ``node``."""
    if isinstance(node, Not | Negate):
        yield node.operand
    elif isinstance(node, Logical):
        yield from node.operands
    elif isinstance(node, Compare | Arith):
        yield node.left
        yield node.right
    elif isinstance(node, In):
        yield node.operand
        yield from node.items
    elif isinstance(node, Call):
        yield from node.args
        for _, value in node.options:
            yield value


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and every node below it (depth first)."""
    yield node
    for child in children(node):
        yield from walk(child)


def fields(node: Node) -> list[Field]:
    """Return the distinct fields read by the expression, in order of appearance."""
    return list(dict.fromkeys(n for n in walk(node) if isinstance(n, Field)))


def refs(node: Node) -> list[str]:
    """Return the distinct indicator names referenced by the expression."""
    return list(dict.fromkeys(n.name for n in walk(node) if isinstance(n, Ref)))


def params(node: Node) -> list[str]:
    """Return the parameters used, including ``{placeholders}`` in field names."""
    names: list[str] = []
    for n in walk(node):
        if isinstance(n, Param):
            names.append(n.name)
        elif isinstance(n, Field):
            names.extend(PLACEHOLDER.findall(n.name))
    return list(dict.fromkeys(names))


def _literal_text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(value)


def to_text(node: Node) -> str:
    """Write the expression in the canonical rule syntax (parses back to an equal tree)."""

    def wrap(child: Node, minimum: int) -> str:
        text = to_text(child)
        return f"({text})" if _precedence(child) < minimum else text

    if isinstance(node, Literal):
        return _literal_text(node.value)
    if isinstance(node, Param):
        return f"${node.name}"
    if isinstance(node, Field):
        return f"{node.wave}.{node.name}"
    if isinstance(node, Ref):
        return node.name
    if isinstance(node, Not):
        return f"not {wrap(node.operand, _PRECEDENCE['not'])}"
    if isinstance(node, Logical):
        inner = _PRECEDENCE[node.op] + 1
        return f" {node.op} ".join(wrap(o, inner) for o in node.operands)
    if isinstance(node, Compare):
        level = _PRECEDENCE["compare"] + 1
        return f"{wrap(node.left, level)} {node.op} {wrap(node.right, level)}"
    if isinstance(node, In):
        items = ", ".join(to_text(i) for i in node.items)
        keyword = "not in" if node.negated else "in"
        return f"{wrap(node.operand, _PRECEDENCE['compare'] + 1)} {keyword} [{items}]"
    if isinstance(node, Arith):
        level = _PRECEDENCE["arith"]
        return f"{wrap(node.left, level)} {node.op} {wrap(node.right, level + 1)}"
    if isinstance(node, Negate):
        return f"-{wrap(node.operand, _PRECEDENCE['negate'])}"
    if isinstance(node, Call):
        parts = [to_text(a) for a in node.args]
        parts += [f"{name}={to_text(value)}" for name, value in node.options]
        return f"{node.name}({', '.join(parts)})"
    raise InternalError(f"not an expression node: {node!r}")


_WORDS: dict[str, dict] = {lang: section_tree("labels.expressions", lang) for lang in LANGUAGES}
_SYMBOLS = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def _wave_word(wave: str, words: dict) -> str:
    if wave.startswith("f") and wave[1:].isdigit():
        return f"{words['waves']['f']} {wave[1:]}"
    return words["waves"][wave]


def render(node: Node, lang: TLiteral["sv", "en"], values: dict[str, Scalar] | None = None) -> str:
    """Render the expression readably in Swedish or English for the codebook.

    Parameters
    ----------
    node : Node
        The expression.
    lang : {"sv", "en"}
        Language of the connecting words and wave names.
    values : dict, optional
        Parameter values; when given, each ``$name`` is shown with its value.
    """
    words = _WORDS[lang]
    values = values or {}

    def wrap(child: Node, minimum: int) -> str:
        text = render(child, lang, values)
        return f"({text})" if _precedence(child) < minimum else text

    if isinstance(node, Literal):
        if isinstance(node.value, bool):
            return words["true"] if node.value else words["false"]
        return f"“{node.value}”" if isinstance(node.value, str) else repr(node.value)
    if isinstance(node, Param):
        shown = values.get(node.name)
        return node.name if shown is None else f"{node.name} (= {shown})"
    if isinstance(node, Field):
        return f"{node.name} [{_wave_word(node.wave, words)}]"
    if isinstance(node, Ref):
        return f"«{node.name}»"
    if isinstance(node, Not):
        return f"{words['not']} {wrap(node.operand, _PRECEDENCE['not'])}"
    if isinstance(node, Logical):
        inner = _PRECEDENCE[node.op] + 1
        return f" {words[node.op]} ".join(wrap(o, inner) for o in node.operands)
    if isinstance(node, Compare):
        level = _PRECEDENCE["compare"] + 1
        return f"{wrap(node.left, level)} {_SYMBOLS[node.op]} {wrap(node.right, level)}"
    if isinstance(node, In):
        items = ", ".join(render(i, lang, values) for i in node.items)
        keyword = words["not in" if node.negated else "in"]
        return f"{wrap(node.operand, _PRECEDENCE['compare'] + 1)} {keyword} {{{items}}}"
    if isinstance(node, Arith):
        level = _PRECEDENCE["arith"]
        right = wrap(node.right, level + 1)
        return f"{wrap(node.left, level)} {'−' if node.op == '-' else '+'} {right}"
    if isinstance(node, Negate):
        return f"−{wrap(node.operand, _PRECEDENCE['negate'])}"
    if isinstance(node, Call):
        args = ", ".join(render(a, lang, values) for a in node.args)
        if node.name == "is_missing":
            return f"{args} {words['is_missing']}"
        options = "; ".join(f"{k} = {render(v, lang, values)}" for k, v in node.options)
        label = words.get(node.name, node.name)
        return f"{label} ({args}{'; ' + options if options else ''})"
    raise InternalError(f"not an expression node: {node!r}")
