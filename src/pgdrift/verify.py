"""``pgdrift verify``: Postgres's own, exact verdict on the files.

Recipe: start a throwaway server (the harness providers), load the ``expected_schema/``
files (when configured) and then the files, in order, statement by statement, into a fresh
database -- a statement Postgres refuses is a finding at its ``file:line:col`` with
Postgres's message; then have Postgres analyse every embedded statement of every
PL/pgSQL function, procedure, trigger function (once per table it is attached to) and DO
block without running it, through :class:`pgdrift.harness.pgverdict.PgResolver` driven by
the same PL/pgSQL walker as ``check`` -- so codes, positions and renderers are those of
``check``. Views, file-level DML and SQL functions are validated by Postgres when they
load; when one fails, its statements are re-analysed to report every wrong reference.

>>> result = verify_paths(["sql"], Config())  # doctest: +SKIP
>>> [d.code for d in result.diagnostics]  # doctest: +SKIP
['PGD103', 'PGD103', 'PGD101', 'PGD101']
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import psycopg

from pgdrift.checker import schema_sources
from pgdrift.config import Config
from pgdrift.diagnostic import Diagnostic
from pgdrift.harness.pgtext import quote_ident
from pgdrift.parse.files import Body, SqlFile, Statement, split_file
from pgdrift.source import SourceFile

_NEW_OLD = re.compile(r"\b(new|old)\s*\.\s*$", re.IGNORECASE)


_NEW_OLD_AT = re.compile(r"(new|old)\s*\.", re.IGNORECASE)


def _record_field(text: str, at: int) -> bool:
    """Whether the name at ``at`` is qualified by NEW or OLD (or is ``new.x``/``old.x``)."""
    return bool(_NEW_OLD.search(text[max(0, at - 12) : at]) or _NEW_OLD_AT.match(text, at))


@dataclass
class VerifyStats:
    files: int = 0
    functions: int = 0
    views: int = 0
    statements: int = 0  # embedded statements Postgres analysed
    unanalysed: int = 0
    loaded: int = 0  # top-level statements loaded
    failed: int = 0  # top-level statements Postgres refused


@dataclass
class VerifyResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: VerifyStats = field(default_factory=VerifyStats)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    server: str = ""  # "PostgreSQL 15.18 (local)"
    # objects whose CREATE failed -> (path, offset) of that statement
    failed_objects: dict[str, tuple[str, int]] = field(default_factory=dict)
    # the snapshot loaded before the files (--schema): part of the catalog the walker uses
    schema_sources: list[SourceFile] = field(default_factory=list)
    # the search_path in force at each statement, by (path, statement index)
    paths: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)


@dataclass
class _Failure:
    sqlstate: str
    message: str
    start: int
    end: int
    detail: str | None = None
    hint: str | None = None
    context: str | None = None


def verify_paths(
    paths: Sequence[str],
    config: Config,
    *,
    server: Any = None,
    server_options: Any = None,
    progress: Callable[[int, int, str], Any] | None = None,
    load_schema: bool = False,
) -> VerifyResult:
    """Verify the ``*.sql`` files under ``paths`` (see the module docstring).

    ``server``: a running server to create the throwaway database on (default: one from
    the harness providers, stopped afterwards). ``load_schema``: load ``config.schema``
    (an ``expected_schema/`` snapshot, whose files are in no dependency order) before the
    files; off by default, since files that build their own schema would then meet every
    object twice. Raises ``FileNotFoundError`` for a missing path and
    :class:`pgdrift.harness.providers.NoServerError` when no server can be had.
    """
    from pgdrift.check import collect_files

    files = collect_files(list(paths), config)
    sources = [SourceFile.read(f) for f in files]
    schema_files = schema_sources(config, missing_ok=True) if load_schema else []
    own_server = server is None
    if own_server:
        from pgdrift.harness.providers import ServerOptions, start_first

        server, _passed = start_first(server_options or ServerOptions())
    try:
        return verify_sources(sources, config, server, schema_files, progress)
    finally:
        if own_server:
            server.stop()


def verify_sources(
    sources: list[SourceFile],
    config: Config,
    server: Any,
    schema_sources: Sequence[SourceFile] = (),
    progress: Callable[[int, int, str], Any] | None = None,
) -> VerifyResult:
    """Verify already-read ``sources`` on ``server`` (a fresh database is created and
    dropped)."""
    from pgdrift.harness.databases import Databases

    search_path = tuple(config.search_path) or ("public",)
    result = VerifyResult(sources={s.path: s for s in sources})
    result.schema_sources = list(schema_sources)
    result.stats.files = len(sources)
    result.server = f"PostgreSQL {server.version} ({server.provider})"
    dbs = Databases(server)
    try:
        db = dbs.create(None)
        sqlfiles = [split_file(s) for s in sources]
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            _load_unordered(conn, [split_file(x) for x in schema_sources], search_path, result)
            failures = [_load(conn, sf, search_path, result) for sf in sqlfiles]
        with psycopg.connect(db.dsn) as conn:
            _analyse(conn, sqlfiles, failures, search_path, result, progress)
    finally:
        dbs.close()
    _drop_consequences(result)
    result.diagnostics.sort(key=lambda d: d.sort_key)
    return result


# -- loading ------------------------------------------------------------------------------


def _load_unordered(
    conn: psycopg.Connection, sqlfiles: list[SqlFile], search_path: tuple[str, ...], result: Any
) -> None:
    """Load a snapshot whose files are in no dependency order (a table before the function
    its default calls…): statements that fail are retried after the others, until a round
    makes no progress; what still fails then is reported."""
    from pgdrift.harness.sqlload import units

    pending = [(sf, unit) for sf in sqlfiles for unit in units(sf.source, sf)]
    errors: dict[tuple[str, int], _Failure] = {}
    while pending:
        left = []
        errors = {}
        for sf, unit in pending:
            conn.execute("SET search_path TO " + ", ".join(quote_ident(x) for x in search_path))
            try:
                conn.execute(unit.text.encode("utf-8"), prepare=False)
            except psycopg.Error as exc:
                d = exc.diag
                at = unit.start
                if d.statement_position and str(d.statement_position).isdigit():
                    at = unit.start + int(d.statement_position) - 1
                errors[(sf.source.path, unit.start)] = _Failure(
                    d.sqlstate or "", d.message_primary or str(exc), at, unit.end
                )
                left.append((sf, unit))
        if len(left) == len(pending):
            break
        pending = left
    for sf, unit in pending:
        fail = errors[(sf.source.path, unit.start)]
        fail.end = _token_end(sf.source.text, fail.start, unit.end)
        result.sources[sf.source.path] = sf.source
        result.diagnostics.append(_failure_diagnostic(sf, fail, "schema snapshot"))


def _load(
    conn: psycopg.Connection, sf: SqlFile, search_path: tuple[str, ...], result: VerifyResult
) -> dict[int, _Failure]:
    """Run every statement of ``sf`` in order (autocommit, like psql); failures by
    statement index (``-1 - n`` for text pglast could not parse)."""
    from pgdrift.harness.sqlload import units

    conn.execute("RESET ALL")  # each file as its own psql session: no SET leaks into the next
    conn.execute("SET search_path TO " + ", ".join(quote_ident(s) for s in search_path))
    by_start = {st.start: st.index for st in sf.statements}
    failures: dict[int, _Failure] = {}
    broken = 0
    current = tuple(search_path)
    for unit in units(sf.source, sf):
        key = by_start.get(unit.start)
        if key is not None:
            result.paths[(sf.source.path, key)] = current
            if _copy_from_stdin(sf.statements[key].node):
                continue  # pg_dump data: its rows are not statements (parse/files skips them)
        try:
            conn.execute(unit.text.encode("utf-8"), prepare=False)
            result.stats.loaded += 1
            if key is not None and type(sf.statements[key].node).__name__ == "VariableSetStmt":
                current = _search_path(conn) or current
            continue
        except psycopg.Error as exc:
            d = exc.diag
            at = unit.start
            if d.statement_position and str(d.statement_position).isdigit():
                at = unit.start + int(d.statement_position) - 1
            elif key is not None and _in_body_at(sf.statements[key], d) is not None:
                at = _in_body_at(sf.statements[key], d) or unit.start
            else:
                at = _locate_name(unit.text, d.message_primary or "", unit.start)
            at = min(max(at, unit.start), max(unit.end - 1, unit.start))
            fail = _Failure(
                d.sqlstate or "",
                d.message_primary or str(exc).strip(),
                at,
                _token_end(sf.source.text, at, unit.end),
                d.message_detail,
                d.message_hint,
                (d.context or "").splitlines()[0] if d.context else None,
            )
        result.stats.failed += 1
        if conn.pgconn.transaction_status == psycopg.pq.TransactionStatus.ACTIVE:
            raise RuntimeError(f"{sf.source.path}: the connection is stuck after a statement")
        if fail.sqlstate == "25P02":
            continue  # "current transaction is aborted": the failure before it is the finding
        if key is None:
            broken += 1
            key = -broken
        else:
            for name in _created_names(sf.statements[key].node):
                result.failed_objects.setdefault(name, (sf.source.path, unit.start))
        failures[key] = fail
    return failures


_BODY_LINE = re.compile(r"PL/pgSQL function [^\n]* line (\d+) at")


def _in_body_at(stmt: Statement, diag: Any) -> int | None:
    """File offset of a run-time error inside a DO block's body (Postgres says "line N"
    of the body and gives the failing query with a position in it)."""
    m = _BODY_LINE.search(diag.context or "")
    if m is None or stmt.body is None or stmt.kind != "do":
        return None
    body = stmt.body
    lines = body.text.split("\n")
    line = int(m.group(1))
    if not 0 < line <= len(lines):
        return None
    offset = sum(len(x) + 1 for x in lines[: line - 1])
    raw = diag.internal_query or ""
    lead = len(raw) - len(raw.lstrip())
    query = raw.strip()
    where = body.text.find(query, offset) if query else -1
    if where < 0 and query.upper().startswith("SELECT "):  # PERFORM x -> SELECT x
        where = body.text.find(query[7:], offset)
        lead += 7
    if where >= 0 and diag.internal_position and str(diag.internal_position).isdigit():
        return body.file_offset(where + int(diag.internal_position) - 1 - lead)
    text = lines[line - 1]
    return body.file_offset(offset + len(text) - len(text.lstrip()))


def _search_path(conn: psycopg.Connection) -> tuple[str, ...]:
    """The session's search_path as schema names (``$user`` left out)."""
    row = conn.execute("SHOW search_path").fetchone()
    names = []
    for item in str(row[0] if row else "").split(","):
        name = item.strip()
        if name.startswith('"') and name.endswith('"'):
            name = name[1:-1].replace('""', '"')
        if name and name != "$user":
            names.append(name)
    return tuple(names)


