"""Evaluate an expression tree column-wise with pandas nullable arrays.

Every value is a pandas Series of one of four kinds: ``boolean`` (dtype ``boolean``), ``number``
(``Int64``/``Float64``), ``string`` (``string``) or ``null`` (a column with no answers at all,
which adapts to whatever kind its use needs). Missing answers are ``pd.NA`` and propagate:

* comparisons, ``in`` lists and arithmetic are missing when an operand is missing;
* ``and``/``or``/``not`` follow three-valued (Kleene) logic, the same as SQL: ``false and
  missing`` is ``false`` and ``true or missing`` is ``true``, because the missing answer cannot
  change the result; otherwise the result is missing;
* ``count(…, missing='answered')`` counts the true items among the answered ones (missing only
  when no item is answered); ``missing='strict'`` makes the count missing when any item is;
* ``is_missing(x)`` is true where ``x`` is missing (never missing itself).

Operands of the wrong kind (text compared with a number, a number used as a condition) raise
:class:`EvaluationError` naming the sub-expression, so rules fail loudly instead of silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal as TLiteral

import pandas as pd
from pandas.api import types as ptypes

from impact.errors import RuleError
from impact.indicators.expr_ast import (
    Arith,
    Call,
    Compare,
    Field,
    In,
    Literal,
    Logical,
    Negate,
    Node,
    Not,
    Param,
    Ref,
    Scalar,
    to_text,
)

Kind = TLiteral["boolean", "number", "string", "null"]
STRING_DTYPE = pd.StringDtype("python")
COUNT_MISSING_MODES = ("answered", "strict")
KIND_WORDS = {"boolean": "true/false", "number": "numbers", "string": "text", "null": "no answers"}


class EvaluationError(RuleError):
    """A rule cannot be evaluated on these data (wrong kind of value, unknown name)."""

    def __init__(self, message: str, node: Node | None = None, column: str | None = None):
        self.reason = message
        self.node = node
        self.column = column
        where = f" in '{to_text(node)}'" if node is not None else ""
        super().__init__(f"{message}{where}")


@dataclass(frozen=True)
class Value:
    """An evaluated sub-expression: the values and their kind."""

    data: pd.Series
    kind: Kind


def classify(series: pd.Series, label: str) -> Value:
    """Convert a panel column or indicator to a nullable Series and name its kind.

    Parameters
    ----------
    series : pandas.Series
        The column as it comes (numpy, nullable or pyarrow dtypes, object columns of bools).
    label : str
        How to name the column in an error message.

    Returns
    -------
    Value
        ``boolean``, ``number`` (``Int64`` or ``Float64``), ``string`` or ``null`` (all missing).

    Raises
    ------
    EvaluationError
        For dates, or object columns mixing text, numbers and booleans.
    """
    if series.isna().all():
        return Value(pd.Series(pd.NA, index=series.index, dtype="object"), "null")
    dtype = series.dtype
    if ptypes.is_bool_dtype(dtype):
        return Value(series.astype("boolean"), "boolean")
    if ptypes.is_numeric_dtype(dtype):
        target = "Int64" if ptypes.is_integer_dtype(dtype) else "Float64"
        return Value(series.astype(target), "number")
    if ptypes.is_datetime64_any_dtype(dtype) or ptypes.is_timedelta64_dtype(dtype):
        raise EvaluationError(f"{label} holds dates/times, which rules cannot use", column=label)
    present = series.dropna()
    if isinstance(dtype, pd.CategoricalDtype):
        present = present.astype(object)
    kinds = {scalar_kind(v) for v in present}
    if kinds == {"boolean"}:
        return Value(series.astype("boolean"), "boolean")
    if kinds == {"string"}:
        return Value(series.astype(STRING_DTYPE), "string")
    if kinds == {"number"}:
        return Value(pd.to_numeric(series.astype(object)).astype("Float64"), "number")
    described = ", ".join(sorted(KIND_WORDS.get(k, k) for k in kinds))
    raise EvaluationError(f"{label} mixes kinds of values ({described})", column=label)


def scalar_kind(value: object) -> str:
    """The kind of a constant: ``boolean``, ``number`` or ``string`` (else its type's name)."""
    if isinstance(value, bool) or ptypes.is_bool(value):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if ptypes.is_number(value):
        return "number"
    return type(value).__name__


def list_kind(items: list[Scalar], operand_kind: str, node: Node) -> str:
    """The one kind of an ``in`` list's items; the operand must have it (or have no answers)."""
    item_kinds = {scalar_kind(v) for v in items}
    if len(item_kinds) != 1 or operand_kind not in (*item_kinds, "null"):
        raise EvaluationError(
            f"cannot look for {', '.join(sorted(KIND_WORDS.get(k, k) for k in item_kinds))}"
            f" among {KIND_WORDS[operand_kind]}",
            node,
        )
    return item_kinds.pop()


def check_count_mode(mode: object, node: Node) -> None:
    """Raise :class:`EvaluationError` unless ``mode`` is one of :data:`COUNT_MISSING_MODES`."""
    if mode not in COUNT_MISSING_MODES:
        raise EvaluationError(
            f"count's option missing must be one of {', '.join(COUNT_MISSING_MODES)}, got {mode!r}",
            node,
        )


def constant(value: Scalar, index: pd.Index) -> Value:
    """Broadcast a constant to a Series of the matching kind."""
    kind = scalar_kind(value)
    dtypes = {"boolean": "boolean", "string": STRING_DTYPE}
    if kind == "number":
        dtype = "Int64" if isinstance(value, int) else "Float64"
    elif kind in dtypes:
        dtype = dtypes[kind]
    else:
        raise EvaluationError(f"unsupported constant {value!r}")
    return Value(pd.Series(value, index=index, dtype=dtype), kind)  # type: ignore[arg-type]


def _as_kind(value: Value, kind: Kind) -> pd.Series:
    if value.kind != "null":
        return value.data
    dtype = {"boolean": "boolean", "number": "Int64", "string": STRING_DTYPE}[kind]
    return pd.Series(pd.NA, index=value.data.index, dtype=dtype)


class Evaluator:
    """Evaluate expression trees over one panel.

    Parameters
    ----------
    index : pandas.Index
        The rows (persons).
    column : callable
        ``column(name) -> Value`` returning a classified panel column.
    indicators : mapping
        Already computed indicators, by name.
    params : mapping
        Parameter values of the definition being evaluated.
    """

    def __init__(
        self,
        index: pd.Index,
        column: Callable[[str], Value],
        indicators: Mapping[str, pd.Series],
        params: Mapping[str, Scalar],
    ):
        self.index = index
        self.column = column
        self.indicators = indicators
        self.params = params

    def evaluate(self, node: Node) -> Value:
        """Return the value of ``node`` for every row."""
        method = getattr(self, f"_eval_{type(node).__name__.lower()}")
        return method(node)

    def condition(self, node: Node) -> pd.Series:
        """Evaluate ``node`` and require a true/false result."""
        return self.require(self.evaluate(node), "boolean", node, "a true/false condition")

    def require(self, value: Value, kind: Kind, node: Node, role: str) -> pd.Series:
        """Return ``value`` as a Series of ``kind``, or raise naming ``role`` and ``node``."""
        if value.kind not in (kind, "null"):
            raise EvaluationError(
                f"{role} needs {KIND_WORDS[kind]}, got {KIND_WORDS[value.kind]}", node
            )
        return _as_kind(value, kind)

    def _eval_literal(self, node: Literal) -> Value:
        return constant(node.value, self.index)

    def _eval_param(self, node: Param) -> Value:
        if node.name not in self.params:
            raise EvaluationError(f"unknown parameter ${node.name}", node)
        return constant(self.params[node.name], self.index)

    def _eval_field(self, node: Field) -> Value:
        return self.column(node.column)

    def _eval_ref(self, node: Ref) -> Value:
        if node.name not in self.indicators:
            raise EvaluationError(f"indicator '{node.name}' is not computed before this one", node)
        series = self.indicators[node.name]
        if isinstance(series.dtype, pd.BooleanDtype):
            return Value(series, "boolean")
        if isinstance(series.dtype, pd.Int64Dtype):
            return Value(series, "number")
        return classify(series, f"indicator '{node.name}'")

    def _eval_not(self, node: Not) -> Value:
        return Value(~self.condition(node.operand), "boolean")

    def _eval_logical(self, node: Logical) -> Value:
        result = self.condition(node.operands[0])
        for operand in node.operands[1:]:
            other = self.condition(operand)
            result = (result & other) if node.op == "and" else (result | other)
        return Value(result.astype("boolean"), "boolean")

    def _eval_compare(self, node: Compare) -> Value:
        left, right = self.evaluate(node.left), self.evaluate(node.right)
        kinds = {left.kind, right.kind} - {"null"}
        if len(kinds) > 1:
            raise EvaluationError(
                f"cannot compare {KIND_WORDS[left.kind]} with {KIND_WORDS[right.kind]}", node
            )
        kind: Kind = kinds.pop() if kinds else "number"
        if kind != "number" and node.op not in ("==", "!="):
            raise EvaluationError(f"'{node.op}' needs numbers, got {KIND_WORDS[kind]}", node)
        a, b = _as_kind(left, kind), _as_kind(right, kind)
        ops = {
            "==": a.eq,
            "!=": a.ne,
            "<": a.lt,
            "<=": a.le,
            ">": a.gt,
            ">=": a.ge,
        }
        return Value(ops[node.op](b).astype("boolean"), "boolean")

    def _eval_in(self, node: In) -> Value:
        operand = self.evaluate(node.operand)
        items: list[Scalar] = []
        for item in node.items:
            value = item.value if isinstance(item, Literal) else self.params.get(item.name)  # type: ignore[union-attr]
            if value is None:
                raise EvaluationError("list items must be constants or known parameters", item)
            items.append(value)
        data = _as_kind(operand, list_kind(items, operand.kind, node))  # type: ignore[arg-type]
        found = data.isin(items).astype("boolean")
        found[data.isna()] = pd.NA
        return Value(~found if node.negated else found, "boolean")

    def _eval_arith(self, node: Arith) -> Value:
        a = self.require(self.evaluate(node.left), "number", node.left, f"'{node.op}'")
        b = self.require(self.evaluate(node.right), "number", node.right, f"'{node.op}'")
        return Value(a + b if node.op == "+" else a - b, "number")

    def _eval_negate(self, node: Negate) -> Value:
        return Value(-self.require(self.evaluate(node.operand), "number", node, "'-'"), "number")

    def _eval_call(self, node: Call) -> Value:
        if node.name == "is_missing":
            return Value(self.evaluate(node.args[0]).data.isna().astype("boolean"), "boolean")
        if node.name == "count":
            return self._count(node)
        raise EvaluationError(f"unknown function '{node.name}'", node)

    def _count(self, node: Call) -> Value:
        options = dict(node.options)
        mode: Scalar = "answered"
        if "missing" in options:
            chosen = self.evaluate(options["missing"])
            mode = chosen.data.iloc[0] if len(chosen.data) else "answered"
        check_count_mode(mode, node)
        items = pd.concat([self.condition(a) for a in node.args], axis=1)
        trues = items.fillna(False).astype(int).sum(axis=1)
        answered = items.notna().sum(axis=1)
        enough = answered > 0 if mode == "answered" else answered == len(node.args)
        result = trues.astype("Int64").where(enough, pd.NA)
        return Value(result, "number")
