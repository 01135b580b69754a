"""State shared by the DDL handlers: the catalog being built, the search_path, the source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pgdrift.catalog.builtins import find_builtin_relation
from pgdrift.catalog.model import Catalog, Column, Relation
from pgdrift.catalog.names import format_type, split_qualified, str_list
from pgdrift.diagnostic import Diagnostic
from pgdrift.source import SourceFile


@dataclass
class DdlContext:
    """Where statements are applied. ``search_path`` changes with ``SET search_path``."""

    catalog: Catalog
    search_path: list[str] = field(default_factory=lambda: ["public"])
    source: SourceFile | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    base_offset: int = 0  # character offset in source.text that node locations count from
    default_search_path: tuple[str, ...] = ("public",)

    @property
    def path(self) -> list[str]:
        return [s for s in self.search_path if s and s != "$user"]

    @property
    def create_schema(self) -> str:
        """Where an unqualified CREATE puts its object."""
        path = self.path
        return path[0] if path else "public"

    def schema_of(self, schema: str | None) -> str:
        return schema if schema else self.create_schema

    # -- lookups --

    def find_relation(self, schema: str | None, name: str) -> Relation | None:
        if schema is not None:
            rel = self.catalog.relations.get((schema, name))
            if rel is None and schema in ("pg_catalog", "information_schema"):
                return find_builtin_relation(name, schema)
            return rel
        for s in self.path:
            rel = self.catalog.relations.get((s, name))
            if rel is not None:
                return rel
        return find_builtin_relation(name)

    def find_rangevar(self, rv: Any) -> Relation | None:
        return self.find_relation(rv.schemaname, rv.relname)

    def resolve_type(self, schema: str | None, name: str) -> tuple[str, str] | None:
        cat = self.catalog
        for s in (schema,) if schema is not None else tuple(self.path):
            key = (s, name)
            if key in cat.enums or key in cat.domains or key in cat.relations:
                return key
        return None

    def fmt(self, type_name: Any) -> str:
        if type_name.pct_type:
            return self._pct_type(type_name)
        return format_type(type_name, self.resolve_type, self.create_schema)

    def _pct_type(self, type_name: Any) -> str:
        names = str_list(type_name.names)
        suffix = "[]" if type_name.arrayBounds else ""
        if len(names) >= 2:
            rel = self.find_relation(names[-3] if len(names) >= 3 else None, names[-2])
            col = rel.column(names[-1]) if rel is not None else None
            if col is not None:
                return col.type + suffix
        return "unknown" + suffix

    def allowed_for_type(self, type_text: str) -> tuple[str, ...] | None:
        """Values an enum or domain type allows (None for other types and arrays)."""
        if type_text.endswith("[]"):
            return None
        schema, name = split_qualified(type_text)
        if schema is None:
            return None
        key = (schema, name)
        if key in self.catalog.enums:
            return self.catalog.enums[key].values
        if key in self.catalog.domains:
            dom = self.catalog.domains[key]
            if dom.allowed_values is not None:
                return dom.allowed_values
            return self.allowed_for_type(dom.base_type)
        return None

    # -- positions --

    def char_offset(self, location: int) -> int:
        """Character offset in the source of a node location.

        pglast 8 reports character offsets (its Cython layer converts libpg_query's UTF-8
        byte offsets; measured), relative to the text it parsed."""
        return self.base_offset + max(location, 0)

    def origin(self, location: int) -> str | None:
        if self.source is None:
            return None
        line, _ = self.source.position(self.char_offset(location))
        return f"{self.source.path}:{line}"


def split_name(names: list[str]) -> tuple[str | None, str]:
    """``(schema or None, name)`` of a possibly qualified name list."""
    return (names[-2], names[-1]) if len(names) >= 2 else (None, names[-1])


def find_sequence(ctx: DdlContext, schema: str | None, name: str) -> tuple[str, str] | None:
    for s in (schema,) if schema else tuple(ctx.path):
        if (s, name) in ctx.catalog.sequences:
            return (s, name)
    return None


def columns_named(cols: Iterable[Column]) -> dict[str, Column]:
    return {c.name: c for c in cols}