def _copy_from_stdin(node: Any) -> bool:
    from pglast import ast

    return isinstance(node, ast.CopyStmt) and bool(node.is_from) and not node.filename


_QUOTED = re.compile(r'"([^"]+)"')


def _locate_name(text: str, message: str, base: int) -> int:
    """Where the first name quoted in ``message`` appears in the statement ``text`` (for
    errors Postgres reports without a position, e.g. an index on a missing column)."""
    from pglast.parser import ParseError, scan

    names = _QUOTED.findall(message)
    if not names:
        return base
    try:
        tokens = scan(text)
    except ParseError:
        return base
    for name in names:
        for tok in tokens:
            word = text[tok.start : tok.end + 1]
            if word == name or word.lower() == name or word == f'"{name}"':
                return base + tok.start
    return base


def _created_names(node: Any) -> list[str]:
    """Names of the objects a CREATE statement makes (lower-case, unqualified)."""
    from pglast import ast

    def last(names: Any) -> str | None:
        items = [n.sval for n in names or () if isinstance(n, ast.String)]
        return items[-1] if items else None

    found: list[str | None] = []
    n: Any = node
    if isinstance(n, ast.CreateFunctionStmt):
        found.append(last(n.funcname))
    elif isinstance(n, ast.CreateStmt | ast.ViewStmt):
        rel: Any = n.relation if isinstance(n, ast.CreateStmt) else n.view
        found.append(rel.relname if rel is not None else None)
    elif isinstance(n, ast.CreateTableAsStmt) and n.into is not None:
        found.append(n.into.rel.relname if n.into.rel is not None else None)
    elif isinstance(n, ast.CompositeTypeStmt) and n.typevar is not None:
        found.append(n.typevar.relname)
    elif isinstance(n, ast.CreateEnumStmt):
        found.append(last(n.typeName))
    elif isinstance(n, ast.CreateDomainStmt):
        found.append(last(n.domainname))
    return [n for n in found if n]


