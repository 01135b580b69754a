"""What the checker needs to know about one routine, from its CREATE statement's AST.

>>> from pglast import parse_sql
>>> node = parse_sql("create function s.f(a int, OUT b text) language plpgsql as 'x'")[0].stmt
>>> info = routine_info(node, Catalog(), ("public",))
>>> info.signature, [(p.name, p.type, p.mode) for p in info.params]
('s.f(integer)', [('a', 'integer', 'i'), ('b', 'text', 'o')])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pgdrift.catalog.model import IN, Catalog, FunctionParam, Relation
from pgdrift.catalog.names import format_type, str_list

_MODES = {"i": "i", "d": "i", "o": "o", "b": "b", "v": "v", "t": "t"}


@dataclass(frozen=True, slots=True)
class RoutineInfo:
    schema: str
    name: str
    kind: str = "function"  # "function" | "procedure" | "do"
    language: str = "plpgsql"
    params: tuple[FunctionParam, ...] = ()
    # TypeName nodes of the parameters (for %TYPE and composite lookups), by position.
    param_nodes: tuple[Any, ...] = field(default=(), compare=False)
    return_type: str | None = None
    returns_set: bool = False
    # ``SET search_path = …`` on the routine: the body runs with it.
    search_path: tuple[str, ...] | None = None
    # ``SET plpgsql.variable_conflict = …`` on the routine (a ``#variable_conflict`` in the
    # body overrides it).
    variable_conflict: str | None = None

    @property
    def is_trigger(self) -> bool:
        return self.return_type in ("trigger", "pg_catalog.trigger")

    @property
    def is_event_trigger(self) -> bool:
        return self.return_type in ("event_trigger", "pg_catalog.event_trigger")

    @property
    def signature(self) -> str:
        if self.kind == "do":
            return "DO block"
        args = ", ".join(p.type for p in self.params if p.is_input)
        return f"{self.schema}.{self.name}({args})"

    @property
    def context(self) -> str:
        if self.kind == "do":
            return "DO block"
        return f"{self.kind} {self.signature}"


def type_resolver(catalog: Catalog, search_path: tuple[str, ...]) -> Any:
    def resolve(schema: str | None, name: str) -> tuple[str, str] | None:
        for s in (schema,) if schema is not None else search_path:
            key = (s, name)
            if key in catalog.enums or key in catalog.domains or key in catalog.relations:
                return key
        return None

    return resolve


def routine_info(
    node: Any,
    catalog: Catalog,
    search_path: tuple[str, ...],
    default_schema: str | None = None,
) -> RoutineInfo:
    """RoutineInfo of a pglast ``CreateFunctionStmt``; an unqualified name is created in
    ``default_schema`` (the first of the search_path in effect at CREATE time)."""
    names = str_list(node.funcname)
    if default_schema is None:
        default_schema = search_path[0] if search_path else "public"
    schema = names[-2] if len(names) >= 2 else default_schema
    resolver = type_resolver(catalog, search_path)
    params: list[FunctionParam] = []
    nodes: list[Any] = []
    for p in node.parameters or ():
        mode = getattr(p.mode, "value", p.mode)
        type_text = _type_text(p.argType, catalog, search_path, resolver)
        params.append(
            FunctionParam(
                p.name or None, type_text, _MODES.get(str(mode), IN), p.defexpr is not None
            )
        )
        nodes.append(p.argType)
    language = "sql"
    own_path: tuple[str, ...] | None = None
    conflict: str | None = None
    for opt in node.options or ():
        if opt.defname == "language" and opt.arg is not None:
            language = str(getattr(opt.arg, "sval", "sql")).lower()
        elif (
            opt.defname == "set"
            and getattr(opt.arg, "name", None) == "search_path"
            and opt.arg.args  # not FROM CURRENT, whose value pgdrift cannot know
        ):
            values = [getattr(getattr(a, "val", None), "sval", None) for a in opt.arg.args]
            own_path = tuple(v for v in values if v and v != "$user")
        elif (
            opt.defname == "set"
            and getattr(opt.arg, "name", None) == "plpgsql.variable_conflict"
            and opt.arg.args
        ):
            value = getattr(getattr(opt.arg.args[0], "val", None), "sval", None)
            if value and value.lower() in ("error", "use_variable", "use_column"):
                conflict = value.lower()
    return_type = None
    returns_set = False
    if node.returnType is not None:
        return_type = _type_text(node.returnType, catalog, search_path, resolver)
        returns_set = bool(node.returnType.setof)
    return RoutineInfo(
        schema=schema,
        name=names[-1],
        kind="procedure" if node.is_procedure else "function",
        language=language,
        params=tuple(params),
        param_nodes=tuple(nodes),
        return_type=return_type,
        returns_set=returns_set,
        search_path=own_path,
        variable_conflict=conflict,
    )


def _type_text(tn: Any, catalog: Catalog, search_path: tuple[str, ...], resolver: Any) -> str:
    if getattr(tn, "pct_type", False):
        names = str_list(tn.names)
        if len(names) >= 2:
            rel = catalog.find_relation(
                names[-2], names[-3] if len(names) >= 3 else None, search_path
            )
            col = rel.column(names[-1]) if rel is not None else None
            if col is not None:
                return col.type + ("[]" if tn.arrayBounds else "")
        return "unknown"
    default = search_path[0] if search_path else "public"
    text = format_type(tn, resolver, default)
    return text.removeprefix("pg_catalog.")


def relation_of_type(
    catalog: Catalog, type_text: str | None, search_path: tuple[str, ...]
) -> Relation | None:
    """The relation whose row type ``type_text`` names (a table, view or composite type)."""
    if not type_text or type_text.endswith("]") or " " in type_text:
        return None
    if '"' not in type_text and "." not in type_text:
        schema, name = None, type_text
    else:
        from pgdrift.catalog.names import split_qualified

        schema, name = split_qualified(type_text)
    rel = catalog.find_relation(name, schema, search_path)
    return rel
