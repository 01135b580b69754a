"""String values a CHECK constraint allows a column to take, and columns an expression uses.

>>> from pglast import parse_sql
>>> def check(sql):
...     stmt = parse_sql(f"ALTER TABLE t ADD CHECK ({sql})")[0].stmt
...     return allowed_values_from_check(stmt.cmds[0].def_.raw_expr)
>>> check("status IN ('a', 'b')")
{'status': ('a', 'b')}
>>> check("(status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])")
{'status': ('a', 'b')}
>>> check("status IS NULL OR status IN ('a', 'b')")
{'status': ('a', 'b')}
>>> check("queue_id IS NULL OR status = 'running'")
{}
"""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.enums import A_Expr_Kind, BoolExprType, NullTestType

from pgdrift.catalog.names import is_node, walk


def _strip_casts(node: Any) -> Any:
    while is_node(node, ast.TypeCast, ast.CollateClause):
        node = node.arg
    return node


def _string_const(node: Any) -> str | None:
    node = _strip_casts(node)
    if is_node(node, ast.A_Const) and is_node(node.val, ast.String):
        return str(node.val.sval)
    return None


def _column_name(node: Any, value_name: str | None) -> str | None:
    node = _strip_casts(node)
    if is_node(node, ast.ColumnRef):
        last = node.fields[-1]
        if is_node(last, ast.String):
            return str(last.sval)
    if value_name is not None and is_node(node, ast.CoerceToDomainValue):
        return value_name
    return None


def _strings(items: Any) -> tuple[str, ...] | None:
    out: list[str] = []
    for item in items:
        s = _string_const(item)
        if s is None:
            return None
        out.append(s)
    return tuple(out)


def _one(expr: Any, value_name: str | None) -> dict[str, tuple[str, ...]]:
    """``col IN (...)``, ``col = ANY (ARRAY[...])``, ``col = 'x'``; AND/OR combined."""
    expr = _strip_casts(expr)
    if is_node(expr, ast.BoolExpr):
        parts = [_one(arg, value_name) for arg in expr.args or ()]
        if expr.boolop == BoolExprType.AND_EXPR:
            out: dict[str, tuple[str, ...]] = {}
            for part in parts:
                for col, allowed in part.items():
                    out[col] = tuple(v for v in out[col] if v in allowed) if col in out else allowed
            return out
        if expr.boolop == BoolExprType.OR_EXPR:
            # each arm must constrain the same column (IS NULL arms allowed)
            cols: set[str] = set()
            null_tested: set[str | None] = set()
            merged: list[str] = []
            for arg, part in zip(expr.args or (), parts, strict=False):
                arg = _strip_casts(arg)
                if is_node(arg, ast.NullTest) and arg.nulltesttype == NullTestType.IS_NULL:
                    null_tested.add(_column_name(arg.arg, value_name))
                    continue
                if len(part) != 1:
                    return {}
                ((col, allowed),) = part.items()
                cols.add(col)
                merged.extend(v for v in allowed if v not in merged)
            # `col IS NULL OR col IN (...)` constrains col; `other IS NULL OR col = 'x'`
            # only constrains col when other is not null: no list of allowed values
            if len(cols) == 1 and null_tested <= cols:
                return {cols.pop(): tuple(merged)}
        return {}
    if not is_node(expr, ast.A_Expr):
        return {}
    op = [s.sval for s in expr.name or () if is_node(s, ast.String)]
    vals: tuple[str, ...] | None
    if op[-1:] != ["="]:
        return {}
    column = _column_name(expr.lexpr, value_name)
    if column is None:
        return {}
    if expr.kind == A_Expr_Kind.AEXPR_IN and isinstance(expr.rexpr, (list, tuple)):
        vals = _strings(expr.rexpr)
    elif expr.kind == A_Expr_Kind.AEXPR_OP_ANY:
        arr = _strip_casts(expr.rexpr)
        vals = _strings(arr.elements or ()) if is_node(arr, ast.A_ArrayExpr) else None
    elif expr.kind == A_Expr_Kind.AEXPR_OP:
        one = _string_const(expr.rexpr)
        vals = (one,) if one is not None else None
    else:
        vals = None
    return {column: vals} if vals is not None else {}


def allowed_values_from_check(
    expr: Any, value_name: str | None = None
) -> dict[str, tuple[str, ...]]:
    """Column -> allowed string literals, from a CHECK expression. ``value_name`` names the
    domain's ``VALUE`` (a domain CHECK), which pglast gives as a ColumnRef ``value``."""
    if value_name is not None:
        found = _one(expr, "value")
        return {value_name: found["value"]} if "value" in found else {}
    return _one(expr, None)


def referenced_columns(expr: Any) -> list[str]:
    """Column names an expression references, in order of first appearance."""
    names: list[str] = []
    if expr is None:
        return names
    for node in walk(expr):
        if is_node(node, ast.ColumnRef) and node.fields:
            last = node.fields[-1]
            if is_node(last, ast.String) and last.sval not in names:
                names.append(str(last.sval))
    return names
