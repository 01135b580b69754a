"""Check one unit — a routine body, a view, a file-level statement — and map its findings
to file positions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pgdrift.analysis.env import Env, Variable
from pgdrift.analysis.plpgsql import BodyFinding, BodyResult, check_plpgsql
from pgdrift.analysis.routine import RoutineInfo, routine_info
from pgdrift.analysis.sqlbody import check_sql_body, check_statement, sql_env
from pgdrift.catalog.model import Catalog
from pgdrift.catalog.names import quote_ident, split_qualified
from pgdrift.diagnostic import Diagnostic
from pgdrift.parse.files import Body, SqlFile, Statement, paren_after
from pgdrift.parse.plpgsql import parse_do, parse_function


@dataclass(frozen=True, slots=True)
class Unit:
    file: int  # index of the file
    stmt: int  # index of the statement in the file
    kind: str  # "routine" | "do" | "view" | "query" (CREATE TABLE AS) | "dml" | "ddl" | …
    catalog: int  # index of the catalog snapshot (0 = final)
    schema: str | None = None  # where an unqualified CREATE FUNCTION put the routine
    # The session search_path when the statement ran (SET search_path in the file), for
    # views, DO blocks and file-level statements; routine bodies use the configured one.
    path: tuple[str, ...] | None = None


@dataclass
class UnitResult:
    diagnostics: list[Diagnostic]
    functions: int = 0
    views: int = 0
    statements: int = 0
    unanalysed: int = 0


def _resolver() -> Any:
    """:func:`pgdrift.analysis.resolve.resolve`, imported on first use (it imports sqlglot,
    which a run served from the cache does without)."""
    global _RESOLVE
    if _RESOLVE is None:
        from pgdrift.analysis.resolve import resolve

        _RESOLVE = resolve
    return _RESOLVE


_RESOLVE: Any = None


def check_unit(
    unit: Unit, sql: SqlFile, catalog: Catalog, search_path: tuple[str, ...]
) -> UnitResult:
    stmt = sql.statements[unit.stmt]
    if unit.path is not None:
        search_path = unit.path
    if unit.kind == "routine":
        return _routine(sql, stmt, catalog, search_path, unit.schema)
    if unit.kind == "do":
        return _do(sql, stmt, catalog, search_path)
    if unit.kind == "ddl":
        from pgdrift.checker.ddl_refs import ddl_references

        return UnitResult(ddl_references(stmt, sql.source, catalog, search_path))
    if unit.kind == "trigger-when":
        return _trigger_when(sql, stmt, catalog, search_path)
    if unit.kind == "policy":
        return _policy(sql, stmt, catalog, search_path)
    if unit.kind in ("view", "query"):
        return _query(sql, stmt, stmt.body, catalog, search_path, unit.kind)
    body = stmt.body if stmt.body is not None else Body(stmt.text, stmt.start)
    return _query(sql, stmt, body, catalog, search_path, "statement")


def _syntax(sql: SqlFile, message: str, at: int, context: str | None) -> Diagnostic:
    from pgdrift.rules.pgd001_syntax_error import InvalidSyntax

    end = at
    text = sql.source.text
    while end < len(text) and end - at < 40 and not text[end].isspace():
        end += 1
    return InvalidSyntax.diagnostic(message, sql.source.span(at, end), context=context)


# Compile errors of pglast that come from its missing catalog rather than from the body:
# Postgres may well accept the body, so they are "not checked", not syntax errors.
_CATALOG_ERRORS = (
    "type",
    "scalar variable",
    "record variable",
    "Not implemented",
    "SearchSysCache",
    "does not exist",
    "could not compile",
)


def _body_error(result: UnitResult, sql: SqlFile, body: Body, fn: Any, context: str) -> None:
    """A body pglast could not compile: PGD001 for a syntax error, PGD002 (the body is
    unchecked) when the failure is pglast's lack of a catalog."""
    message = fn.error or "invalid body"
    at = body.file_offset(fn.error_offset)
    if "syntax error" in message or not any(key in message for key in _CATALOG_ERRORS):
        result.diagnostics.append(_syntax(sql, message, at, context))
        return
    from pgdrift.rules.pgd002_unanalysed_statement import UnanalysedStatement

    result.unanalysed += 1
    result.diagnostics.append(
        UnanalysedStatement.diagnostic(
            f"body not checked: pglast could not compile it without a catalog ({message})",
            sql.source.span(at, at),
            context=context,
        )
    )


