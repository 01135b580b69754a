"""Output columns of a query (view, materialized view, CREATE TABLE AS), from pglast's AST.

Names follow Postgres's rules (``FigureColname``): an alias wins, else a column reference's
last field, a function's name, a cast's inner name or type, ``?column?`` otherwise; ``*`` and
``t.*`` expand from relations the catalog knows, CTEs and subqueries. When some column
cannot be derived (``*`` over an unknown relation), :func:`query_columns` returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pglast import ast
from pglast.enums import A_Expr_Kind, SubLinkType

from pgdrift.catalog.builtins import builtin_function_returns, builtin_return_type
from pgdrift.catalog.model import Column, Relation
from pgdrift.catalog.names import format_type, is_node, str_list

# Finds a relation by (schema or None, name).
RelationLookup = Callable[[str | None, str], Relation | None]
TypeFormatter = Callable[[ast.TypeName], str]

UNKNOWN_TYPE = "unknown"


class _Unknown(Exception):
    """Some output column cannot be derived."""


def query_columns(
    query: Any,
    lookup: RelationLookup,
    fmt: TypeFormatter | None = None,
) -> list[Column] | None:
    """The output columns of ``query`` (a SelectStmt), or None when not derivable."""
    try:
        cols = _select_columns(query, lookup, fmt or format_type, {})
        # output columns carry a type (and allowed values), never table-only properties
        return [Column(c.name, c.type, allowed_values=c.allowed_values) for c in cols]
    except _Unknown:
        return None
    except (AttributeError, TypeError, IndexError):
        return None


def _select_columns(
    q: Any, lookup: RelationLookup, fmt: TypeFormatter, ctes: dict[str, list[Column]]
) -> list[Column]:
    if not is_node(q, ast.SelectStmt):
        raise _Unknown
    ctes = dict(ctes)
    if q.withClause is not None:
        for cte in q.withClause.ctes or ():
            cols = _cte_columns(cte, lookup, fmt, ctes)
            ctes[cte.ctename] = cols
    if q.op is not None and int(q.op) != 0:  # UNION / INTERSECT / EXCEPT: left arm names
        return _select_columns(q.larg, lookup, fmt, ctes)
    if q.valuesLists:
        first = q.valuesLists[0]
        return [Column(f"column{i + 1}", _expr_type(v, fmt)) for i, v in enumerate(first)]
    sources = _from_sources(q.fromClause or (), lookup, fmt, ctes)
    out: list[Column] = []
    for target in q.targetList or ():
        val = target.val
        if is_node(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):
            out.extend(_expand_star(str_list(val.fields[:-1]), sources))
            continue
        name = target.name or _figure_name(val)
        source_col = _source_column(val, sources)
        if source_col is not None:
            out.append(Column(name, source_col.type, allowed_values=source_col.allowed_values))
        else:
            out.append(Column(name, _target_type(val, sources, fmt)))
    return out


def _cte_columns(
    cte: Any, lookup: RelationLookup, fmt: TypeFormatter, ctes: dict[str, list[Column]]
) -> list[Column]:
    query = cte.ctequery
    aliases = str_list(cte.aliascolnames)
    try:
        if is_node(query, ast.SelectStmt):
            if query.op is not None and int(query.op) != 0 and aliases:
                cols = [Column(a, UNKNOWN_TYPE) for a in aliases]
            else:
                # a recursive CTE refers to itself in its right arm only: the left arm names
                cols = _select_columns(query, lookup, fmt, ctes)
        else:  # data-modifying CTE: RETURNING list
            cols = _returning_columns(query, lookup, fmt)
    except _Unknown:
        if not aliases:
            raise
        cols = []
    return _apply_aliases(cols, aliases)


def _returning_columns(stmt: Any, lookup: RelationLookup, fmt: TypeFormatter) -> list[Column]:
    rel = stmt.relation
    target = lookup(rel.schemaname, rel.relname)
    alias = rel.alias.aliasname if rel.alias else rel.relname
    sources: dict[str, list[Column] | None] = {alias: list(target.columns)} if target else {}
    out: list[Column] = []
    for res in stmt.returningList or ():
        val = res.val
        if is_node(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):
            out.extend(_expand_star(str_list(val.fields[:-1]), sources))
        else:
            out.append(Column(res.name or _figure_name(val), _target_type(val, sources, fmt)))
    return out


def _apply_aliases(cols: list[Column], aliases: list[str]) -> list[Column]:
    if not aliases:
        return cols
    out = [
        replace(cols[i], name=a) if i < len(cols) else Column(a, UNKNOWN_TYPE)
        for i, a in enumerate(aliases)
    ]
    out.extend(cols[len(aliases) :])
    return out


def _from_sources(
    items: Any, lookup: RelationLookup, fmt: TypeFormatter, ctes: dict[str, list[Column]]
) -> dict[str, list[Column] | None]:
    """Alias -> columns (None when unknown), in FROM order."""
    out: dict[str, list[Column] | None] = {}
    for item in items:
        _add_source(item, lookup, fmt, ctes, out)
    return out


def _add_source(
    item: Any,
    lookup: RelationLookup,
    fmt: TypeFormatter,
    ctes: dict[str, list[Column]],
    out: dict[str, list[Column] | None],
) -> None:
    if is_node(item, ast.RangeVar):
        alias = item.alias
        cols: list[Column] | None
        if item.schemaname is None and item.relname in ctes:
            cols = list(ctes[item.relname])
        else:
            rel = lookup(item.schemaname, item.relname)
            cols = list(rel.columns) if rel is not None and _known(rel) else None
        if alias is not None and cols is not None:
            cols = _apply_aliases(cols, str_list(alias.colnames))
        out[alias.aliasname if alias else item.relname] = cols
    elif is_node(item, ast.RangeSubselect):
        try:
            cols = _select_columns(item.subquery, lookup, fmt, ctes)
        except _Unknown:
            cols = None
        name = item.alias.aliasname if item.alias else f"?subquery{len(out)}"
        if item.alias is not None and cols is not None:
            cols = _apply_aliases(cols, str_list(item.alias.colnames))
        out[name] = cols
    elif is_node(item, ast.JoinExpr):
        _add_join(item, lookup, fmt, ctes, out)
    elif is_node(item, ast.RangeFunction):
        alias = item.alias
        coldefs = item.coldeflist
        cols = None
        if coldefs:
            cols = [Column(c.colname, fmt(c.typeName)) for c in coldefs]
        elif alias is not None and alias.colnames:
            cols = [Column(n, UNKNOWN_TYPE) for n in str_list(alias.colnames)]
        else:
            cols = _scalar_function_columns(item)
        name = alias.aliasname if alias else f"?function{len(out)}"
        out[name] = cols
    else:
        out[f"?source{len(out)}"] = None


def _scalar_function_columns(item: Any) -> list[Column] | None:
    """``FROM generate_series(1, 3) AS g``: a built-in set-returning function of a scalar
    type gives one column named by the alias (else the function); WITH ORDINALITY adds
    ``ordinality``. Record-returning functions need a column list: None."""
    if item.is_rowsfrom or len(item.functions or ()) != 1:
        return None
    call = item.functions[0][0]
    if not is_node(call, ast.FuncCall):
        return None
    names = str_list(call.funcname)
    if len(names) > 1 and names[0] != "pg_catalog":
        return None
    returns = builtin_function_returns(names[-1])
    scalar = bool(returns) and "record" not in returns
    if names[-1] == "unnest" and len(call.args or ()) == 1:
        scalar = True
    if not scalar:
        return None
    label = item.alias.aliasname if item.alias is not None else names[-1]
    only = returns[0] if len(returns) == 1 else UNKNOWN_TYPE
    cols = [Column(label, only)]
    if item.ordinality:
        cols.append(Column("ordinality", "bigint"))
    return cols


def _add_join(
    item: Any,
    lookup: RelationLookup,
    fmt: TypeFormatter,
    ctes: dict[str, list[Column]],
    out: dict[str, list[Column] | None],
) -> None:
    left: dict[str, list[Column] | None] = {}
    right: dict[str, list[Column] | None] = {}
    _add_source(item.larg, lookup, fmt, ctes, left)
    _add_source(item.rarg, lookup, fmt, ctes, right)
    if item.alias is not None:
        # an aliased join hides its members: its columns are the merged list
        merged = _merge_join(left, right, item, lookup)
        out[item.alias.aliasname] = merged
        return
    out.update(left)
    out.update(right)
    if item.usingClause or item.isNatural:
        out[f"?join{len(out)}"] = _merge_join(left, right, item, lookup)


def _merge_join(
    left: dict[str, list[Column] | None],
    right: dict[str, list[Column] | None],
    item: Any,
    lookup: RelationLookup,
) -> list[Column] | None:
    lcols = _flatten(left)
    rcols = _flatten(right)
    if lcols is None or rcols is None:
        return None
    using = str_list(item.usingClause)
    if item.isNatural:
        rnames = {c.name for c in rcols}
        using = [c.name for c in lcols if c.name in rnames]
    if not using:
        return lcols + rcols
    first = [c for c in lcols if c.name in using]
    return (
        first
        + [c for c in lcols if c.name not in using]
        + [c for c in rcols if c.name not in using]
    )


def _flatten(sources: dict[str, list[Column] | None]) -> list[Column] | None:
    out: list[Column] = []
    for key, cols in sources.items():
        if key.startswith("?join"):
            continue
        if cols is None:
            return None
        out.extend(cols)
    return out


def _known(rel: Relation) -> bool:
    return bool(getattr(rel, "columns_known", True))


def _expand_star(qual: list[str], sources: dict[str, list[Column] | None]) -> list[Column]:
    if qual:
        cols = sources.get(qual[-1])
        if cols is None:
            raise _Unknown
        return list(cols)
    joined = [k for k in sources if k.startswith("?join")]
    if joined:
        # SELECT * over a USING/NATURAL join: merged columns once
        flat = sources[joined[-1]]
        if flat is None:
            raise _Unknown
        return list(flat)
    out: list[Column] = []
    for cols in sources.values():
        if cols is None:
            raise _Unknown
        out.extend(cols)
    return out


def _source_column(val: Any, sources: dict[str, list[Column] | None]) -> Column | None:
    """The FROM column a plain column reference names, if known."""
    if not is_node(val, ast.ColumnRef):
        return None
    fields = str_list(val.fields)
    if not fields:
        return None
    name = fields[-1]
    candidates = [sources.get(fields[-2])] if len(fields) >= 2 else list(sources.values())
    for cols in candidates:
        for col in cols or ():
            if col.name == name:
                return col
    return None


def _target_type(val: Any, sources: dict[str, list[Column] | None], fmt: TypeFormatter) -> str:
    col = _source_column(val, sources)
    if col is not None:
        return col.type
    if is_node(val, ast.ColumnRef):
        return UNKNOWN_TYPE
    return _expr_type(val, fmt)


def _expr_type(val: Any, fmt: TypeFormatter) -> str:
    if is_node(val, ast.TypeCast):
        return fmt(val.typeName)
    if is_node(val, ast.FuncCall):
        names = str_list(val.funcname)
        if len(names) == 1 or names[0] == "pg_catalog":
            found = builtin_return_type(names[-1])
            if found is not None and found not in ("anyelement", "anyarray", "record"):
                return found
        return UNKNOWN_TYPE
    if is_node(val, ast.A_Const):
        v = val.val
        if is_node(v, ast.Integer):
            return "integer"
        if is_node(v, ast.Boolean):
            return "boolean"
        if is_node(v, ast.Float):
            return "numeric"
        return "text" if is_node(v, ast.String) else UNKNOWN_TYPE
    return UNKNOWN_TYPE


_SQLVALUE_NAMES = {
    0: "current_date",
    1: "current_time",
    2: "current_time",
    3: "current_timestamp",
    4: "current_timestamp",
    5: "localtime",
    6: "localtime",
    7: "localtimestamp",
    8: "localtimestamp",
    9: "current_role",
    10: "current_user",
    11: "user",
    12: "session_user",
    13: "current_catalog",
    14: "current_schema",
}


def _figure_name(val: Any) -> str:
    """Postgres's FigureColname for an unaliased target expression."""
    name = _figure(val)
    return name if name is not None else "?column?"


