"""CREATE TABLE / ALTER TABLE / CREATE INDEX / CREATE TABLE AS applied to the catalog."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType

from pgdrift.catalog.ddl_context import DdlContext
from pgdrift.catalog.model import (
    COMPOSITE_TYPE,
    MATERIALIZED_VIEW,
    PARTITIONED_TABLE,
    TABLE,
    Column,
    Constraint,
    Index,
    Relation,
    Sequence,
)
from pgdrift.catalog.names import SERIAL_TYPES, deparse, is_node, qualified, str_list, walk
from pgdrift.catalog.values import allowed_values_from_check, referenced_columns
from pgdrift.catalog.viewcols import query_columns

NAMEDATALEN = 64
_KIND_WORD = {
    ConstrType.CONSTR_PRIMARY: "primary key",
    ConstrType.CONSTR_UNIQUE: "unique",
    ConstrType.CONSTR_CHECK: "check",
    ConstrType.CONSTR_FOREIGN: "foreign key",
    ConstrType.CONSTR_EXCLUSION: "exclude",
}
_LIKE_CONSTRAINTS, _LIKE_DEFAULTS, _LIKE_GENERATED, _LIKE_IDENTITY, _LIKE_INDEXES = (
    1 << 2,
    1 << 3,
    1 << 4,
    1 << 5,
    1 << 6,
)


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """Postgres's makeObjectName: ``name1_name2_label`` truncated to fit NAMEDATALEN."""
    overhead = (len(label) + 1 if label else 0) + (1 if name2 else 0)
    avail = NAMEDATALEN - 1 - overhead
    n1, n2 = len(name1.encode()), len(name2.encode()) if name2 else 0
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    out = name1.encode()[:n1].decode(errors="ignore")
    if name2:
        out += "_" + name2.encode()[:n2].decode(errors="ignore")
    if label:
        out += "_" + label
    return out


def choose_name(name1: str, name2: str | None, label: str, taken: set[str]) -> str:
    name = make_object_name(name1, name2, label)
    n = 0
    while name in taken:
        n += 1
        name = make_object_name(name1, name2, f"{label}{n}")
    return name


# -- columns and constraints --


