"""DROP, RENAME and SET SCHEMA applied to the catalog (objects move or go; what refers to
them follows: triggers with their table, column types with a renamed type, children with a
renamed parent column, views with a table dropped CASCADE)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pglast
from pglast import ast
from pglast.enums import DropBehavior, ObjectType

from pgdrift.catalog import ddl_tables
from pgdrift.catalog.ddl_context import DdlContext
from pgdrift.catalog.ddl_context import find_sequence as _find_seq
from pgdrift.catalog.ddl_context import split_name as _split
from pgdrift.catalog.model import MATERIALIZED_VIEW, VIEW, Catalog, Relation
from pgdrift.catalog.names import definition_tree, is_node, str_list, walk

_RELATION_OBJECTS = {
    ObjectType.OBJECT_TABLE,
    ObjectType.OBJECT_VIEW,
    ObjectType.OBJECT_MATVIEW,
    ObjectType.OBJECT_FOREIGN_TABLE,
}


def drop(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    kind = node.removeType
    for obj in node.objects or ():
        if kind in _RELATION_OBJECTS or kind == ObjectType.OBJECT_SEQUENCE:
            schema, name = _split(str_list(obj))
            if kind == ObjectType.OBJECT_SEQUENCE:
                key = _find_seq(ctx, schema, name)
                if key is not None:
                    del ctx.catalog.sequences[key]
                continue
            rel = ctx.find_relation(schema, name)
            if rel is not None and (rel.schema, rel.name) in ctx.catalog.relations:
                ctx.catalog.drop_relation(rel.schema, rel.name)
                if node.behavior == DropBehavior.DROP_CASCADE:
                    _drop_dependent_views(ctx, rel)
        elif kind in (ObjectType.OBJECT_TYPE, ObjectType.OBJECT_DOMAIN):
            names = str_list(obj.names) if is_node(obj, ast.TypeName) else str_list(obj)
            key = ctx.resolve_type(*_split(names))
            if key is not None:
                ctx.catalog.enums.pop(key, None)
                ctx.catalog.domains.pop(key, None)
                rel = ctx.catalog.relations.get(key)
                if rel is not None and rel.kind == "composite type":
                    ctx.catalog.drop_relation(*key)
        elif kind in (
            ObjectType.OBJECT_FUNCTION,
            ObjectType.OBJECT_PROCEDURE,
            ObjectType.OBJECT_ROUTINE,
            ObjectType.OBJECT_AGGREGATE,
        ):
            _drop_function(ctx, obj)
        elif kind == ObjectType.OBJECT_TRIGGER:
            names = str_list(obj)
            trig = names[-1]
            rel = ctx.find_relation(names[-3] if len(names) >= 3 else None, names[-2])
            if rel is not None:
                ctx.catalog.triggers.pop((rel.schema, rel.name, trig), None)
        elif kind == ObjectType.OBJECT_INDEX:
            ddl_tables.drop_index(ctx, *_split(str_list(obj)))
        elif kind == ObjectType.OBJECT_SCHEMA:
            name = obj.sval if is_node(obj, ast.String) else str(obj)
            _drop_schema(ctx.catalog, name)
        elif kind == ObjectType.OBJECT_EXTENSION:
            name = obj.sval if is_node(obj, ast.String) else str(obj)
            ctx.catalog.extensions.pop(name, None)
            for key, rel in list(ctx.catalog.relations.items()):
                if rel.extension == name:
                    ctx.catalog.drop_relation(*key)


def _drop_dependent_views(ctx: DdlContext, dropped: Relation) -> None:
    """DROP … CASCADE: views and materialized views reading ``dropped`` go too (and the
    views over those)."""
    gone = [dropped]
    while gone:
        rel = gone.pop()
        for key, view in list(ctx.catalog.relations.items()):
            if view.kind not in (VIEW, MATERIALIZED_VIEW) or not view.definition:
                continue
            try:
                query = definition_tree(view.definition)
            except pglast.parser.ParseError:
                continue
            for node in walk(query):
                if (
                    is_node(node, ast.RangeVar)
                    and node.relname == rel.name
                    and (node.schemaname in (None, rel.schema))
                ):
                    ctx.catalog.drop_relation(*key)
                    gone.append(view)
                    break


def _drop_function(ctx: DdlContext, obj: Any) -> None:
    schema, name = _split(str_list(obj.objname))
    schemas = (schema,) if schema else tuple(ctx.path)
    for s in schemas:
        overloads = ctx.catalog.functions.get((s, name))
        if not overloads:
            continue
        if obj.args_unspecified or obj.objargs is None:
            remaining = []
        else:
            want = tuple(ctx.fmt(t) for t in obj.objargs)
            remaining = [f for f in overloads if tuple(p.type for p in f.input_params) != want]
            if len(remaining) == len(overloads):
                # argument types we could not match exactly: drop by arity
                remaining = [f for f in overloads if len(f.input_params) != len(want)]
        if remaining:
            ctx.catalog.functions[(s, name)] = remaining
        else:
            del ctx.catalog.functions[(s, name)]
        return


def _drop_schema(cat: Catalog, name: str) -> None:
    cat.schemas.discard(name)
    tables: tuple[dict[Any, Any], ...] = (
        cat.relations,
        cat.enums,
        cat.domains,
        cat.sequences,
        cat.functions,
    )
    for d in tables:
        for key in [k for k in d if k[0] == name]:
            del d[key]
    for key in [k for k in cat.triggers if k[0] == name]:
        del cat.triggers[key]


def rename(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    kind = node.renameType
    cat = ctx.catalog
    if kind in _RELATION_OBJECTS or (kind == ObjectType.OBJECT_TYPE and node.relation):
        rel = ctx.find_rangevar(node.relation)
        if rel is None:
            return
        cat.drop_relation(rel.schema, rel.name)
        cat.add_relation(replace(rel, name=node.newname))
        _move_triggers(cat, (rel.schema, rel.name), (rel.schema, node.newname))
    elif kind in (ObjectType.OBJECT_COLUMN, ObjectType.OBJECT_ATTRIBUTE):
        rel = ctx.find_rangevar(node.relation)
        if rel is not None:
            cat.add_relation(ddl_tables.rename_column(rel, node.subname, node.newname))
            if node.relation.inh:
                _rename_in_children(ctx, rel, node.subname, node.newname)
    elif kind == ObjectType.OBJECT_TABCONSTRAINT:
        rel = ctx.find_rangevar(node.relation)
        if rel is not None:
            cons = tuple(
                replace(c, name=node.newname) if c.name == node.subname else c
                for c in rel.constraints
            )
            cat.add_relation(replace(rel, constraints=cons))
    elif kind == ObjectType.OBJECT_INDEX:
        rel_schema, old = node.relation.schemaname, node.relation.relname
        for key, rel in list(cat.relations.items()):
            if (rel_schema is None or key[0] == rel_schema) and any(
                i.name == old for i in rel.indexes
            ):
                idx = tuple(
                    replace(i, name=node.newname) if i.name == old else i for i in rel.indexes
                )
                cat.add_relation(replace(rel, indexes=idx))
                break
    elif kind == ObjectType.OBJECT_SEQUENCE:
        seq_key = _find_seq(ctx, node.relation.schemaname, node.relation.relname)
        if seq_key is not None:
            seq = cat.sequences.pop(seq_key)
            cat.sequences[(seq_key[0], node.newname)] = replace(seq, name=node.newname)
    elif kind == ObjectType.OBJECT_TRIGGER:
        rel = ctx.find_rangevar(node.relation)
        if rel is not None:
            trg = cat.triggers.pop((rel.schema, rel.name, node.subname), None)
            if trg is not None:
                cat.add_trigger(replace(trg, name=node.newname))
    elif kind in (ObjectType.OBJECT_TYPE, ObjectType.OBJECT_DOMAIN):
        names = str_list(node.object.names if is_node(node.object, ast.TypeName) else node.object)
        type_key = ctx.resolve_type(*_split(names))
        if type_key is None:
            return
        key = type_key
        new = (key[0], node.newname)
        if key in cat.enums:
            cat.enums[new] = replace(cat.enums.pop(key), name=node.newname)
        elif key in cat.domains:
            cat.domains[new] = replace(cat.domains.pop(key), name=node.newname)
        elif key in cat.relations:
            cat.add_relation(replace(cat.relations.pop(key), name=node.newname))
        _retype(cat, key, new)
    elif kind in (
        ObjectType.OBJECT_FUNCTION,
        ObjectType.OBJECT_PROCEDURE,
        ObjectType.OBJECT_ROUTINE,
    ):
        _move_function(ctx, node.object, None, node.newname)
    elif kind == ObjectType.OBJECT_SCHEMA:
        _rename_schema(cat, node.subname, node.newname)


def _rename_in_children(ctx: DdlContext, rel: Relation, old: str, new: str) -> None:
    seen: set[tuple[str, str]] = set()
    todo = ddl_tables.children_of(ctx, rel)
    while todo:
        child = todo.pop()
        key = (child.schema, child.name)
        if key in seen:
            continue
        seen.add(key)
        ctx.catalog.add_relation(ddl_tables.rename_column(child, old, new))
        todo.extend(ddl_tables.children_of(ctx, child))


def _retype(cat: Catalog, old: tuple[str, str], new: tuple[str, str]) -> None:
    """Columns and parameters of type ``old`` (or ``old[]``) now name ``new``."""
    from pgdrift.catalog.names import qualified

    old_t, new_t = qualified(*old), qualified(*new)
    mapping = {old_t: new_t, old_t + "[]": new_t + "[]"}
    for key, rel in list(cat.relations.items()):
        if any(c.type in mapping for c in rel.columns):
            cat.relations[key] = rel.with_columns(
                replace(c, type=mapping[c.type]) if c.type in mapping else c for c in rel.columns
            )
    for key, fns in cat.functions.items():
        cat.functions[key] = [
            replace(
                f,
                params=tuple(
                    replace(p, type=mapping[p.type]) if p.type in mapping else p for p in f.params
                ),
                return_type=mapping.get(f.return_type or "", f.return_type),
            )
            for f in fns
        ]
    for key, dom in list(cat.domains.items()):
        if dom.base_type in mapping:
            cat.domains[key] = replace(dom, base_type=mapping[dom.base_type])


def _move_triggers(cat: Catalog, old: tuple[str, str], new: tuple[str, str]) -> None:
    for key in [k for k in cat.triggers if k[:2] == old]:
        trg = cat.triggers.pop(key)
        cat.add_trigger(replace(trg, schema=new[0], table=new[1]))


def _move_function(ctx: DdlContext, obj: Any, schema: str | None, name: str | None) -> None:
    old_schema, old_name = _split(str_list(obj.objname))
    schemas = (old_schema,) if old_schema else tuple(ctx.path)
    for s in schemas:
        overloads = ctx.catalog.functions.get((s, old_name))
        if not overloads:
            continue
        want = tuple(ctx.fmt(t) for t in obj.objargs or ())
        moving = [
            f
            for f in overloads
            if obj.args_unspecified
            or obj.objargs is None
            or tuple(p.type for p in f.input_params) == want
        ] or overloads[:1]
        rest = [f for f in overloads if f not in moving]
        if rest:
            ctx.catalog.functions[(s, old_name)] = rest
        else:
            del ctx.catalog.functions[(s, old_name)]
        for f in moving:
            ctx.catalog.add_function(replace(f, schema=schema or s, name=name or old_name))
        return


def _rename_schema(cat: Catalog, old: str, new: str) -> None:
    cat.schemas.discard(old)
    cat.schemas.add(new)
    tables: tuple[dict[Any, Any], ...] = (cat.relations, cat.enums, cat.domains, cat.sequences)
    for d in tables:
        for key in [k for k in d if k[0] == old]:
            obj = d.pop(key)
            d[(new, key[1])] = replace(obj, schema=new)
    for key in [k for k in cat.functions if k[0] == old]:
        cat.functions[(new, key[1])] = [replace(f, schema=new) for f in cat.functions.pop(key)]
    for key in [k for k in cat.triggers if k[0] == old]:
        trg = cat.triggers.pop(key)
        cat.add_trigger(replace(trg, schema=new))


def set_schema(ctx: DdlContext, node: Any, raw: Any, loc: int) -> None:
    kind = node.objectType
    cat = ctx.catalog
    new = node.newschema
    cat.schemas.add(new)
    if kind in _RELATION_OBJECTS:
        rel = ctx.find_rangevar(node.relation)
        if rel is not None:
            cat.drop_relation(rel.schema, rel.name)
            cat.add_relation(replace(rel, schema=new))
    elif kind == ObjectType.OBJECT_SEQUENCE:
        key = _find_seq(ctx, node.relation.schemaname, node.relation.relname)
        if key is not None:
            cat.sequences[(new, key[1])] = replace(cat.sequences.pop(key), schema=new)
    elif kind in (ObjectType.OBJECT_TYPE, ObjectType.OBJECT_DOMAIN):
        names = str_list(node.object.names if is_node(node.object, ast.TypeName) else node.object)
        key = ctx.resolve_type(*_split(names))
        if key is None:
            return
        if key in cat.enums:
            cat.enums[(new, key[1])] = replace(cat.enums.pop(key), schema=new)
        elif key in cat.domains:
            cat.domains[(new, key[1])] = replace(cat.domains.pop(key), schema=new)
        elif key in cat.relations:
            cat.add_relation(replace(cat.relations.pop(key), schema=new))
        _retype(cat, key, (new, key[1]))
    elif kind in (
        ObjectType.OBJECT_FUNCTION,
        ObjectType.OBJECT_PROCEDURE,
        ObjectType.OBJECT_ROUTINE,
    ):
        _move_function(ctx, node.object, new, None)
