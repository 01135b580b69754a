"""Column references inside DDL: index columns and predicates, CHECK constraints, row
security policies, ALTER TABLE … ALTER/DROP/RENAME COLUMN. Postgres rejects a wrong one
when the migration runs; pgdrift reports it before.

Only references to the statement's own table are checked. Row security policies are
checked as queries (``checker.units``), sub-queries included.

>>> from pgdrift.catalog.ddl import catalog_from_files
>>> from pgdrift.parse.files import split_file
>>> from pgdrift.source import SourceFile
>>> src = SourceFile("m.sql", "CREATE TABLE t (id int, email text);\\nCREATE INDEX ON t (emial);")
>>> cat, _ = catalog_from_files([src])
>>> stmt = split_file(src).statements[1]
>>> [(d.code, d.span.line, d.span.col, d.help) for d in ddl_references(stmt, src, cat, ("public",))]
[('PGD101', 2, 20, 'did you mean "email"?')]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast, parser
from pglast.enums import AlterTableType, ConstrType, ObjectType

from pgdrift.catalog.model import Catalog, Relation
from pgdrift.diagnostic import Diagnostic
from pgdrift.parse.files import Statement
from pgdrift.source import SourceFile

# ALTER TABLE subcommands naming an existing column in ``cmd.name``.
_COLUMN_COMMANDS = {
    AlterTableType.AT_SetNotNull,
    AlterTableType.AT_DropNotNull,
    AlterTableType.AT_ColumnDefault,
    AlterTableType.AT_AlterColumnType,
    AlterTableType.AT_SetStatistics,
    AlterTableType.AT_SetStorage,
    AlterTableType.AT_DropColumn,
    AlterTableType.AT_DropIdentity,
    AlterTableType.AT_DropExpression,
}

# Statements whose references must be checked after the statement is applied (they may
# name columns the same statement adds) versus before (they name columns that exist).
AFTER = (ast.IndexStmt, ast.CreateStmt)


def wants_check(node: Any) -> str | None:
    """``"before"``/``"after"`` when the statement has column references to check."""
    if isinstance(node, AFTER):
        return "after"
    if isinstance(node, ast.AlterTableStmt) and node.objtype == ObjectType.OBJECT_TABLE:
        return "before"
    if isinstance(node, ast.RenameStmt) and node.renameType == ObjectType.OBJECT_COLUMN:
        return "before"
    return None


def ddl_references(
    stmt: Statement, source: SourceFile, catalog: Catalog, search_path: tuple[str, ...]
) -> list[Diagnostic]:
    """PGD101 for every column the DDL statement names that its table does not have."""
    node = stmt.node
    rv = getattr(node, "relation", None) or getattr(node, "table", None)
    if rv is None or getattr(rv, "relname", None) is None:
        return []
    rel = catalog.find_relation(rv.relname, rv.schemaname, search_path)
    if rel is None or not getattr(rel, "columns_known", True):
        return []  # an unknown table is reported where it is used, not here
    names = {c.name for c in rel.columns}
    if rel.has_system_columns:
        names |= {"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"}
    if isinstance(node, ast.AlterTableStmt):  # checked before it runs: its own ADD COLUMNs
        for cmd in node.cmds or ():
            if cmd.subtype == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
                names.add(str(cmd.def_.colname))
    out: list[Diagnostic] = []
    for name, offset in _references(stmt, node, rel):
        if name not in names:
            out.append(_unknown(source, rel, name, offset))
    return out


def _references(stmt: Statement, node: Any, rel: Relation) -> Iterator[tuple[str, int]]:
    """(column name, file offset) of every reference to the table's columns."""
    base = stmt.base
    if isinstance(node, ast.IndexStmt):
        for elem in (*(node.indexParams or ()), *(node.indexIncludingParams or ())):
            if elem.name:
                yield elem.name, _find_name(stmt, elem.name)
            elif elem.expr is not None:
                yield from _column_refs(elem.expr, rel, base)
        if node.whereClause is not None:
            yield from _column_refs(node.whereClause, rel, base)
    elif isinstance(node, ast.CreateStmt):
        for elt in node.tableElts or ():
            constraints: list[Any] = [elt] if isinstance(elt, ast.Constraint) else []
            if isinstance(elt, ast.ColumnDef):
                constraints = list(elt.constraints or ())
            for con in constraints:
                if con.contype == ConstrType.CONSTR_CHECK and con.raw_expr is not None:
                    yield from _column_refs(con.raw_expr, rel, base)
    elif isinstance(node, ast.AlterTableStmt):
        for cmd in node.cmds or ():
            if cmd.subtype in _COLUMN_COMMANDS and cmd.name and not cmd.missing_ok:
                yield cmd.name, _find_name(stmt, cmd.name)
            con = cmd.def_ if isinstance(cmd.def_, ast.Constraint) else None
            if con is not None and con.contype == ConstrType.CONSTR_CHECK and con.raw_expr:
                yield from _column_refs(con.raw_expr, rel, base)
    elif isinstance(node, ast.RenameStmt) and node.subname and not node.missing_ok:
        yield node.subname, _find_name(stmt, node.subname)


def _column_refs(expr: Any, rel: Relation, base: int) -> Iterator[tuple[str, int]]:
    """Column references of ``expr`` that are the table's (unqualified or qualified by its
    name); sub-queries are not entered."""
    stack = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple | list):
            stack.extend(item)
            continue
        if not isinstance(item, ast.Node) or isinstance(item, ast.SubLink):
            continue
        if isinstance(item, ast.ColumnRef):
            fields = [getattr(f, "sval", None) for f in item.fields or ()]
            if not fields or any(not isinstance(f, str) for f in fields):
                continue  # a star
            if len(fields) == 1 or (len(fields) == 2 and fields[0] == rel.name):
                yield str(fields[-1]), base + (item.location or 0)
            continue
        for slot in item:
            stack.append(getattr(item, slot))


def _find_name(stmt: Statement, name: str) -> int:
    """File offset of the last token of ``stmt`` spelling identifier ``name``."""
    found = stmt.start
    try:
        tokens = parser.scan(stmt.text)
    except parser.ParseError:
        return found
    for tok in tokens:
        text = stmt.text[tok.start : tok.end + 1]
        folded = text[1:-1].replace('""', '"') if text.startswith('"') else text.lower()
        if folded == name:
            found = stmt.start + tok.start
    return found


def _unknown(source: SourceFile, rel: Relation, name: str, offset: int) -> Diagnostic:
    from pgdrift.analysis.suggest import did_you_mean
    from pgdrift.rules.pgd101_unknown_column import UnknownColumn

    end = offset + len(name) + (2 if source.text[offset : offset + 1] == '"' else 0)
    return UnknownColumn.diagnostic(
        f'column "{name}" of relation "{rel.name}" does not exist',
        source.span(offset, end),
        help=did_you_mean(name, rel.column_names),
        context=f"table {rel.qualified_name}",
    )