def _to_diagnostics(
    sql: SqlFile,
    body: Body,
    found: list[BodyFinding],
    context: str | None,
    note: Any = None,
) -> list[Diagnostic]:
    out = []
    for f in found:
        start = body.file_offset(f.start)
        end = body.file_offset(f.end - 1) + 1 if f.end > f.start else start
        notes = tuple(f.notes)
        if note is not None:
            notes = (note(f.start), *notes)
        out.append(
            Diagnostic(
                code=f.rule.code,
                name=f.rule.name,
                severity=f.rule.severity,
                message=f.message,
                span=sql.source.span(start, end),
                help=f.help,
                notes=notes,
                context=context,
            )
        )
    return out


def _trigger_when(
    sql: SqlFile, stmt: Statement, catalog: Catalog, search_path: tuple[str, ...]
) -> UnitResult:
    """``CREATE TRIGGER … WHEN (cond)``: NEW and OLD are rows of the trigger's table."""
    result = UnitResult([])
    body = stmt.body
    rv = stmt.node.relation
    rel = catalog.find_relation(rv.relname, rv.schemaname, search_path)
    if body is None or rel is None:
        return result  # an unknown table is the catalog's to report
    env = Env(catalog, search_path, plpgsql=False)
    for name in ("new", "old"):
        env.variables[name] = Variable(
            name,
            "record",
            is_record=True,
            fields=rel.column_names,
            field_types=tuple(c.type for c in rel.columns),
            relation=rel.qualified_name,
        )
    br = BodyResult()
    check_statement(body.text, env, _resolver(), br, 0, mode="expression")
    br.statements = 0
    context = f"trigger {stmt.node.trigname} on {rel.qualified_name}"
    _merge(result, br, _to_diagnostics(sql, body, br.findings, context))
    return result


def _policy(
    sql: SqlFile, stmt: Statement, catalog: Catalog, search_path: tuple[str, ...]
) -> UnitResult:
    """``CREATE / ALTER POLICY … ON t USING (qual) WITH CHECK (check)``: each expression is
    checked as ``SELECT 1 FROM t WHERE expression``, sub-queries included."""
    result = UnitResult([])
    rv = stmt.node.table
    rel = catalog.find_relation(rv.relname, rv.schemaname, search_path)
    if rel is None or not getattr(rel, "columns_known", True):
        return result  # an unknown table is the catalog's to report
    anchor = stmt.base + (rv.location or 0)
    prefix = f"SELECT 1 FROM {quote_ident(rel.schema)}.{quote_ident(rel.name)} WHERE "
    context = f"policy {stmt.node.policy_name} on {rel.qualified_name}"
    for keywords in (("USING",), ("WITH", "CHECK")):
        expr = paren_after(stmt, *keywords)
        if expr is None:
            continue
        mapping = [anchor] * len(prefix) + [expr.file_offset(i) for i in range(len(expr.text))]
        body = Body(prefix + expr.text, anchor, mapping)
        br = BodyResult()
        check_statement(body.text, Env(catalog, search_path, plpgsql=False), _resolver(), br, 0)
        br.statements = 0
        _merge(result, br, _to_diagnostics(sql, body, br.findings, context))
    return result


def _routine(
    sql: SqlFile,
    stmt: Statement,
    catalog: Catalog,
    search_path: tuple[str, ...],
    schema: str | None = None,
) -> UnitResult:
    info = routine_info(stmt.node, catalog, search_path, schema)
    if info.search_path is not None:
        search_path = info.search_path  # SET search_path = … on the routine
    context = info.context
    language = (stmt.language or info.language).lower()
    if language == "plpgsql" and stmt.body is not None:
        return _plpgsql(sql, stmt, info, catalog, search_path)
    result = UnitResult([], functions=1)
    if language != "sql":
        return result  # C, plpython, …: nothing pgdrift can resolve
    env = sql_env(catalog, search_path, info)
    resolve = _resolver()
    if stmt.atomic:
        for body in stmt.atomic:
            br = BodyResult()
            check_statement(body.text, env, resolve, br, 0)
            _merge(result, br, _to_diagnostics(sql, body, br.findings, context))
        return result
    if stmt.return_expr is not None:
        br = BodyResult()
        check_statement(stmt.return_expr.text, env, resolve, br, 0, mode="expression")
        _merge(result, br, _to_diagnostics(sql, stmt.return_expr, br.findings, context))
        return result
    if stmt.body is None:
        return result
    br, error = check_sql_body(stmt.body.text, env, resolve)
    if error is not None:
        result.diagnostics.append(_syntax(sql, error[0], stmt.body.file_offset(error[1]), context))
    _merge(result, br, _to_diagnostics(sql, stmt.body, br.findings, context))
    return result


def _merge(result: UnitResult, br: BodyResult, diags: list[Diagnostic]) -> None:
    result.diagnostics.extend(diags)
    result.statements += br.statements
    result.unanalysed += br.unanalysed