_MENTIONS = re.compile(
    r'(?:function|procedure) "?([\w$.]+?)"?\(|(?:relation|type|view) "([^"]+)"'
    r'|type name "([\w$]+)\.'
)
_CONSEQUENCE_CODES = ("PGD001", "PGD003", "PGD102", "PGD104", "PGD108", "PGD110")


def _drop_consequences(result: VerifyResult) -> None:
    """A statement that fails only because an earlier one did not load (the function it
    comments on or calls, the table it alters…) is not a finding of its own: it becomes a
    note on the statement that failed first."""
    if not result.failed_objects:
        return
    kept: list[Diagnostic] = []
    later: dict[tuple[str, int], int] = {}
    for d in result.diagnostics:
        root = None
        if d.code in _CONSEQUENCE_CODES and d.span is not None:
            for m in _MENTIONS.finditer(" ".join((d.message, *d.notes))):
                name = (m.group(1) or m.group(2) or m.group(3) or "").rsplit(".", 1)[-1]
                origin = result.failed_objects.get(name)
                if origin is not None and not _same_statement(
                    result, origin[0], origin[1], d.span.start, d.span.path
                ):
                    root = origin
                    break
        if root is None:
            kept.append(d)
        else:
            later[root] = later.get(root, 0) + 1
    out = []
    for d in kept:
        n = later.get((d.span.path, d.span.start), 0) if d.span is not None else 0
        if not n and d.span is not None:
            # the root diagnostic sits at Postgres's position inside the statement
            for (path, start), count in later.items():
                if (
                    path == d.span.path
                    and d.code in _ROOT_CODES
                    and _same_statement(result, path, start, d.span.start)
                ):
                    n = count
                    later[(path, start)] = 0
        if n:
            d = replace(
                d, notes=(*d.notes, f"{n} later statement(s) failed because this did not load")
            )
        out.append(d)
    result.diagnostics = out


