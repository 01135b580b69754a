"""Build a :class:`~pgdrift.catalog.model.Catalog` from the DDL in SQL files.

Statements are applied in order, the way migrations are: CREATE TABLE then ALTER TABLE …
RENAME COLUMN leaves the renamed column. Parsing is pglast's (Postgres's own grammar).
Unsupported statements are ignored; a file that does not parse yields a PGD001 diagnostic
and the other files are still read.

>>> cat, diags = catalog_from_files([SourceFile("m.sql",
...     "CREATE TABLE t (id serial PRIMARY KEY, s text CHECK (s IN ('a', 'b')));"
...     "ALTER TABLE t RENAME COLUMN s TO status;")])
>>> rel = cat.relations[("public", "t")]
>>> [(c.name, c.type, c.not_null) for c in rel.columns]
[('id', 'integer', True), ('status', 'text', False)]
>>> rel.column("status").allowed_values
('a', 'b')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pglast
from pglast import ast
from pglast.enums import ObjectType, VariableSetKind

from pgdrift.catalog import ddl_objects, ddl_routines, ddl_tables
from pgdrift.catalog.builtins_extensions import extension_relations
from pgdrift.catalog.ddl_context import DdlContext
from pgdrift.catalog.ddl_context import find_sequence as _find_seq
from pgdrift.catalog.ddl_context import split_name as _split
from pgdrift.catalog.model import FOREIGN_TABLE, VIEW, Catalog, Column, Domain, EnumType, Relation
from pgdrift.catalog.model import Sequence as Seq
from pgdrift.catalog.names import definition_tree, deparse, is_node, str_list
from pgdrift.catalog.values import allowed_values_from_check
from pgdrift.catalog.viewcols import query_columns
from pgdrift.diagnostic import Diagnostic, Severity
from pgdrift.source import SourceFile

__all__ = ["DdlContext", "apply_source", "apply_statement", "catalog_from_files"]


def apply_statement(
    catalog: Catalog,
    stmt: Any,
    source: SourceFile | None = None,
    offset: int = 0,
    *,
    search_path: list[str] | None = None,
    ctx: DdlContext | None = None,
) -> list[Diagnostic]:
    """Apply one parsed statement (a pglast ``RawStmt`` or statement node) to ``catalog``.

    Node locations (pglast reports character offsets) count from character ``offset`` of
    ``source.text`` (non zero when the statement was parsed from a fragment of the file).
    ``search_path`` is a list that ``SET search_path`` statements update in place. Returns
    diagnostics (none for DDL it does not model, which is ignored).
    """
    if ctx is None:
        ctx = DdlContext(catalog, search_path if search_path is not None else ["public"], source)
        ctx.base_offset = offset
    before = len(ctx.diagnostics)
    raw = stmt if is_node(stmt, ast.RawStmt) else None
    node = stmt.stmt if raw is not None else stmt
    location = raw.stmt_location if raw is not None else 0
    handler = _HANDLERS.get(type(node).__name__)
    if handler is not None:
        try:
            handler(ctx, node, raw, location)
        except (AttributeError, TypeError, ValueError, IndexError, KeyError) as exc:
            ctx.diagnostics.append(_unmodelled(ctx, location, node, exc))
    return ctx.diagnostics[before:]


def apply_source(ctx: DdlContext, source: SourceFile) -> None:
    """Parse ``source`` and apply each statement. A file that does not parse is split into
    statements with the scanner: each broken one becomes a PGD001 diagnostic, the others
    are still applied."""
    ctx.source = source
    ctx.base_offset = 0
    try:
        stmts = pglast.parse_sql(source.text)
    except pglast.parser.ParseError:
        blanked = blank_psql_meta_commands(source.text)
        try:
            if blanked == source.text:
                raise
            stmts = pglast.parse_sql(blanked)
        except pglast.parser.ParseError:
            _apply_broken(ctx, source)
            return
    for raw in stmts:
        apply_statement(ctx.catalog, raw, source, ctx=ctx)
    ctx.base_offset = 0


_META_COMMAND = re.compile(r"(?m)^[ \t]*\\[A-Za-z!?].*$")


def blank_psql_meta_commands(text: str) -> str:
    r"""``text`` with psql meta-command lines (``\restrict …`` in pg_dump output, ``\set``,
    ``\connect`` …) replaced by spaces of the same length, so offsets do not move.

    >>> blank_psql_meta_commands("\\restrict abc\nSELECT 1;") == " " * 13 + "\nSELECT 1;"
    True
    """
    return _META_COMMAND.sub(lambda m: " " * len(m.group()), text)


def _apply_broken(ctx: DdlContext, source: SourceFile) -> None:
    text = blank_psql_meta_commands(source.text)
    try:
        tokens = pglast.parser.scan(text)
    except pglast.parser.ParseError as exc:  # e.g. an unterminated quoted string
        ctx.diagnostics.append(syntax_error(source, exc))
        return
    pieces: list[tuple[int, int]] = []
    start = 0
    for tok in tokens:
        if tok.name == "ASCII_59":  # ';'
            pieces.append((start, tok.start))
            start = tok.end + 1
    pieces.append((start, len(text)))
    for begin, end in pieces:
        piece = text[begin:end]
        if not piece.strip():
            continue
        try:
            stmts = pglast.parse_sql(piece)
        except pglast.parser.ParseError as exc:
            ctx.diagnostics.append(syntax_error(source, exc, begin))
            continue
        for raw in stmts:
            ctx.base_offset = begin
            apply_statement(ctx.catalog, raw, source, ctx=ctx)
    ctx.base_offset = 0


def catalog_from_files(
    paths_or_sources: Iterable[str | Path | SourceFile],
    search_path: Sequence[str] = ("public",),
    catalog: Catalog | None = None,
) -> tuple[Catalog, list[Diagnostic]]:
    """Apply the DDL of each file, in the order given, to a new (or the given) catalog.

    The search_path is reset to ``search_path`` at the start of each file (a ``SET
    search_path`` in one migration does not leak into the next, as with separate psql runs).
    Unreadable files yield a diagnostic too; nothing raises.
    """
    cat = catalog if catalog is not None else Catalog()
    ctx = DdlContext(cat, list(search_path), default_search_path=tuple(search_path))
    for item in paths_or_sources:
        if isinstance(item, SourceFile):
            source = item
        else:
            try:
                source = SourceFile.read(item)
            except (OSError, UnicodeDecodeError) as exc:
                ctx.diagnostics.append(_unreadable(str(item), exc))
                continue
        ctx.search_path = list(search_path)
        apply_source(ctx, source)
    fill_type_values(ctx)
    return cat, ctx.diagnostics


def fill_type_values(ctx: DdlContext) -> None:
    """Finish a catalog read out of dependency order (e.g. expected_schema/ in path order):
    columns typed with an enum or domain defined later get its values, and views read
    before the relations they select from get their columns derived again."""
    _rederive_views(ctx)
    for key, rel in list(ctx.catalog.relations.items()):
        if any(c.allowed_values is None for c in rel.columns):
            cols = [
                replace(c, allowed_values=ctx.allowed_for_type(c.type))
                if c.allowed_values is None
                else c
                for c in rel.columns
            ]
            if cols != list(rel.columns):
                ctx.catalog.relations[key] = rel.with_columns(cols)


# -- diagnostics --


def syntax_error(source: SourceFile, exc: Exception, base: int = 0) -> Diagnostic:
    """PGD001 (rules/pgd001_syntax_error.py) for text pglast cannot parse, at the error.

    Built here without importing the rule: the catalog layer sits below rules/."""
    loc = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
    offset = min(base + loc, len(source.text))
    message = str(exc.args[0]) if exc.args else str(exc)
    end = offset + 1 if offset < len(source.text) else offset
    return Diagnostic("PGD001", "syntax-error", Severity.ERROR, message, source.span(offset, end))


def _unreadable(path: str, exc: Exception) -> Diagnostic:
    return Diagnostic("PGD001", "syntax-error", Severity.ERROR, f"cannot read {path}: {exc}", None)


def _unmodelled(ctx: DdlContext, location: int, node: Any, exc: Exception) -> Diagnostic:
    span = None
    if ctx.source is not None:
        start = ctx.char_offset(location)
        span = ctx.source.span(start, start)
    return Diagnostic(
        "PGD002",
        "unanalysed-statement",
        Severity.WARNING,
        f"{type(node).__name__} statement not applied to the catalog: {exc}",
        span,
    )


# -- handlers --


def _create_stmt(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    ddl_tables.create_table(ctx, node, loc)


def _create_table_as(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    if node.into is not None:
        ddl_tables.create_table_as(ctx, node, loc)


def _select(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    if node.intoClause is not None:
        ddl_tables.create_table_as(ctx, node, loc, node.intoClause)
        return
    # SELECT pg_catalog.set_config('search_path', '', false) (pg_dump output)
    for target in node.targetList or ():
        val = target.val
        if is_node(val, ast.FuncCall) and str_list(val.funcname)[-1:] == ["set_config"]:
            args: Any = val.args or ()
            if (
                len(args) >= 2 and is_node(args[0], ast.A_Const) and is_node(args[1], ast.A_Const)
            ) and getattr(args[0].val, "sval", None) == "search_path":
                ctx.search_path = _parse_path(getattr(args[1].val, "sval", "") or "")


def _rederive_views(ctx: DdlContext) -> None:
    for _ in range(8):  # views over views: a few rounds
        changed = False
        for key, rel in list(ctx.catalog.relations.items()):
            if rel.kind not in (VIEW, "materialized view") or not rel.definition:
                continue
            if rel.columns_known and all(c.type != "unknown" for c in rel.columns):
                continue
            try:
                query = definition_tree(rel.definition)
            except pglast.parser.ParseError:
                continue
            cols = query_columns(query, ctx.find_relation, ctx.fmt)
            if cols is None:
                continue
            if rel.columns_known and len(cols) == len(rel.columns):
                # keep the names (an alias list may have renamed them), take the types
                cols = [
                    replace(new, name=old.name) for old, new in zip(rel.columns, cols, strict=True)
                ]
            elif rel.columns_known:
                continue
            if cols != list(rel.columns) or not rel.columns_known:
                ctx.catalog.relations[key] = replace(rel, columns=tuple(cols), columns_known=True)
                changed = True
        if not changed:
            return


def _parse_path(text: str) -> list[str]:
    out = []
    for part in text.split(","):
        part = part.strip()
        if part.startswith('"') and part.endswith('"'):
            out.append(part[1:-1].replace('""', '"'))
        elif part:
            out.append(part.lower())
    return out


def _variable_set(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    if (node.name or "").lower() != "search_path":
        return
    if node.kind in (VariableSetKind.VAR_SET_DEFAULT, VariableSetKind.VAR_RESET):
        ctx.search_path = list(ctx.default_search_path)
        return
    if node.kind != VariableSetKind.VAR_SET_VALUE:
        return
    path = []
    for arg in node.args or ():
        if is_node(arg, ast.A_Const) and is_node(arg.val, ast.String):
            path.append(arg.val.sval)
    ctx.search_path = path


def _view(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    rv = node.view
    schema = ctx.schema_of(rv.schemaname)
    cols = query_columns(node.query, ctx.find_relation, ctx.fmt)
    aliases = str_list(node.aliases)
    known = cols is not None
    cols = list(cols or [])
    if aliases:
        cols = [
            replace(cols[i], name=a) if i < len(cols) else Column(a, "unknown")
            for i, a in enumerate(aliases)
        ] + cols[len(aliases) :]
    ctx.catalog.schemas.add(schema)
    ctx.catalog.add_relation(
        Relation(
            schema,
            rv.relname,
            VIEW,
            tuple(cols),
            definition=deparse(node.query),
            origin=ctx.origin(loc),
            columns_known=known,
        )
    )


def _alter_table(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    ddl_tables.alter_table(ctx, node)


def _index(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    ddl_tables.create_index(ctx, node)


def _composite(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    ddl_tables.composite_type(ctx, node, loc)


def _enum(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    schema_q, name = _split(str_list(node.typeName))
    schema = ctx.schema_of(schema_q)
    ctx.catalog.schemas.add(schema)
    ctx.catalog.enums[(schema, name)] = EnumType(schema, name, tuple(str_list(node.vals)))


def _alter_enum(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    key = ctx.resolve_type(*_split(str_list(node.typeName)))
    if key is None or key not in ctx.catalog.enums:
        return
    enum = ctx.catalog.enums[key]
    values = list(enum.values)
    if node.oldVal:
        values = [node.newVal if v == node.oldVal else v for v in values]
    elif node.newVal and node.newVal not in values:
        if node.newValNeighbor and node.newValNeighbor in values:
            i = values.index(node.newValNeighbor)
            values.insert(i + 1 if node.newValIsAfter else i, node.newVal)
        else:
            values.append(node.newVal)
    ctx.catalog.enums[key] = replace(enum, values=tuple(values))
    _refresh_allowed(ctx)


def _refresh_allowed(ctx: DdlContext) -> None:
    """Recompute enum/domain/CHECK allowed values of every column after a type changed."""
    for key, rel in list(ctx.catalog.relations.items()):
        ctx.catalog.relations[key] = ddl_tables._recompute_check_values(rel, ctx)


def _domain(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    schema_q, name = _split(str_list(node.domainname))
    schema = ctx.schema_of(schema_q)
    base = ctx.fmt(node.typeName)
    not_null, default, checks = False, None, []
    allowed: tuple[str, ...] | None = ctx.allowed_for_type(base)
    for con in node.constraints or ():
        kind = con.contype.name if con.contype is not None else ""
        if kind == "CONSTR_NOTNULL":
            not_null = True
        elif kind == "CONSTR_DEFAULT":
            default = deparse(con.raw_expr)
        elif kind == "CONSTR_CHECK":
            checks.append(deparse(con.raw_expr))
            found = allowed_values_from_check(con.raw_expr, value_name="value")
            if "value" in found:
                vals = found["value"]
                allowed = vals if allowed is None else tuple(v for v in allowed if v in vals)
    ctx.catalog.schemas.add(schema)
    ctx.catalog.domains[(schema, name)] = Domain(
        schema, name, base, not_null, default, tuple(checks), allowed
    )


def _sequence(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    rv = node.sequence
    schema = ctx.schema_of(rv.schemaname)
    if node.if_not_exists and (schema, rv.relname) in ctx.catalog.sequences:
        return
    data_type, owned = "bigint", None
    for opt in node.options or ():
        if opt.defname == "as" and is_node(opt.arg, ast.TypeName):
            data_type = ctx.fmt(opt.arg)
        elif opt.defname == "owned_by":
            owned = _owned_by(ctx, opt.arg)
    ctx.catalog.schemas.add(schema)
    ctx.catalog.sequences[(schema, rv.relname)] = Seq(
        schema, rv.relname, data_type, deparse(node), owned
    )


def _owned_by(ctx: DdlContext, arg: Any) -> tuple[str, str, str] | None:
    names = str_list(arg)
    if len(names) < 2:
        return None
    rel = ctx.find_relation(names[-3] if len(names) >= 3 else None, names[-2])
    schema = rel.schema if rel is not None else ctx.create_schema
    return (schema, names[-2], names[-1])


def _alter_seq(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    rv = node.sequence
    key = _find_seq(ctx, rv.schemaname, rv.relname)
    if key is None:
        return
    seq = ctx.catalog.sequences[key]
    for opt in node.options or ():
        if opt.defname == "owned_by":
            seq = replace(seq, owned_by=_owned_by(ctx, opt.arg))
        elif opt.defname == "as" and is_node(opt.arg, ast.TypeName):
            seq = replace(seq, data_type=ctx.fmt(opt.arg))
    ctx.catalog.sequences[key] = seq


def _schema(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    name = node.schemaname or (node.authrole.rolename if node.authrole is not None else None)
    if not name:
        return
    ctx.catalog.schemas.add(name)
    if node.schemaElts:
        saved = ctx.search_path
        ctx.search_path = [name, *saved]
        try:
            for elt in node.schemaElts:
                apply_statement(ctx.catalog, elt, ctx.source, ctx=ctx)
        finally:
            ctx.search_path = saved


def _extension(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    schema = None
    for opt in node.options or ():
        if opt.defname == "schema":
            schema = getattr(opt.arg, "sval", None)
    ctx.catalog.extensions[node.extname] = schema or ctx.create_schema
    for rel in extension_relations(node.extname, schema or ctx.create_schema):
        if (rel.schema, rel.name) not in ctx.catalog.relations:
            ctx.catalog.schemas.add(rel.schema)
            ctx.catalog.add_relation(replace(rel, origin=ctx.origin(loc)))


def _function(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    ddl_routines.create_function(ctx, node, raw)


def _define(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    if node.kind == ObjectType.OBJECT_AGGREGATE:
        ddl_routines.create_aggregate(ctx, node, raw)


def _range(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    ddl_routines.create_range(ctx, node, raw)


def _foreign_table(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    ddl_tables.create_table(ctx, node.base, loc)
    rv = node.base.relation
    key = (ctx.schema_of(rv.schemaname), rv.relname)
    rel = ctx.catalog.relations.get(key)
    if rel is not None:
        ctx.catalog.add_relation(replace(rel, kind=FOREIGN_TABLE))


def _trigger(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    ddl_routines.create_trigger(ctx, node, raw)


def _alter_domain(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    key = ctx.resolve_type(*_split(str_list(node.typeName)))
    if key is None or key not in ctx.catalog.domains:
        return
    dom = ctx.catalog.domains[key]
    if node.subtype == "C" and node.def_ is not None:
        con = node.def_
        if con.raw_expr is not None:
            found = allowed_values_from_check(con.raw_expr, value_name="value")
            allowed = dom.allowed_values
            if "value" in found:
                vals = found["value"]
                allowed = vals if allowed is None else tuple(v for v in allowed if v in vals)
            dom = replace(dom, checks=(*dom.checks, deparse(con.raw_expr)), allowed_values=allowed)
    elif node.subtype == "N":
        dom = replace(dom, not_null=False)
    elif node.subtype == "O":
        dom = replace(dom, not_null=True)
    elif node.subtype == "T":
        dom = replace(dom, default=deparse(node.def_) if node.def_ is not None else None)
    ctx.catalog.domains[key] = dom
    _refresh_allowed(ctx)


_HANDLERS = {
    "CreateStmt": _create_stmt,
    "CreateTableAsStmt": _create_table_as,
    "SelectStmt": _select,
    "VariableSetStmt": _variable_set,
    "ViewStmt": _view,
    "AlterTableStmt": _alter_table,
    "IndexStmt": _index,
    "CompositeTypeStmt": _composite,
    "CreateEnumStmt": _enum,
    "AlterEnumStmt": _alter_enum,
    "CreateDomainStmt": _domain,
    "AlterDomainStmt": _alter_domain,
    "CreateSeqStmt": _sequence,
    "AlterSeqStmt": _alter_seq,
    "CreateSchemaStmt": _schema,
    "CreateExtensionStmt": _extension,
    "CreateFunctionStmt": _function,
    "CreateTrigStmt": _trigger,
    "DefineStmt": _define,
    "CreateRangeStmt": _range,
    "CreateForeignTableStmt": _foreign_table,
    "DropStmt": ddl_objects.drop,
    "RenameStmt": ddl_objects.rename,
    "AlterObjectSchemaStmt": ddl_objects.set_schema,
}
