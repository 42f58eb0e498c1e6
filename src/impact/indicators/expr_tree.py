"""Whole-tree transformations of rule expressions (:mod:`impact.indicators.expr_ast`).

:func:`to_dict` writes a tree as plain JSON-able data; :func:`substitute_placeholders` fills
``{param}`` placeholders in field names with a definition's parameter values.
"""

from __future__ import annotations

from impact.errors import InternalError
from impact.indicators import expr_ast as ast


def to_dict(node: ast.Node) -> dict:
    """Return the tree as JSON-ready nested dicts (``{"node": "compare", ...}``)."""
    if isinstance(node, ast.Literal):
        return {"node": "literal", "value": node.value}
    if isinstance(node, ast.Param):
        return {"node": "param", "name": node.name}
    if isinstance(node, ast.Field):
        return {"node": "field", "wave": node.wave, "name": node.name, "column": node.column}
    if isinstance(node, ast.Ref):
        return {"node": "ref", "name": node.name}
    if isinstance(node, ast.Not):
        return {"node": "not", "operand": to_dict(node.operand)}
    if isinstance(node, ast.Logical):
        return {"node": node.op, "operands": [to_dict(o) for o in node.operands]}
    if isinstance(node, ast.Compare | ast.Arith):
        kind = "compare" if isinstance(node, ast.Compare) else "arith"
        return {
            "node": kind,
            "op": node.op,
            "left": to_dict(node.left),
            "right": to_dict(node.right),
        }
    if isinstance(node, ast.In):
        return {
            "node": "in",
            "negated": node.negated,
            "operand": to_dict(node.operand),
            "items": [to_dict(i) for i in node.items],
        }
    if isinstance(node, ast.Negate):
        return {"node": "negate", "operand": to_dict(node.operand)}
    if isinstance(node, ast.Call):
        return {
            "node": "call",
            "name": node.name,
            "args": [to_dict(a) for a in node.args],
            "options": {name: to_dict(value) for name, value in node.options},
        }
    raise InternalError(f"not an expression node: {node!r}")


def substitute_placeholders(node: ast.Node, values: dict[str, ast.Scalar]) -> ast.Node:
    """Return a copy of the tree with ``{param}`` placeholders in field names filled in."""
    if isinstance(node, ast.Field):
        name = ast.PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), node.name)
        return ast.Field(node.wave, name)
    if isinstance(node, ast.Literal | ast.Param | ast.Ref):
        return node
    if isinstance(node, ast.Not):
        return ast.Not(substitute_placeholders(node.operand, values))
    if isinstance(node, ast.Negate):
        return ast.Negate(substitute_placeholders(node.operand, values))
    if isinstance(node, ast.Logical):
        return ast.Logical(
            node.op, tuple(substitute_placeholders(o, values) for o in node.operands)
        )
    if isinstance(node, ast.Compare):
        left = substitute_placeholders(node.left, values)
        return ast.Compare(node.op, left, substitute_placeholders(node.right, values))
    if isinstance(node, ast.Arith):
        left = substitute_placeholders(node.left, values)
        return ast.Arith(node.op, left, substitute_placeholders(node.right, values))
    if isinstance(node, ast.In):
        return ast.In(
            substitute_placeholders(node.operand, values),
            tuple(substitute_placeholders(i, values) for i in node.items),
            node.negated,
        )
    if isinstance(node, ast.Call):
        return ast.Call(
            node.name,
            tuple(substitute_placeholders(a, values) for a in node.args),
            tuple((k, substitute_placeholders(v, values)) for k, v in node.options),
        )
    raise InternalError(f"not an expression node: {node!r}")