_ROOT_CODES = (
    "PGD001",
    "PGD003",
    "PGD101",
    "PGD102",
    "PGD103",
    "PGD104",
    "PGD105",
    "PGD107",
    "PGD109",
    "PGD110",
)


def _same_statement(
    result: VerifyResult, path: str, start: int, offset: int, other_path: str | None = None
) -> bool:
    """Whether ``offset`` (in ``other_path``, default ``path``) lies in the statement of
    ``path`` that starts at ``start``."""
    if other_path is not None and other_path != path:
        return False
    src = result.sources.get(path)
    if src is None:
        return False
    stmts = split_file(src).statements
    for st in stmts:
        if st.start == start:
            return st.start <= offset <= st.end
    return False


def _token_end(text: str, at: int, limit: int) -> int:
    end = at
    while end < min(limit, len(text)) and not text[end].isspace() and end - at < 60:
        end += 1
    return max(end, at + 1)


def _failure_diagnostic(sf: SqlFile, fail: _Failure, context: str | None) -> Diagnostic:
    from pgdrift.harness.pgtext import code_for
    from pgdrift.rules import load_all

    code = code_for(fail.sqlstate, fail.message) or "PGD003"
    if code == "PGD101" and _record_field(sf.source.text, fail.start):
        code = "PGD103"  # NEW.x / OLD.x in a trigger's WHEN clause
    rule = load_all()[code]
    notes = tuple(
        f"{k}: {v}"
        for k, v in (("detail", fail.detail), ("hint", fail.hint), ("context", fail.context))
        if v
    )
    return rule.diagnostic(
        fail.message + (f" [{fail.sqlstate}]" if fail.sqlstate else ""),
        sf.source.span(fail.start, fail.end),
        notes=notes,
        context=context,
    )


# -- analysis -----------------------------------------------------------------------------


def _analyse(
    conn: psycopg.Connection,
    sqlfiles: list[SqlFile],
    failures: list[dict[int, _Failure]],
    search_path: tuple[str, ...],
    result: VerifyResult,
    progress: Callable[[int, int, str], Any] | None,
) -> None:
    from pgdrift.catalog.ddl import catalog_from_files

    catalog, _diags = catalog_from_files(
        [*result.schema_sources, *(sf.source for sf in sqlfiles)], search_path
    )
    conn.execute("SET search_path TO " + ", ".join(quote_ident(s) for s in search_path))
    conn.commit()
    total = sum(len(sf.statements) for sf in sqlfiles)
    done = 0
    for sf, failed in zip(sqlfiles, failures, strict=True):
        for key, broken in failed.items():
            if key < 0:  # text pglast could not parse: only Postgres's message
                result.diagnostics.append(_failure_diagnostic(sf, broken, None))
        for stmt in sf.statements:
            done += 1
            fail = failed.get(stmt.index)
            here = result.paths.get((sf.source.path, stmt.index), search_path)
            try:
                conn.execute(
                    "SELECT set_config('search_path', %s, true)",
                    (", ".join(quote_ident(x) for x in here) or "pg_catalog",),
                )
                found, context = _analyse_statement(conn, sf, stmt, fail, catalog, here, result)
            except psycopg.Error:
                found, context = [], None
                result.stats.unanalysed += 1
            finally:
                with contextlib.suppress(psycopg.Error):
                    conn.rollback()
            result.diagnostics.extend(found)
            if fail is not None and not any(d.code != "PGD002" for d in found):
                result.diagnostics.append(_failure_diagnostic(sf, fail, context))
            if progress is not None:
                progress(done, total, sf.source.path)