def _figure(val: Any) -> str | None:
    if is_node(val, ast.ColumnRef):
        last = val.fields[-1]
        return last.sval if is_node(last, ast.String) else None
    if is_node(val, ast.A_Indirection):
        for ind in reversed(val.indirection or ()):
            if is_node(ind, ast.String):
                return ind.sval
        return _figure(val.arg)
    if is_node(val, ast.FuncCall):
        return str_list(val.funcname)[-1]
    if is_node(val, ast.A_Expr) and val.kind == A_Expr_Kind.AEXPR_NULLIF:
        return "nullif"
    if is_node(val, ast.TypeCast):
        inner = _figure(val.arg)
        if inner is not None:
            return inner
        names = str_list(val.typeName.names)
        return names[-1] if names else None
    if is_node(val, ast.CollateClause):
        return _figure(val.arg)
    if is_node(val, ast.SubLink):
        kind = val.subLinkType
        if kind == SubLinkType.EXISTS_SUBLINK:
            return "exists"
        if kind == SubLinkType.ARRAY_SUBLINK:
            return "array"
        if kind == SubLinkType.EXPR_SUBLINK:
            sub = val.subselect
            if is_node(sub, ast.SelectStmt) and sub.targetList:
                first = sub.targetList[0]
                return first.name or _figure(first.val)
        return None
    if is_node(val, ast.CaseExpr):
        inner = _figure(val.defresult) if val.defresult is not None else None
        return inner if inner is not None else "case"
    if is_node(val, ast.A_ArrayExpr):
        return "array"
    if is_node(val, ast.RowExpr):
        return "row"
    if is_node(val, ast.CoalesceExpr):
        return "coalesce"
    if is_node(val, ast.MinMaxExpr):
        return "greatest" if int(val.op) == 0 else "least"
    if is_node(val, ast.SQLValueFunction):
        return _SQLVALUE_NAMES.get(int(val.op))
    if is_node(val, ast.XmlExpr):
        return _XML_NAMES.get(int(val.op))
    if is_node(val, ast.XmlSerialize):
        return "xmlserialize"
    if is_node(val, ast.GroupingFunc):
        return "grouping"
    return None


# FigureColname's names for XmlExpr.op (IS_XMLCONCAT … IS_XMLSERIALIZE; IS_DOCUMENT has none).
_XML_NAMES = {
    0: "xmlconcat", 1: "xmlelement", 2: "xmlforest", 3: "xmlparse", 4: "xmlpi", 5: "xmlroot",
    6: "xmlserialize",
}  # fmt: skip
