"""Parse rule text into the syntax tree of :mod:`.expr_ast` (a hand-written recursive descent).

Grammar (loosest binding first)::

    expr        := or_expr
    or_expr     := and_expr ("or" and_expr)*
    and_expr    := not_expr ("and" not_expr)*
    not_expr    := "not" not_expr | comparison
    comparison  := additive [ ("=="|"!="|"<"|"<="|">"|">=") additive
                             | ["not"] "in" "[" item ("," item)* "]" ]
    additive    := unary (("+"|"-") unary)*
    unary       := "-" unary | primary
    primary     := NUMBER | STRING | "true" | "false" | "$" NAME
                 | WAVE "." NAME | NAME "(" arguments ")" | NAME | "(" expr ")"
    arguments   := [ argument ("," argument)* ]   where argument := expr | NAME "=" expr
    item        := NUMBER | STRING | "true" | "false" | "-" NUMBER | "$" NAME

``WAVE`` is ``b``, ``r``, ``f1``, ``f2``, … or ``person``. Field names may hold ``{param}``
placeholders (``r.interviews_{reference_period_months}m``). Nothing is ever evaluated as Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from impact.errors import ExpressionError
from impact.indicators import expr_ast as ast

#: Functions the language knows: name → (minimum arguments, maximum or None, option names).
FUNCTIONS: dict[str, tuple[int, int | None, tuple[str, ...]]] = {
    "count": (1, None, ("missing",)),
    "is_missing": (1, 1, ()),
}
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<param>\$[A-Za-z_][A-Za-z0-9_]*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\{[a-z][a-z0-9_]*\}[A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\(|\)|\[|\]|,|\.|=)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind, its text and where it starts."""

    kind: str
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    """Split rule text into tokens; raise :class:`ExpressionError` on an unknown character."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(f"unexpected character {text[position]!r}", text, position)
        kind = match.lastgroup or ""
        if kind != "space":
            word = match.group()
            if kind == "name" and word in KEYWORDS:
                kind = "keyword"
            tokens.append(Token(kind, word, position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".eE") else int(text)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def error(self, message: str, token: Token | None = None) -> ExpressionError:
        token = token or self.current
        return ExpressionError(message, self.text, token.position)

    def accept(self, text: str) -> bool:
        if self.current.kind in ("op", "keyword") and self.current.text == text:
            self.index += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            found = self.current.text or "end of rule"
            raise self.error(f"expected '{text}' but found '{found}'")

    def parse(self) -> ast.Node:
        if self.current.kind == "end":
            raise self.error("the rule is empty")
        node = self.or_expr()
        if self.current.kind != "end":
            raise self.error(f"unexpected '{self.current.text}'")
        return node

    def or_expr(self) -> ast.Node:
        operands = [self.and_expr()]
        while self.accept("or"):
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else ast.Logical("or", tuple(operands))

    def and_expr(self) -> ast.Node:
        operands = [self.not_expr()]
        while self.accept("and"):
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else ast.Logical("and", tuple(operands))

    def not_expr(self) -> ast.Node:
        if self.accept("not"):
            return ast.Not(self.not_expr())
        return self.comparison()

    def comparison(self) -> ast.Node:
        left = self.additive()
        token = self.current
        if token.kind == "op" and token.text in ast.COMPARE_OPS:
            self.index += 1
            node: ast.Node = ast.Compare(token.text, left, self.additive())
        elif self.accept("in"):
            node = ast.In(left, self.items(), negated=False)
        elif token.kind == "keyword" and token.text == "not" and self.peek().text == "in":
            self.index += 2
            node = ast.In(left, self.items(), negated=True)
        else:
            return left
        following = self.current
        if following.kind == "op" and following.text in ast.COMPARE_OPS or following.text == "in":
            raise self.error("comparisons cannot be chained; use 'and'", following)
        return node

    def items(self) -> tuple[ast.Node, ...]:
        self.expect("[")
        items = [self.item()]
        while self.accept(","):
            items.append(self.item())
        self.expect("]")
        return tuple(items)

    def item(self) -> ast.Node:
        token = self.current
        if token.kind == "op" and token.text == "-" and self.peek().kind == "number":
            self.index += 2
            return ast.Literal(-_number(self.tokens[self.index - 1].text))
        if token.kind in ("number", "string", "param") or token.text in ("true", "false"):
            return self.primary()
        raise self.error("list items must be numbers, texts, true/false or $parameters")

    def additive(self) -> ast.Node:
        node = self.unary()
        while self.current.kind == "op" and self.current.text in ("+", "-"):
            op = self.current.text
            self.index += 1
            node = ast.Arith(op, node, self.unary())
        return node

    def unary(self) -> ast.Node:
        if self.accept("-"):
            operand = self.unary()
            if isinstance(operand, ast.Literal) and isinstance(operand.value, int | float):
                if not isinstance(operand.value, bool):
                    return ast.Literal(-operand.value)
            return ast.Negate(operand)
        return self.primary()

    def primary(self) -> ast.Node:
        token = self.current
        if token.kind == "number":
            self.index += 1
            return ast.Literal(_number(token.text))
        if token.kind == "string":
            self.index += 1
            return ast.Literal(_unquote(token.text))
        if token.kind == "param":
            self.index += 1
            return ast.Param(token.text[1:])
        if token.kind == "keyword" and token.text in ("true", "false"):
            self.index += 1
            return ast.Literal(token.text == "true")
        if self.accept("("):
            node = self.or_expr()
            self.expect(")")
            return node
        if token.kind == "name":
            return self.name_expr()
        found = token.text or "end of rule"
        raise self.error(f"expected a value, field, indicator or '(' but found '{found}'")

    def name_expr(self) -> ast.Node:
        token = self.current
        self.index += 1
        if self.accept("."):
            if not ast.WAVE_PATTERN.match(token.text):
                raise self.error(
                    f"unknown wave prefix '{token.text}' (use b, r, f1, f2, … or person)", token
                )
            name = self.current
            if name.kind != "name":
                raise self.error("expected a field name after '.'")
            self.index += 1
            return ast.Field(token.text, name.text)
        if "{" in token.text:
            raise self.error("{placeholders} are only allowed in field names", token)
        if self.accept("("):
            return self.call(token)
        return ast.Ref(token.text)

    def call(self, token: Token) -> ast.Node:
        if token.text not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise self.error(f"unknown function '{token.text}' (known: {known})", token)
        minimum, maximum, option_names = FUNCTIONS[token.text]
        args: list[ast.Node] = []
        options: list[tuple[str, ast.Node]] = []
        if not self.accept(")"):
            while True:
                if self.current.kind == "name" and self.peek().text == "=":
                    option = self.current
                    if option.text not in option_names:
                        raise self.error(
                            f"'{token.text}' has no option '{option.text}'"
                            f" (options: {', '.join(option_names) or 'none'})",
                            option,
                        )
                    self.index += 2
                    options.append((option.text, self.or_expr()))
                elif options:
                    raise self.error("positional arguments must come before options")
                else:
                    args.append(self.or_expr())
                if not self.accept(","):
                    break
            self.expect(")")
        if len(args) < minimum or (maximum is not None and len(args) > maximum):
            wanted = f"{minimum}" if maximum == minimum else f"at least {minimum}"
            raise self.error(f"'{token.text}' takes {wanted} argument(s), got {len(args)}", token)
        return ast.Call(token.text, tuple(args), tuple(options))


def parse(text: str) -> ast.Node:
    """Parse rule text into an expression tree.

    Parameters
    ----------
    text : str
        The rule, e.g. ``"b.employment == 'none' and r.employment in ['part_time', 'full_time']"``.

    Returns
    -------
    Node
        The syntax tree.

    Raises
    ------
    ExpressionError
        With the reason and the character position of the problem.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"a rule must be text, got {type(text).__name__}", str(text), 0)
    return _Parser(text).parse()