def _analyse_statement(
    conn: psycopg.Connection,
    sf: SqlFile,
    stmt: Statement,
    fail: _Failure | None,
    catalog: Any,
    search_path: tuple[str, ...],
    result: VerifyResult,
) -> tuple[list[Diagnostic], str | None]:
    from pgdrift.analysis.env import Env
    from pgdrift.analysis.plpgsql import BodyResult
    from pgdrift.analysis.routine import routine_info
    from pgdrift.analysis.sqlbody import check_sql_body, check_statement, sql_env
    from pgdrift.checker.units import _to_diagnostics
    from pgdrift.harness.pgverdict import PgResolver

    stats = result.stats
    if stmt.kind == "function":
        info = routine_info(stmt.node, catalog, search_path)
        stats.functions += 1
        language = (stmt.language or info.language).lower()
        if fail is not None and fail.sqlstate == "42601":
            return [], info.context  # the body does not compile: Postgres said where
        if fail is None and _superseded(conn, stmt, info):
            return [], info.context  # replaced or dropped later: the final one counts
        own_path = _function_search_path(stmt.node)
        if own_path is not None:  # the function's own SET search_path applies to its body
            conn.execute("SELECT set_config('search_path', %s, true)", (own_path,))
        if language == "plpgsql" and stmt.body is not None:
            return _plpgsql(conn, sf, stmt, info, catalog, search_path, result), info.context
        if language != "sql":
            return [], info.context  # C, plpython…: nothing to analyse
        # SQL bodies are validated by CREATE FUNCTION unless check_function_bodies was off
        # (pg_dump output turns it off): analyse them in any case.
        positional = tuple(p.type for p in info.params if p.is_input)
        resolver = PgResolver(conn, positional)
        env = sql_env(catalog, search_path, info)
        out: list[Diagnostic] = []
        bodies = stmt.atomic or ([stmt.body] if stmt.body is not None else [])
        for body in bodies:
            br = BodyResult()
            if stmt.atomic:
                check_statement(body.text, env, resolver, br, 0)
            else:
                br, _err = check_sql_body(body.text, env, resolver)
            out.extend(_to_diagnostics(sf, body, br.findings, info.context))
        stats.statements += resolver.analysed
        return out, info.context
    if stmt.kind == "do":
        stats.functions += 1
        return _do(conn, sf, stmt, catalog, search_path, result), "DO block"
    if stmt.kind in ("view", "create-as", "dml") and fail is not None:
        query: Body | None = stmt.body if stmt.kind != "dml" else Body(stmt.text, stmt.start)
        if stmt.kind == "view":
            stats.views += 1
        if query is None:
            return [], None
        resolver = PgResolver(conn)
        br = BodyResult()
        check_statement(query.text, Env(catalog, search_path, plpgsql=False), resolver, br, 0)
        stats.statements += resolver.analysed
        return _to_diagnostics(sf, query, br.findings, None), None
    if stmt.kind == "view":
        stats.views += 1
    return [], None