def _plpgsql(
    sql: SqlFile,
    stmt: Statement,
    info: RoutineInfo,
    catalog: Catalog,
    search_path: tuple[str, ...],
) -> UnitResult:
    body = stmt.body
    assert body is not None
    fn = parse_function(
        stmt.text, body.file_offset(0) - stmt.start, body.text, _scalar_types(catalog, search_path)
    )
    context = info.context
    result = UnitResult([], functions=1)
    if fn.tree is None:
        _body_error(result, sql, body, fn, context)
        return result
    tables: list[Any] = [None]
    transitions: dict[str, Any] = {}
    if info.is_trigger:
        triggers = catalog.triggers_for_function(info.schema, info.name)
        rels = []
        for trg in triggers:
            rel = catalog.relations.get((trg.schema, trg.table))
            if rel is not None and rel not in rels:
                rels.append(rel)
            if rel is not None:
                for name in _transition_tables(trg.definition):
                    transitions[name] = dataclasses.replace(rel, schema="pg_temp", name=name)
        tables = rels or [None]
    resolve = _resolver()
    # Findings per key, with the tables whose NEW/OLD produced them (in order).
    found: dict[tuple[str, int, int, str], tuple[BodyFinding, list[Any]]] = {}
    for table in tables:
        br = check_plpgsql(fn, info, catalog, search_path, resolve, table, transitions)
        for f in br.findings:
            key = (f.rule.code, f.start, f.end, f.message)
            found.setdefault(key, (f, []))[1].append(table)
        if table is tables[0]:
            result.statements += br.statements
            result.unanalysed += br.unanalysed
    for f, where in found.values():
        suffix = ""
        if len(tables) > 1 and len(where) < len(tables):
            names = ", ".join(t.qualified_name for t in where if t is not None)
            suffix = f" (as the trigger function of {names})"

        def note(offset: int, suffix: str = suffix) -> str:
            return f"in {context}, body line {fn.line_of(offset)}{suffix}"

        result.diagnostics.extend(_to_diagnostics(sql, body, [f], context, note))
    return result


def _transition_tables(definition: str | None) -> list[str]:
    """Names of the REFERENCING … TABLE AS … transition tables of a CREATE TRIGGER."""
    if not definition or "referencing" not in definition.lower():
        return []
    from pglast import parser

    try:
        node = parser.parse_sql(definition)[0].stmt
    except (parser.ParseError, IndexError):
        return []
    return [t.name for t in getattr(node, "transitionRels", None) or () if t.name]


def _scalar_types(catalog: Catalog, search_path: tuple[str, ...]) -> Any:
    """Whether a declared type name is a scalar pglast cannot see (True: an enum or a
    domain), a row type (False: a table, view or composite type) or unknown (None)."""

    def scalar(type_text: str) -> bool | None:
        schema, name = split_qualified(type_text.lower())
        for s in (schema,) if schema else search_path:
            if (s, name) in catalog.enums or (s, name) in catalog.domains:
                return True
            if (s, name) in catalog.relations:
                return False
        return None

    # Rewrite declarations up front only when there are enums/domains to find; unknown
    # types are handled when pglast complains (see parse_function).
    scalar.proactive = bool(catalog.enums or catalog.domains)  # type: ignore[attr-defined]
    return scalar


def _do(
    sql: SqlFile, stmt: Statement, catalog: Catalog, search_path: tuple[str, ...]
) -> UnitResult:
    body = stmt.body
    result = UnitResult([], functions=1)
    if body is None or (stmt.language or "plpgsql") != "plpgsql":
        return result
    fn = parse_do(body.text, _scalar_types(catalog, search_path))
    info = RoutineInfo("", "", kind="do")
    if fn.tree is None:
        _body_error(result, sql, body, fn, "DO block")
        return result
    br = check_plpgsql(fn, info, catalog, search_path, _resolver(), None)

    def note(offset: int) -> str:
        return f"in DO block, body line {fn.line_of(offset)}"

    _merge(result, br, _to_diagnostics(sql, body, br.findings, "DO block", note))
    return result


def _query(
    sql: SqlFile,
    stmt: Statement,
    body: Body | None,
    catalog: Catalog,
    search_path: tuple[str, ...],
    what: str,
) -> UnitResult:
    result = UnitResult([], views=1 if what == "view" else 0)
    if body is None:
        return result
    env = Env(catalog, search_path, plpgsql=False)
    br = BodyResult()
    check_statement(body.text, env, _resolver(), br, 0)
    context = None
    rv = getattr(stmt.node, "view", None)
    if what == "view" and rv is not None:
        schema = rv.schemaname or (search_path[0] if search_path else "public")
        context = f"view {schema}.{rv.relname}"
    _merge(result, br, _to_diagnostics(sql, body, br.findings, context))
    return result
