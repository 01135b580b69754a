"""Scopes of a statement: the sources (relations, CTEs, subqueries, functions) each query
level can see, and how an identifier is looked up in them.

A :class:`Source` is one ``FROM`` item as seen by references: the name they qualify with
(alias, else relation name) and its columns — or ``None`` when its shape cannot be known,
in which case every column reference to it is accepted. A :class:`Scope` is one query
level: its sources, its ``USING``/``NATURAL`` merged columns and a parent for correlated
references.

>>> from pgdrift.catalog.model import Relation, Column
>>> rel = Relation("public", "jobs", columns=(Column("id", "bigint"), Column("status", "text")))
>>> scope = Scope([relation_source(rel, "j")])
>>> scope.lookup("status")[0].name
'j'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pgdrift.catalog.model import SYSTEM_COLUMNS, Catalog, Relation

SYSTEM_COLUMN_NAMES = frozenset(name for name, _ in SYSTEM_COLUMNS)
_SYSTEM_TYPES = dict(SYSTEM_COLUMNS)


@dataclass(slots=True)
class Source:
    """One FROM item (or DML target) as references see it."""

    name: str
    columns: tuple[str, ...] | None
    types: tuple[str | None, ...] | None = None
    relation: Relation | None = None
    label: str = ""  # for messages: "public.jobs", "subquery s", "function f"
    schema: str | None = None  # set for an unaliased relation (schema.table.col refs)
    system_columns: bool = False
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def has(self, column: str) -> bool | None:
        """True/False when the shape is known, None when it is not."""
        if self.columns is None:
            return None
        if column in self.columns:
            return True
        return self.system_columns and column in SYSTEM_COLUMN_NAMES

    def type_of(self, column: str) -> str | None:
        if self.columns is None:
            return None
        if column in self.columns:
            idx = self.columns.index(column)
            if self.types is not None and idx < len(self.types):
                return self.types[idx]
            return None
        return _SYSTEM_TYPES.get(column)

    @property
    def describe(self) -> str:
        return self.label or self.name


@dataclass(slots=True)
class Scope:
    """One query level."""

    sources: list[Source] = field(default_factory=list)
    parent: Scope | None = None
    # USING / NATURAL join columns: name -> ids of the sources merged into one column
    merged: dict[str, set[int]] = field(default_factory=dict)
    # FROM items of this level a JOIN … ON cannot see (listed before a comma)
    hidden: list[Source] = field(default_factory=list)
    # index in ``sources`` where the current comma-separated FROM item (join tree) starts
    segment: int = 0
    # Output-column names usable by bare names in ORDER BY / GROUP BY.
    output_names: set[str] = field(default_factory=set)
    # Sources reachable only by a qualified name (PostgreSQL 18's ``RETURNING old.col,
    # new.col``): never searched for an unqualified column.
    qualifiers: dict[str, Source] = field(default_factory=dict)

    def chain(self) -> list[Scope]:
        out: list[Scope] = []
        scope: Scope | None = self
        while scope is not None:
            out.append(scope)
            scope = scope.parent
        return out

    def lookup(self, column: str) -> tuple[Source | None, list[Source], bool]:
        """Find an unqualified column: ``(source, all_matches, maybe)``.

        Searches this level, then the enclosing ones; stops at the first level where the
        name is found or where a source of unknown shape could provide it (``maybe``).
        ``all_matches`` lists every source of that level holding the name (ambiguity).
        """
        for scope in self.chain():
            matches = [s for s in scope.sources if s.has(column)]
            if matches:
                group = scope.merged.get(column)
                if group:
                    distinct = [m for m in matches if id(m) not in group]
                    joined = [m for m in matches if id(m) in group]
                    matches = joined[:1] + distinct
                return matches[0], matches, False
            if any(s.columns is None for s in scope.sources):
                return None, [], True
        return None, [], False

    def merge(self, column: str, sources: list[Source]) -> None:
        """Record that ``sources`` provide one merged ``column`` (USING / NATURAL)."""
        group = self.merged.setdefault(column, set())
        group.update(id(s) for s in sources)

    def find_source(self, name: str, schema: str | None = None) -> Source | None:
        for scope in self.chain():
            for src in reversed(scope.sources):
                if src.name == name and (schema is None or src.schema == schema):
                    return src
            if schema is None and name in scope.qualifiers:
                return scope.qualifiers[name]
        return None

    def visible_columns(self) -> list[str]:
        out: list[str] = []
        for scope in self.chain():
            for src in scope.sources:
                out.extend(src.columns or ())
        return out

    def source_names(self) -> list[str]:
        return [s.name for scope in self.chain() for s in scope.sources]


def allowed_values(
    catalog: Catalog, search_path: tuple[str, ...], column_type: str
) -> tuple[str, ...] | None:
    """The values an enum or constrained domain type allows, or None."""
    if not column_type or column_type.endswith("]"):
        return None
    name = column_type.strip().strip('"')
    schema: str | None = None
    if "." in name:
        schema, _, name = name.partition(".")
        schema = schema.strip('"')
        name = name.strip('"')
    if not catalog.enums and not catalog.domains:
        return None
    found = catalog.find_type(name, schema, search_path)
    values = getattr(found, "values", None)
    if values is not None and not isinstance(found, Relation):
        return tuple(values)
    return getattr(found, "allowed_values", None) if found is not None else None


# id(relation) -> (relation, catalog, search_path, allowed values): relations are frozen, and
# the identity checks make a reused id harmless.
_RELATION_CACHE: dict[
    int, tuple[Relation, Catalog | None, tuple[str, ...], dict[str, tuple[str, ...]]]
] = {}


def relation_source(
    rel: Relation,
    alias: str | None = None,
    *,
    catalog: Catalog | None = None,
    search_path: tuple[str, ...] = ("public",),
) -> Source:
    """A source for a catalog relation, referenced by ``alias`` or its own name."""
    key = id(rel)
    hit = _RELATION_CACHE.get(key)
    # Enum/domain values can change under an unchanged relation (ALTER TYPE … ADD VALUE):
    # only relations whose values come from CHECKs alone (no enums/domains) are cached.
    cacheable = catalog is None or not (catalog.enums or catalog.domains)
    if (
        hit is not None
        and cacheable
        and hit[0] is rel
        and hit[1] is catalog
        and hit[2] == search_path
    ):
        allowed = dict(hit[3])
    else:
        allowed = {}
        for col in rel.columns:
            values = col.allowed_values
            if values is None and catalog is not None:
                values = allowed_values(catalog, search_path, col.type)
            if values is not None:
                allowed[col.name] = values
        if cacheable:
            if len(_RELATION_CACHE) > 20000:
                _RELATION_CACHE.clear()
            _RELATION_CACHE[key] = (rel, catalog, search_path, dict(allowed))
    # A view whose output columns could not be derived (SELECT * FROM a user function…)
    # has an unknown shape, not an empty one.
    known = getattr(rel, "columns_known", True)
    return Source(
        name=alias or rel.name,
        columns=rel.column_names if known else None,
        types=tuple(c.type for c in rel.columns) if known else None,
        relation=rel,
        label=rel.qualified_name,
        schema=None if alias else rel.schema,
        system_columns=rel.has_system_columns,
        allowed=allowed,
    )


# Output columns of built-in set-returning functions with named OUT columns.
BUILTIN_SRF_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "json_each": (("key", "text"), ("value", "json")),
    "jsonb_each": (("key", "text"), ("value", "jsonb")),
    "json_each_text": (("key", "text"), ("value", "text")),
    "jsonb_each_text": (("key", "text"), ("value", "text")),
    "json_array_elements": (("value", "json"),),
    "jsonb_array_elements": (("value", "jsonb"),),
    "json_array_elements_text": (("value", "text"),),
    "jsonb_array_elements_text": (("value", "text"),),
    "pg_options_to_table": (("option_name", "text"), ("option_value", "text")),
    "pg_get_keywords": (
        ("word", "text"),
        ("catcode", "char"),
        ("barelabel", "boolean"),
        ("catdesc", "text"),
        ("baredesc", "text"),
    ),
}

# Built-in set-returning functions returning a scalar (one column named after the function).
BUILTIN_SCALAR_SRFS = frozenset(
    {
        "generate_series",
        "generate_subscripts",
        "unnest",
        "regexp_matches",
        "regexp_split_to_table",
        "string_to_table",
        "jsonb_object_keys",
        "json_object_keys",
        "jsonb_path_query",
        "pg_ls_dir",
        "txid_snapshot_xip",
        "pg_snapshot_xip",
        "now",
        "random",
        "to_tsvector",
        "upper",
        "lower",
    }
)
