"""Output-column names as Postgres gives them (its parser's FigureColname), for sqlglot
nodes: what ``SELECT … INTO rec`` names a record's fields, and a subquery's or CTE's
unaliased columns. Checked against PG 15 for 69 expression shapes.

>>> import sqlglot
>>> item = sqlglot.parse_one("SELECT trim(s) FROM t", read="postgres").expressions[0]
>>> figure_colname(item, lambda node: None, lambda node: "?column?")
'btrim'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlglot import exp

_FUNC_TOKEN = re.compile(r'[A-Za-z_][\w$]*|"(?:[^"]|"")+"')
_FIGURED: dict[type, str] = {
    exp.Coalesce: "coalesce",
    exp.Greatest: "greatest",
    exp.Least: "least",
    exp.Nullif: "nullif",
    exp.Array: "array",
    exp.Exists: "exists",
    exp.StrPosition: "position",
    exp.AtTimeZone: "timezone",
    exp.Interval: "interval",
    exp.GroupConcat: "string_agg",
    exp.Extract: "extract",
}
# Postgres's internal names of the types the grammar maps (FigureColname names a cast of an
# unnamed expression after its type: int4 '1' and '1'::integer are both "int4").
_PG_INTERNAL_TYPES = {
    "INT": "int4", "BIGINT": "int8", "SMALLINT": "int2", "FLOAT": "float4", "DOUBLE": "float8",
    "BOOLEAN": "bool", "DECIMAL": "numeric", "VARCHAR": "varchar", "CHAR": "bpchar",
    "TIMESTAMP": "timestamp", "TIMESTAMPTZ": "timestamptz", "TIME": "time", "TIMETZ": "timetz",
}  # fmt: skip


def figure_colname(
    node: exp.Expr | None,
    token: Callable[[exp.Expr], str | None],
    fallback: Callable[[exp.Expr], str],
) -> str | None:
    """The column name of select-list item ``node`` (unaliased), or None for ``?column?``.

    Args:
        node: the sqlglot expression.
        token: the source text of the token sqlglot recorded for a node (a function's
            name as written), or None.
        fallback: a name from the node alone, ``"?column?"`` when it has none.
    """

    def figure(n: exp.Expr | None) -> str | None:
        if n is None:
            return None
        if isinstance(n, exp.Column):
            return None if isinstance(n.this, exp.Star) else fold(n.this)
        if isinstance(n, exp.Dot) and isinstance(n.expression, exp.Identifier):
            return fold(n.expression)
        if isinstance(n, (exp.Paren, exp.Bracket, exp.Collate)):
            return figure(n.this)
        if isinstance(n, (exp.Window, exp.Filter, exp.WithinGroup)):
            return figure(n.this)
        if isinstance(n, exp.Cast):
            inner = figure(n.this)
            return inner if inner is not None else _internal_type_name(n.args["to"])
        if isinstance(n, exp.Subquery):
            first = _first_select_item(n.this)
            if first is None:
                return None
            return fold(first.args["alias"]) if isinstance(first, exp.Alias) else figure(first)
        if isinstance(n, exp.Case):
            default = figure(n.args.get("default"))
            return default if default is not None else "case"
        if isinstance(n, exp.Trim):
            where = str(n.args.get("position") or "").upper()
            return {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(where, "btrim")
        named = _FIGURED.get(type(n))
        if named is not None:
            return named
        if isinstance(n, (exp.Func, exp.Anonymous)) and not isinstance(
            n, (exp.Binary, exp.Predicate)
        ):
            text = token(n)
            if text is not None and _FUNC_TOKEN.fullmatch(text):
                return text.strip('"') if text.startswith('"') else text.lower()
            legacy = fallback(n)
            return legacy if legacy != "?column?" else None
        return None

    return figure(node)


def fold(ident: object) -> str:
    """The name Postgres stores: unquoted identifiers lower-cased, quoted ones verbatim."""
    if isinstance(ident, exp.Identifier):
        return str(ident.this) if ident.quoted else str(ident.this).lower()
    if isinstance(ident, exp.Expr):
        return ident.name.lower()
    return str(ident).lower()


def _internal_type_name(to: exp.Expr) -> str | None:
    if not isinstance(to, exp.DataType):
        return None
    if to.this == exp.DataType.Type.USERDEFINED:
        kind = to.args.get("kind")
        return fold(kind.expression if isinstance(kind, exp.Dot) else kind) if kind else None
    if to.this == exp.DataType.Type.ARRAY:
        return None
    key = to.this.name if isinstance(to.this, exp.DataType.Type) else str(to.this).upper()
    return _PG_INTERNAL_TYPES.get(key, key.lower())


def _first_select_item(query: exp.Expr) -> exp.Expr | None:
    while isinstance(query, (exp.Subquery, exp.SetOperation)):
        query = query.this
    if isinstance(query, exp.Select) and query.expressions:
        return query.expressions[0]
    return None