def _plpgsql(
    conn: psycopg.Connection,
    sf: SqlFile,
    stmt: Statement,
    info: Any,
    catalog: Any,
    search_path: tuple[str, ...],
    result: VerifyResult,
) -> list[Diagnostic]:
    from pgdrift.analysis.plpgsql import check_plpgsql
    from pgdrift.checker.units import _scalar_types, _to_diagnostics
    from pgdrift.harness.pgverdict import PgResolver
    from pgdrift.parse.plpgsql import parse_function

    body = stmt.body
    assert body is not None
    fn = parse_function(
        stmt.text, body.file_offset(0) - stmt.start, body.text, _scalar_types(catalog, search_path)
    )
    if fn.tree is None:
        return []  # Postgres compiled it (it loaded); pglast could not: nothing to walk
    tables: list[Any] = [None]
    if info.is_trigger:
        rels = []
        for trg in catalog.triggers_for_function(info.schema, info.name):
            rel = catalog.relations.get((trg.schema, trg.table))
            if rel is not None and rel not in rels:
                rels.append(rel)
        tables = rels or [None]
    positional = tuple(p.type for p in info.params if p.is_input)
    seen: set[tuple[str, int, int]] = set()
    out: list[Diagnostic] = []

    def note(offset: int) -> str:
        return f"in {info.context}, body line {fn.line_of(offset)}"

    own_path = _function_search_path(stmt.node)
    for table in tables:
        if own_path is not None:  # (again: each table's analysis is rolled back)
            conn.execute("SELECT set_config('search_path', %s, true)", (own_path,))
        if table is not None:
            _transition_tables(conn, info, table)
        resolver = PgResolver(conn, positional)
        br = check_plpgsql(fn, info, catalog, search_path, resolver, table)
        conn.rollback()
        fresh = [f for f in br.findings if (f.rule.code, f.start, f.end) not in seen]
        seen.update((f.rule.code, f.start, f.end) for f in fresh)
        out.extend(_to_diagnostics(sf, body, fresh, info.context, note))
        if table is tables[0]:
            result.stats.statements += resolver.analysed
            result.stats.unanalysed += br.unanalysed
    return out


def _transition_tables(conn: psycopg.Connection, info: Any, table: Any) -> None:
    """``REFERENCING NEW TABLE AS x``: make ``x`` exist (shaped like the trigger's table)
    for the analysis of the trigger function; rolled back with it."""
    qualified = f"{quote_ident(table.schema)}.{quote_ident(table.name)}"
    rows = conn.execute(
        "SELECT tgoldtable, tgnewtable FROM pg_trigger WHERE tgfoid = to_regprocedure(%s) "
        "AND tgrelid = to_regclass(%s)",
        (info.signature, qualified),
    ).fetchall()
    for names in rows:
        for name in names:
            if name:
                conn.execute(f"CREATE TEMP TABLE {quote_ident(name)} (LIKE {qualified})")


def _superseded(conn: psycopg.Connection, stmt: Statement, info: Any) -> bool:
    """True when no function of this name has this body any more: a later CREATE OR
    REPLACE redefined it, or a DROP removed it."""
    body = stmt.body.text if stmt.body is not None else None
    if body is None:
        return False
    rows = conn.execute(
        "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.proname = %s AND n.nspname = %s",
        (info.name, info.schema),
    ).fetchall()
    return not any(r[0] == body for r in rows)


def _function_search_path(node: Any) -> str | None:
    """The value of a ``SET search_path …`` clause of CREATE FUNCTION, if any."""
    from pglast import ast

    for opt in node.options or ():
        arg = opt.arg
        if (
            opt.defname == "set"
            and isinstance(arg, ast.VariableSetStmt)
            and arg.name == "search_path"
            and arg.args
        ):
            names = [getattr(a.val, "sval", None) for a in arg.args]
            if all(names):
                return ", ".join(quote_ident(n) for n in names if n)
    return None


def _do(
    conn: psycopg.Connection,
    sf: SqlFile,
    stmt: Statement,
    catalog: Any,
    search_path: tuple[str, ...],
    result: VerifyResult,
) -> list[Diagnostic]:
    from pgdrift.analysis.plpgsql import check_plpgsql
    from pgdrift.analysis.routine import RoutineInfo
    from pgdrift.checker.units import _scalar_types, _to_diagnostics
    from pgdrift.harness.pgverdict import PgResolver
    from pgdrift.parse.plpgsql import parse_do

    body = stmt.body
    if body is None or (stmt.language or "plpgsql") != "plpgsql":
        return []
    fn = parse_do(body.text, _scalar_types(catalog, search_path))
    if fn.tree is None:
        return []
    resolver = PgResolver(conn)
    br = check_plpgsql(fn, RoutineInfo("", "", kind="do"), catalog, search_path, resolver, None)
    result.stats.statements += resolver.analysed
    result.stats.unanalysed += br.unanalysed

    def note(offset: int) -> str:
        return f"in DO block, body line {fn.line_of(offset)}"

    return _to_diagnostics(sf, body, br.findings, "DO block", note)