def column_from_def(ctx: DdlContext, table: str, cdef: Any, out_constraints: list[Any]) -> Column:
    """A Column from a ColumnDef; column-level PK/UNIQUE/CHECK/FK/EXCLUDE go to
    ``out_constraints`` as table-level Constraint nodes."""
    type_name = cdef.typeName
    names = str_list(type_name.names) if type_name is not None else []
    col_type = ctx.fmt(type_name) if type_name is not None else "unknown"
    not_null = bool(cdef.is_not_null)
    default = identity = generated = None
    if len(names) == 1 and names[0] in SERIAL_TYPES and not type_name.arrayBounds:
        seq = make_object_name(table, cdef.colname, "seq")
        schema = ctx.create_schema
        default = f"nextval({_literal(qualified(schema, seq))}::regclass)"
        not_null = True
        ctx.catalog.sequences[(schema, seq)] = Sequence(
            schema, seq, col_type, owned_by=(schema, table, cdef.colname)
        )
    allowed = ctx.allowed_for_type(col_type)
    for con in cdef.constraints or ():
        kind = con.contype
        if kind == ConstrType.CONSTR_NOTNULL:
            not_null = True
        elif kind == ConstrType.CONSTR_NULL:
            not_null = False
        elif kind == ConstrType.CONSTR_DEFAULT:
            default = deparse(con.raw_expr)
        elif kind == ConstrType.CONSTR_IDENTITY:
            identity = "always" if con.generated_when == "a" else "by default"
            not_null = True
        elif kind == ConstrType.CONSTR_GENERATED:
            generated = deparse(con.raw_expr)
        elif kind in _KIND_WORD:
            table_con = copy.copy(con)
            if kind in (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE):
                table_con.keys = (ast.String(cdef.colname),)
            elif kind == ConstrType.CONSTR_FOREIGN:
                table_con.fk_attrs = (ast.String(cdef.colname),)
            if kind == ConstrType.CONSTR_PRIMARY:
                not_null = True
            out_constraints.append((table_con, cdef.colname))
    collation = None
    if cdef.collClause is not None:
        collation = ".".join(str_list(cdef.collClause.collname))
    return Column(
        cdef.colname,
        col_type,
        not_null=not_null,
        default=default,
        identity=identity,
        generated=generated,
        collation=collation,
        allowed_values=allowed,
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def constraint_columns(con: Any) -> tuple[str, ...]:
    kind = con.contype
    if kind in (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE):
        return tuple(str_list(con.keys))
    if kind == ConstrType.CONSTR_FOREIGN:
        return tuple(str_list(con.fk_attrs))
    if kind == ConstrType.CONSTR_EXCLUSION:
        cols: list[str] = []
        for pair in con.exclusions or ():
            elem = pair[0]
            cols.append(elem.name if getattr(elem, "name", None) else "expr")
        return tuple(cols)
    if kind == ConstrType.CONSTR_CHECK:
        return tuple(referenced_columns(con.raw_expr))
    return ()


def make_constraint(rel: Relation, con: Any, column: str | None = None) -> Constraint:
    """A model Constraint from a table-level Constraint node, named as Postgres would."""
    kind = con.contype
    cols = constraint_columns(con)
    name = con.conname
    if not name:
        taken = {c.name for c in rel.constraints} | {i.name for i in rel.indexes}
        if kind == ConstrType.CONSTR_PRIMARY:
            name = choose_name(rel.name, None, "pkey", taken)
        elif kind == ConstrType.CONSTR_CHECK:
            first = column or (cols[0] if cols else None)
            name = choose_name(rel.name, first, "check", taken)
        else:
            label = {"unique": "key", "foreign key": "fkey", "exclude": "excl"}[_KIND_WORD[kind]]
            name = choose_name(rel.name, "_".join(cols) or None, label, taken)
    anon = copy.copy(con)
    anon.conname = None
    if anon.raw_expr is not None:
        anon.raw_expr = canonical_expr(anon.raw_expr)
    return Constraint(name, _KIND_WORD[kind], deparse(anon), cols)


def canonical_expr(expr: Any) -> Any:
    """Rewrite ``(ARRAY[a::t1, b::t1])::t2[]`` as ``ARRAY[(a::t1)::t2, (b::t1)::t2]``.

    Postgres prints a CHECK (varchar_col IN (...)) in the first form and, once that text is
    loaded again, in the second: both mean the same, so compare them in one form."""
    if not any(_array_cast(n) for n in walk(expr)):
        return expr
    return _push_casts(expr)


def _array_cast(node: Any) -> bool:
    return (
        is_node(node, ast.TypeCast)
        and is_node(node.arg, ast.A_ArrayExpr)
        and node.typeName is not None
        and bool(node.typeName.arrayBounds)
    )


def _push_casts(node: Any) -> Any:
    if isinstance(node, (list, tuple)):
        return tuple(_push_casts(x) for x in node)
    if not is_node(node, ast.Node):
        return node
    if _array_cast(node):
        elem_type = copy.copy(node.typeName)
        elem_type.arrayBounds = None
        return ast.A_ArrayExpr(
            elements=tuple(
                ast.TypeCast(arg=_push_casts(e), typeName=elem_type)
                for e in node.arg.elements or ()
            )
        )
    for name in type(node).__slots__:
        value = getattr(node, name, None)
        if is_node(value, ast.Node, list, tuple):
            new = _push_casts(value)
            if new is not value and new != value:
                setattr(node, name, new)
    return node


def add_constraint(ctx: DdlContext, rel: Relation, con: Any, column: str | None = None) -> Relation:
    kind = con.contype
    if kind == ConstrType.CONSTR_NOTNULL:
        names = set(str_list(con.keys))
        if column:
            names.add(column)
        cols = [replace(c, not_null=True) if c.name in names else c for c in rel.columns]
        return replace(rel, columns=tuple(cols))
    if kind not in _KIND_WORD:
        return rel
    model = make_constraint(rel, con, column)
    rel = replace(rel, constraints=(*rel.constraints, model))
    if kind == ConstrType.CONSTR_PRIMARY:
        keys = set(model.columns)
        rel = rel.with_columns(
            replace(c, not_null=True) if c.name in keys else c for c in rel.columns
        )
    elif kind == ConstrType.CONSTR_CHECK and not con.skip_validation:
        # a NOT VALID check does not hold for existing rows: comparing with other values
        # (to migrate them before VALIDATE CONSTRAINT) is legitimate
        rel = _apply_check_values(rel, con.raw_expr)
    return rel


def _apply_check_values(rel: Relation, expr: Any) -> Relation:
    found = allowed_values_from_check(expr)
    if not found:
        return rel
    cols = []
    for c in rel.columns:
        values = found.get(c.name)
        if values is not None:
            if c.allowed_values is not None:
                values = tuple(v for v in c.allowed_values if v in values)
            c = replace(c, allowed_values=values)
        cols.append(c)
    return rel.with_columns(cols)


def _recompute_check_values(rel: Relation, ctx: DdlContext) -> Relation:
    """Allowed values from the type and every remaining CHECK constraint."""
    from pglast import parse_sql

    cols = [replace(c, allowed_values=ctx.allowed_for_type(c.type)) for c in rel.columns]
    rel = rel.with_columns(cols)
    for con in rel.constraints:
        if con.kind != "check":
            continue
        try:
            stmt: Any = parse_sql(f"ALTER TABLE t ADD {con.definition}")[0].stmt
            node = stmt.cmds[0].def_
            if not node.skip_validation and not con.definition.rstrip().upper().endswith(
                "NOT VALID"
            ):
                rel = _apply_check_values(rel, node.raw_expr)
        except Exception:
            continue
    return rel


# -- CREATE TABLE --


def create_table(ctx: DdlContext, stmt: Any, location: int) -> None:
    rv = stmt.relation
    schema = ctx.schema_of(rv.schemaname)
    key = (schema, rv.relname)
    if stmt.if_not_exists and key in ctx.catalog.relations:
        return
    if rv.relpersistence == "t":
        schema = "pg_temp"
    rel = Relation(schema, rv.relname, TABLE, origin=ctx.origin(location))
    columns: list[Column] = []
    pending: list[tuple[Any, str | None]] = []
    like_indexes: list[Index] = []
    parents = [ctx.find_rangevar(p) for p in stmt.inhRelations or ()]
    if stmt.partbound is not None:
        parent = parents[0] if parents else None
        if parent is not None:
            columns = [replace(c, identity=None) for c in parent.columns]
        rel = replace(rel, partition_bound=deparse(stmt.partbound))
    else:
        for parent in parents:
            if parent is None:
                continue
            have = {c.name for c in columns}
            columns.extend(c for c in parent.columns if c.name not in have)
            pending.extend(
                (_reparse_check(c), None) for c in parent.constraints if c.kind == "check"
            )
    if stmt.inhRelations:
        first = stmt.inhRelations[0]
        found = parents[0]
        rel = replace(
            rel,
            parent=(found.schema, found.name)
            if found is not None
            else (ctx.schema_of(first.schemaname), first.relname),
        )
    if stmt.ofTypename is not None:
        typ = ctx.resolve_type(*_split_names(str_list(stmt.ofTypename.names)))
        comp = ctx.catalog.relations.get(typ) if typ else None
        if comp is not None:
            columns = list(comp.columns)
    for elt in stmt.tableElts or ():
        if is_node(elt, ast.ColumnDef):
            col = column_from_def(ctx, rv.relname, elt, pending)
            columns = _merge_column(columns, col, elt)
        elif is_node(elt, ast.Constraint):
            pending.append((elt, None))
        elif is_node(elt, ast.TableLikeClause):
            columns, like_cons, like_idx = _like(ctx, elt, columns)
            pending.extend((c, None) for c in like_cons)
            like_indexes.extend(like_idx)
    if stmt.partspec is not None:
        rel = replace(rel, kind=PARTITIONED_TABLE, options=(deparse(stmt.partspec),))
    rel = rel.with_columns(columns)
    for con, column in pending:
        if con is not None:
            rel = add_constraint(ctx, rel, con, column)
    ctx.catalog.schemas.add(schema)
    ctx.catalog.add_relation(rel)
    if like_indexes:
        _copy_indexes(ctx, rel, like_indexes)


def _split_names(names: list[str]) -> tuple[str | None, str]:
    return (names[-2], names[-1]) if len(names) >= 2 else (None, names[-1])


def _reparse_check(con: Constraint) -> Any:
    from pglast import parse_sql

    from pgdrift.catalog.names import quote_ident

    try:
        sql = f"ALTER TABLE t ADD CONSTRAINT {quote_ident(con.name)} {con.definition}"
        stmt: Any = parse_sql(sql)[0].stmt
        return stmt.cmds[0].def_
    except Exception:
        return None


def _merge_column(columns: list[Column], col: Column, cdef: Any) -> list[Column]:
    """A local column definition; for inherited/partition columns it merges options."""
    for i, old in enumerate(columns):
        if old.name == col.name:
            has_type = cdef.typeName is not None
            columns[i] = replace(
                old,
                type=col.type if has_type else old.type,
                not_null=old.not_null or col.not_null,
                default=col.default if col.default is not None else old.default,
                identity=col.identity or old.identity,
                generated=col.generated or old.generated,
                allowed_values=col.allowed_values
                if col.allowed_values is not None
                else old.allowed_values,
            )
            return columns
    columns.append(col)
    return columns


def _like(
    ctx: DdlContext, clause: Any, columns: list[Column]
) -> tuple[list[Column], list[Any], list[Index]]:
    src = ctx.find_rangevar(clause.relation)
    if src is None:
        return columns, [], []
    opts = int(clause.options or 0)
    for c in src.columns:
        columns.append(
            replace(
                c,
                default=c.default if opts & _LIKE_DEFAULTS else None,
                identity=c.identity if opts & _LIKE_IDENTITY else None,
                generated=c.generated if opts & _LIKE_GENERATED else None,
            )
        )
    cons = []
    if opts & _LIKE_CONSTRAINTS:
        cons = [_reparse_check(c) for c in src.constraints if c.kind == "check"]
    idx: list[Index] = []
    if opts & _LIKE_INDEXES:
        # primary key, unique and exclusion constraints come along, renamed for the new
        # table; plain indexes too (created once the table exists)
        cons += [
            _reparse_unnamed(c)
            for c in src.constraints
            if c.kind in ("primary key", "unique", "exclude")
        ]
        idx = list(src.indexes)
    return columns, [c for c in cons if c is not None], idx


def _reparse_unnamed(con: Constraint) -> Any:
    node = _reparse_check(con)
    if node is not None:
        node.conname = None
    return node


def _copy_indexes(ctx: DdlContext, rel: Relation, indexes: list[Index]) -> None:
    """LIKE … INCLUDING INDEXES: each index again on the new table, with a new name."""
    from pglast import parse_sql

    for index in indexes:
        try:
            stmt: Any = parse_sql(index.definition)[0].stmt
        except Exception:
            continue
        stmt.idxname = None
        stmt.relation = ast.RangeVar(schemaname=rel.schema, relname=rel.name, inh=True)
        create_index(ctx, stmt)


# -- CREATE TABLE AS / SELECT INTO / materialized views --


def create_table_as(ctx: DdlContext, stmt: Any, location: int, into: Any = None) -> None:
    into = into if into is not None else stmt.into
    rv = into.rel
    schema = ctx.schema_of(rv.schemaname)
    if getattr(stmt, "if_not_exists", False) and (schema, rv.relname) in ctx.catalog.relations:
        return
    matview = getattr(stmt, "objtype", None) == ObjectType.OBJECT_MATVIEW
    select_into = is_node(stmt, ast.SelectStmt)
    query = None if select_into else stmt.query
    if select_into:
        query = copy.copy(stmt)
        query.intoClause = None
    cols = query_columns(query, ctx.find_relation, ctx.fmt) if query is not None else None
    aliases = str_list(into.colNames)
    known = cols is not None
    cols = cols or []
    if aliases:
        cols = [
            replace(cols[i], name=a) if i < len(cols) else Column(a, "unknown")
            for i, a in enumerate(aliases)
        ] + cols[len(aliases) :]
    rel = Relation(
        schema,
        rv.relname,
        MATERIALIZED_VIEW if matview else TABLE,
        columns=tuple(cols),
        definition=deparse(query) if matview and query is not None else None,
        origin=ctx.origin(location),
        columns_known=known,
    )
    ctx.catalog.schemas.add(schema)
    ctx.catalog.add_relation(rel)


# -- CREATE INDEX --


def create_index(ctx: DdlContext, stmt: Any) -> None:
    rel = ctx.find_rangevar(stmt.relation)
    if rel is None or (rel.schema, rel.name) not in ctx.catalog.relations:
        return
    cols = tuple(
        p.name if p.name else "expr" for p in stmt.indexParams or () if is_node(p, ast.IndexElem)
    )
    name = stmt.idxname
    if name and any(i.name == name for i in rel.indexes) and stmt.if_not_exists:
        return
    if not name:
        taken = {i.name for i in rel.indexes} | {c.name for c in rel.constraints}
        name = choose_name(rel.name, "_".join(cols) or None, "idx", taken)
    node = copy.copy(stmt)
    node.idxname = name
    node.relation = ast.RangeVar(schemaname=rel.schema, relname=rel.name, inh=True)
    node.if_not_exists = False
    node.concurrent = False
    if not node.accessMethod:
        node.accessMethod = "btree"
    index = Index(name, deparse(node), cols, bool(stmt.unique))
    others = tuple(i for i in rel.indexes if i.name != name)
    ctx.catalog.add_relation(replace(rel, indexes=(*others, index)))


def drop_index(ctx: DdlContext, schema: str | None, name: str) -> None:
    schemas = (schema,) if schema else tuple(ctx.path)
    for key, rel in list(ctx.catalog.relations.items()):
        if key[0] in schemas and any(i.name == name for i in rel.indexes):
            ctx.catalog.add_relation(
                replace(rel, indexes=tuple(i for i in rel.indexes if i.name != name))
            )
            return


# -- ALTER TABLE --


def alter_table(ctx: DdlContext, stmt: Any) -> None:
    if stmt.objtype == ObjectType.OBJECT_INDEX:
        _alter_index(ctx, stmt)
        return
    rel = ctx.find_rangevar(stmt.relation)
    if rel is None or (rel.schema, rel.name) not in ctx.catalog.relations:
        return
    for cmd in stmt.cmds or ():
        rel = _alter_cmd(ctx, rel, cmd)
    ctx.catalog.add_relation(rel)
    if stmt.relation.inh:  # not ALTER TABLE ONLY: column changes reach children
        column_cmds = [c for c in stmt.cmds or () if c.subtype in _RECURSING]
        if column_cmds:
            for child in children_of(ctx, rel):
                _alter_child(ctx, child, column_cmds)


def _alter_index(ctx: DdlContext, stmt: Any) -> None:
    """ALTER INDEX parent_idx ATTACH PARTITION child_idx (pg_dump output): the child index
    becomes part of the partitioned index, which the model keeps on the parent only."""
    for cmd in stmt.cmds or ():
        if cmd.subtype == AlterTableType.AT_AttachPartition and cmd.def_ is not None:
            child = cmd.def_.name
            drop_index(ctx, child.schemaname, child.relname)


# Column changes Postgres applies to inheritance children and partitions as well.
_RECURSING = {
    AlterTableType.AT_AddColumn,
    AlterTableType.AT_DropColumn,
    AlterTableType.AT_AlterColumnType,
    AlterTableType.AT_SetNotNull,
    AlterTableType.AT_DropNotNull,
}


def children_of(ctx: DdlContext, rel: Relation) -> list[Relation]:
    key = (rel.schema, rel.name)
    return [r for r in ctx.catalog.relations.values() if r.parent == key]


def _alter_child(ctx: DdlContext, child: Relation, cmds: list[Any], depth: int = 0) -> None:
    if depth > 32:
        return
    for cmd in cmds:
        if cmd.subtype == AlterTableType.AT_AddColumn:
            existing = child.column(cmd.def_.colname)
            if existing is not None:  # merged with the child's own column
                continue
            pending: list[Any] = []
            col = column_from_def(ctx, child.name, cmd.def_, pending)
            child = child.with_columns((*child.columns, replace(col, identity=None)))
        elif cmd.subtype == AlterTableType.AT_DropNotNull and child.partition_bound is None:
            continue  # inheritance children keep their own NOT NULL
        else:
            child = _alter_cmd(ctx, child, cmd)
    ctx.catalog.add_relation(child)
    for grandchild in children_of(ctx, child):
        _alter_child(ctx, grandchild, cmds, depth + 1)


def _alter_cmd(ctx: DdlContext, rel: Relation, cmd: Any) -> Relation:
    sub = cmd.subtype
    name = cmd.name
    if sub == AlterTableType.AT_AddColumn:
        cdef = cmd.def_
        if cmd.missing_ok and rel.column(cdef.colname) is not None:
            return rel
        pending: list[Any] = []
        col = column_from_def(ctx, rel.name, cdef, pending)
        rel = rel.with_columns((*[c for c in rel.columns if c.name != col.name], col))
        for con, column in pending:
            rel = add_constraint(ctx, rel, con, column)
        return rel
    if sub == AlterTableType.AT_DropColumn:
        cols = tuple(c for c in rel.columns if c.name != name)
        return replace(
            rel,
            columns=cols,
            constraints=tuple(c for c in rel.constraints if name not in c.columns),
            indexes=tuple(i for i in rel.indexes if name not in i.columns),
        )
    if sub == AlterTableType.AT_ColumnDefault:
        value = deparse(cmd.def_) if cmd.def_ is not None else None
        return _set_col(rel, name, default=value)
    if sub == AlterTableType.AT_SetNotNull:
        return _set_col(rel, name, not_null=True)
    if sub == AlterTableType.AT_DropNotNull:
        return _set_col(rel, name, not_null=False)
    if sub == AlterTableType.AT_AlterColumnType:
        if rel.column(name) is None:
            return rel
        new_type = ctx.fmt(cmd.def_.typeName)
        rel = _set_col(rel, name, type=new_type)
        return _recompute_check_values(rel, ctx)
    if sub == AlterTableType.AT_AddConstraint:
        return add_constraint(ctx, rel, cmd.def_)
    if sub == AlterTableType.AT_DropConstraint:
        rel = replace(rel, constraints=tuple(c for c in rel.constraints if c.name != name))
        return _recompute_check_values(rel, ctx)
    if sub == AlterTableType.AT_AddIdentity:
        kind = "always" if cmd.def_.generated_when == "a" else "by default"
        return _set_col(rel, name, identity=kind, not_null=True)
    if sub == AlterTableType.AT_DropIdentity:
        return _set_col(rel, name, identity=None)
    if sub == AlterTableType.AT_DropExpression:
        return _set_col(rel, name, generated=None)
    if sub == AlterTableType.AT_AddInherit:
        parent = ctx.find_rangevar(cmd.def_)
        if parent is not None:
            return replace(rel, parent=(parent.schema, parent.name))
        return rel
    if sub == AlterTableType.AT_DropInherit:
        return replace(rel, parent=None)
    if sub == AlterTableType.AT_AttachPartition:
        part_cmd = cmd.def_
        child = ctx.find_rangevar(part_cmd.name)
        if child is not None and (child.schema, child.name) in ctx.catalog.relations:
            bound = deparse(part_cmd.bound) if part_cmd.bound is not None else None
            ctx.catalog.add_relation(
                replace(child, parent=(rel.schema, rel.name), partition_bound=bound)
            )
        return rel
    if sub == AlterTableType.AT_DetachPartition:
        child = ctx.find_rangevar(cmd.def_.name)
        if child is not None and (child.schema, child.name) in ctx.catalog.relations:
            ctx.catalog.add_relation(replace(child, parent=None, partition_bound=None))
        return rel
    return rel


def _set_col(rel: Relation, name: str | None, **changes: Any) -> Relation:
    return rel.with_columns(replace(c, **changes) if c.name == name else c for c in rel.columns)


def rename_column(rel: Relation, old: str, new: str) -> Relation:
    cols = tuple(replace(c, name=new) if c.name == old else c for c in rel.columns)

    def ren(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if n == old else n for n in names)

    return replace(
        rel,
        columns=cols,
        constraints=tuple(
            replace(
                c,
                columns=ren(c.columns),
                definition=_renamed_definition("ALTER TABLE t ADD ", c.definition, old, new),
            )
            if old in c.columns
            else c
            for c in rel.constraints
        ),
        indexes=tuple(
            replace(
                i,
                columns=ren(i.columns),
                definition=_renamed_definition("", i.definition, old, new),
            )
            if old in i.columns or i.columns == ("expr",)
            else i
            for i in rel.indexes
        ),
    )


def _renamed_definition(prefix: str, definition: str, old: str, new: str) -> str:
    """``definition`` with the table's column ``old`` called ``new`` (a CHECK expression,
    key lists, index elements; never the referenced table's columns of a foreign key)."""
    from pglast import parse_sql

    try:
        stmt: Any = parse_sql(prefix + definition)[0].stmt
    except Exception:
        return definition
    node = stmt.cmds[0].def_ if prefix else stmt
    if prefix:
        node.keys = _renamed_names(node.keys, old, new)
        node.fk_attrs = _renamed_names(node.fk_attrs, old, new)
        node.including = _renamed_names(node.including, old, new)
    for n in walk(node.raw_expr if prefix else node):
        if is_node(n, ast.ColumnRef) and n.fields and is_node(n.fields[-1], ast.String):
            if n.fields[-1].sval == old:
                n.fields = (*n.fields[:-1], ast.String(sval=new))
        elif is_node(n, ast.IndexElem) and n.name == old:
            n.name = new
    if prefix:
        for pair in node.exclusions or ():
            if is_node(pair[0], ast.IndexElem) and pair[0].name == old:
                pair[0].name = new
        node.conname = None
    return deparse(node)


def _renamed_names(names: Any, old: str, new: str) -> Any:
    if not names:
        return names
    return tuple(ast.String(sval=new) if x.sval == old else x for x in names)


def composite_type(ctx: DdlContext, stmt: Any, location: int) -> None:
    rv = stmt.typevar
    schema = ctx.schema_of(rv.schemaname)
    cols = []
    for cdef in stmt.coldeflist or ():
        col_type = ctx.fmt(cdef.typeName)
        cols.append(Column(cdef.colname, col_type, allowed_values=ctx.allowed_for_type(col_type)))
    ctx.catalog.schemas.add(schema)
    ctx.catalog.add_relation(
        Relation(schema, rv.relname, COMPOSITE_TYPE, tuple(cols), origin=ctx.origin(location))
    )
