"""Compile indicator rules (the expression tree of :mod:`impact.indicators.expr_ast`) to SQL.

Each definition becomes one SQL expression that gives exactly what the pandas evaluator
(:mod:`impact.indicators.expr_eval`) and :func:`impact.indicators.compute_indicators` give:

* SQL's ``NULL`` is the missing answer and SQL's three-valued logic is the rules' Kleene logic:
  ``FALSE AND NULL`` is ``FALSE``, ``TRUE OR NULL`` is ``TRUE``, ``NOT NULL`` is ``NULL``;
  comparisons, ``IN`` lists (which never hold ``NULL``) and arithmetic are ``NULL`` when an
  operand is;
* a panel column without any answer is the "no answers" kind: it becomes a typed ``NULL`` of
  the kind its use needs, as in pandas;
* ``count(…, missing='answered')`` is ``NULL`` when no item is answered, else the number of
  true items; ``missing='strict'`` is ``NULL`` when any item is missing;
* ``is_missing(x)`` is ``x IS NULL``;
* then, as in ``compute_indicators``: the population (outside → ``NULL``, or ``pop AND rule``
  when ``outside: false``), and ``NULL`` for persons who did not answer a wave the indicator
  reads (``NOT COALESCE(responded_<wave>, FALSE)``).

Kinds are checked while compiling, with the evaluator's :class:`EvaluationError` messages, so a
rule that fails in pandas fails the same way here. Only constants and parameters may give
``count``'s ``missing`` option (the one documented difference: pandas would read a column's
first value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from impact.engines.dialect import Dialect
from impact.indicators import expr_ast as ast
from impact.indicators.expr_eval import (
    KIND_WORDS,
    EvaluationError,
    Kind,
    check_count_mode,
    list_kind,
    scalar_kind,
)
from impact.indicators.registry import BoundIndicator

_SQL_OPS = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@dataclass(frozen=True)
class Sql:
    """A compiled sub-expression: SQL text and the kind of value it gives."""

    text: str
    kind: Kind


class SqlCompiler:
    """Compile expression trees for one definition.

    Parameters
    ----------
    dialect : Dialect
        DuckDB or Spark.
    column_kinds : mapping
        Panel column → kind (``boolean``, ``number``, ``string``, ``null`` for a column with no
        answers, or ``datetime``/``other`` which rules cannot use).
    indicator_kinds : mapping
        Already compiled indicators → ``boolean`` or ``number``.
    params : mapping
        Parameter values of the definition.
    """

    def __init__(
        self,
        dialect: Dialect,
        column_kinds: Mapping[str, str],
        indicator_kinds: Mapping[str, str],
        params: Mapping[str, ast.Scalar],
    ):
        self.dialect = dialect
        self.column_kinds = column_kinds
        self.indicator_kinds = indicator_kinds
        self.params = params

    def compile(self, node: ast.Node) -> Sql:
        """Return the SQL of ``node`` and its kind."""
        method = getattr(self, f"_sql_{type(node).__name__.lower()}", None)
        if method is None:
            raise EvaluationError(f"unsupported expression {type(node).__name__}", node)
        return method(node)

    def require(self, value: Sql, kind: str, node: ast.Node, role: str) -> str:
        """SQL of ``value`` as ``kind`` (a typed NULL for no answers), or raise."""
        if value.kind == "null":
            return self.dialect.null(kind)  # type: ignore[arg-type]
        if value.kind != kind:
            raise EvaluationError(
                f"{role} needs {KIND_WORDS[kind]}, got {KIND_WORDS[value.kind]}", node
            )
        return value.text

    def condition(self, node: ast.Node) -> str:
        """SQL of ``node``, required to be true/false."""
        return self.require(self.compile(node), "boolean", node, "a true/false condition")

    def _sql_literal(self, node: ast.Literal) -> Sql:
        kind = scalar_kind(node.value)
        if kind not in ("boolean", "number", "string"):
            raise EvaluationError(f"unsupported constant {node.value!r}")
        return Sql(self.dialect.literal(node.value), kind)  # type: ignore[arg-type]

    def _sql_param(self, node: ast.Param) -> Sql:
        if node.name not in self.params:
            raise EvaluationError(f"unknown parameter ${node.name}", node)
        return self._sql_literal(ast.Literal(self.params[node.name]))

    def _sql_field(self, node: ast.Field) -> Sql:
        column = node.column
        kind = self.column_kinds.get(column)
        if kind is None:
            raise EvaluationError(f"the panel has no column {column}", node, column)
        if kind == "datetime":
            raise EvaluationError(
                f"{column} holds dates/times, which rules cannot use", column=column
            )
        if kind == "other":
            raise EvaluationError(f"{column} holds values rules cannot use", column=column)
        if kind == "null":
            return Sql("NULL", "null")
        return Sql(self.dialect.quote(column), kind)  # type: ignore[arg-type]

    def _sql_ref(self, node: ast.Ref) -> Sql:
        kind = self.indicator_kinds.get(node.name)
        if kind is None:
            raise EvaluationError(f"indicator '{node.name}' is not computed before this one", node)
        return Sql(self.dialect.quote(node.name), kind)  # type: ignore[arg-type]

    def _sql_not(self, node: ast.Not) -> Sql:
        return Sql(f"(NOT {self.condition(node.operand)})", "boolean")

    def _sql_logical(self, node: ast.Logical) -> Sql:
        parts = [self.condition(o) for o in node.operands]
        return Sql("(" + f" {node.op.upper()} ".join(parts) + ")", "boolean")

    def _sql_compare(self, node: ast.Compare) -> Sql:
        left, right = self.compile(node.left), self.compile(node.right)
        kinds = {left.kind, right.kind} - {"null"}
        if len(kinds) > 1:
            raise EvaluationError(
                f"cannot compare {KIND_WORDS[left.kind]} with {KIND_WORDS[right.kind]}", node
            )
        kind = kinds.pop() if kinds else "number"
        if kind != "number" and node.op not in ("==", "!="):
            raise EvaluationError(f"'{node.op}' needs numbers, got {KIND_WORDS[kind]}", node)
        a = self.require(left, kind, node, "a comparison")
        b = self.require(right, kind, node, "a comparison")
        return Sql(f"({a} {_SQL_OPS[node.op]} {b})", "boolean")

    def _sql_in(self, node: ast.In) -> Sql:
        operand = self.compile(node.operand)
        items: list[ast.Scalar] = []
        for item in node.items:
            if isinstance(item, ast.Literal):
                value = item.value
            elif isinstance(item, ast.Param):
                value = self.params.get(item.name)
            else:
                value = None
            if value is None:
                raise EvaluationError("list items must be constants or known parameters", item)
            items.append(value)
        data = self.require(operand, list_kind(items, operand.kind, node), node, "'in'")
        listed = ", ".join(self.dialect.literal(v) for v in items)
        keyword = "NOT IN" if node.negated else "IN"
        return Sql(f"({data} {keyword} ({listed}))", "boolean")

    def _sql_arith(self, node: ast.Arith) -> Sql:
        a = self.require(self.compile(node.left), "number", node.left, f"'{node.op}'")
        b = self.require(self.compile(node.right), "number", node.right, f"'{node.op}'")
        return Sql(f"({a} {node.op} {b})", "number")

    def _sql_negate(self, node: ast.Negate) -> Sql:
        value = self.require(self.compile(node.operand), "number", node, "'-'")
        return Sql(f"(-{value})", "number")

    def _sql_call(self, node: ast.Call) -> Sql:
        if node.name == "is_missing":
            value = self.compile(node.args[0])
            return Sql("TRUE" if value.kind == "null" else f"({value.text} IS NULL)", "boolean")
        if node.name == "count":
            return self._count(node)
        raise EvaluationError(f"unknown function '{node.name}'", node)

    def _count(self, node: ast.Call) -> Sql:
        options = dict(node.options)
        mode: object = "answered"
        if "missing" in options:
            option = options["missing"]
            if isinstance(option, ast.Literal):
                mode = option.value
            elif isinstance(option, ast.Param) and option.name in self.params:
                mode = self.params[option.name]
            else:
                raise EvaluationError(
                    "count's option missing must be a constant or a known parameter", node
                )
        check_count_mode(mode, node)
        items = [self.condition(a) for a in node.args]
        answered = " + ".join(f"(CASE WHEN {i} IS NULL THEN 0 ELSE 1 END)" for i in items)
        trues = " + ".join(f"(CASE WHEN {i} THEN 1 ELSE 0 END)" for i in items)
        enough = f"({answered}) > 0" if mode == "answered" else f"({answered}) = {len(items)}"
        return Sql(f"CAST(CASE WHEN {enough} THEN {trues} END AS BIGINT)", "number")


@dataclass(frozen=True)
class CompiledIndicator:
    """One indicator as SQL.

    Attributes
    ----------
    id : str
        The indicator id (its column).
    kind : {"boolean", "number"}
        ``boolean`` indicators, or ``number`` for counts.
    value : str
        The final value: rule, population and non-response applied.
    not_responded : str
        True where the person did not answer a wave the indicator reads.
    outside : str
        True where the person is outside the population (and did respond); ``FALSE`` when
        the definition has no population or sets outsiders to false.
    """

    id: str
    kind: str
    value: str
    not_responded: str
    outside: str


def compile_indicator(
    indicator: BoundIndicator,
    dialect: Dialect,
    column_kinds: Mapping[str, str],
    indicator_kinds: Mapping[str, str],
) -> CompiledIndicator:
    """Compile one bound definition to SQL (see the module docstring for the rules).

    Parameters
    ----------
    indicator : BoundIndicator
        The definition with its parameters filled in.
    dialect : Dialect
        The SQL engine.
    column_kinds : mapping
        Panel column → kind, including the ``responded_<wave>`` flags.
    indicator_kinds : mapping
        Kinds of the indicators compiled before this one.

    Raises
    ------
    EvaluationError
        When the rule cannot be evaluated on these columns (wrong kinds, unknown names).
    """
    compiler = SqlCompiler(dialect, column_kinds, indicator_kinds, indicator.params)
    value = compiler.compile(indicator.rule)
    if indicator.definition.kind == "boolean":
        result = compiler.require(value, "boolean", indicator.rule, "a true/false indicator")
        kind = "boolean"
    else:
        if value.kind not in ("number", "null"):
            raise EvaluationError(
                f"a count indicator needs a number, got {value.kind}", indicator.rule
            )
        result = compiler.require(value, "number", indicator.rule, "a count indicator")
        kind = "number"
    flags = []
    for wave in sorted(indicator.waves):
        column = f"responded_{wave}"
        flag_kind = column_kinds.get(column)
        if flag_kind is None:
            continue
        flag = dialect.null("boolean") if flag_kind == "null" else dialect.quote(column)
        flags.append(f"(NOT COALESCE({flag}, FALSE))")
    not_responded = "(" + " OR ".join(flags) + ")" if flags else "FALSE"
    outside = "FALSE"
    if indicator.population is not None:
        population = compiler.condition(indicator.population)
        definition = indicator.definition.population
        if definition is not None and definition.outside == "false":
            result = f"({population} AND {result})"
        else:
            outside = f"(COALESCE(({population}) = FALSE, FALSE) AND NOT {not_responded})"
            result = f"(CASE WHEN COALESCE({population}, FALSE) THEN {result} END)"
    final = f"(CASE WHEN {not_responded} THEN NULL ELSE {result} END)"
    return CompiledIndicator(indicator.id, kind, final, not_responded, outside)
