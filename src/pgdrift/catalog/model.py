"""The catalog model: relations, columns, types, functions and triggers.

Objects are frozen dataclasses; a :class:`Catalog` is a mutable container of them that the
DDL reader fills (migrations replace objects, never mutate them) and the checker only reads.
Names are stored folded the way Postgres stores them (unquoted identifiers lower-cased,
quoted ones verbatim); lookups take already-folded names.

>>> cat = Catalog()
>>> cat.add_relation(Relation("public", "t", "table", (Column("id", "integer"),)))
>>> cat.find_relation("t", None, ("public",)).column("id").type
'integer'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

# Relation kinds
TABLE = "table"
PARTITIONED_TABLE = "partitioned table"
VIEW = "view"
MATERIALIZED_VIEW = "materialized view"
FOREIGN_TABLE = "foreign table"
COMPOSITE_TYPE = "composite type"
SEQUENCE_REL = "sequence"

# System columns every table has (and that a SELECT * does not return).
SYSTEM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tableoid", "oid"),
    ("cmax", "cid"),
    ("xmax", "xid"),
    ("cmin", "cid"),
    ("xmin", "xid"),
    ("ctid", "tid"),
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # as format_type() prints it, e.g. "character varying(255)", "text[]"
    not_null: bool = False
    default: str | None = None
    identity: str | None = None  # "always" | "by default"
    generated: str | None = None  # generation expression of a STORED generated column
    collation: str | None = None
    # String literals a CHECK (col IN (...)) / enum allows; None when unconstrained.
    allowed_values: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Constraint:
    name: str
    kind: str  # "primary key" | "unique" | "check" | "foreign key" | "exclude" | "not null"
    definition: str  # canonical text, e.g. pg_get_constraintdef() output
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    definition: str  # canonical text, e.g. pg_get_indexdef() output
    columns: tuple[str, ...] = ()
    unique: bool = False


@dataclass(frozen=True, slots=True)
class Relation:
    schema: str
    name: str
    kind: str = TABLE
    columns: tuple[Column, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    definition: str | None = None  # view / materialized view query text
    parent: tuple[str, str] | None = None  # partition or inheritance parent (schema, name)
    partition_bound: str | None = None
    options: tuple[str, ...] = ()
    origin: str | None = None  # "file:line" where it was defined, for messages
    # False when the output columns could not be derived (a view or CREATE TABLE AS over an
    # unknown relation): the relation exists but its column list is not authoritative.
    columns_known: bool = True
    # The extension that created it (CREATE EXTENSION postgis -> spatial_ref_sys); live
    # introspection leaves extension members out, so drift compares the extension instead.
    extension: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def has_system_columns(self) -> bool:
        return self.kind in (TABLE, PARTITIONED_TABLE, MATERIALIZED_VIEW, FOREIGN_TABLE)

    def with_columns(self, columns: Iterable[Column]) -> Relation:
        return replace(self, columns=tuple(columns))


@dataclass(frozen=True, slots=True)
class EnumType:
    schema: str
    name: str
    values: tuple[str, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Domain:
    schema: str
    name: str
    base_type: str
    not_null: bool = False
    default: str | None = None
    checks: tuple[str, ...] = ()
    allowed_values: tuple[str, ...] | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Sequence:
    schema: str
    name: str
    data_type: str = "bigint"
    definition: str | None = None
    owned_by: tuple[str, str, str] | None = None  # (schema, table, column)


# Parameter modes, as in pg_proc.proargmodes
IN, OUT, INOUT, VARIADIC, TABLE_COLUMN = "i", "o", "b", "v", "t"


@dataclass(frozen=True, slots=True)
class FunctionParam:
    name: str | None
    type: str
    mode: str = IN
    has_default: bool = False

    @property
    def is_input(self) -> bool:
        return self.mode in (IN, INOUT, VARIADIC)

    @property
    def is_output(self) -> bool:
        return self.mode in (OUT, INOUT, TABLE_COLUMN)


@dataclass(frozen=True, slots=True)
class Function:
    schema: str
    name: str
    params: tuple[FunctionParam, ...] = ()
    return_type: str | None = None  # None for procedures; "record"/"trigger"/"void"/...
    returns_set: bool = False
    kind: str = "function"  # "function" | "procedure" | "aggregate" | "window"
    language: str = "sql"
    body: str | None = None
    definition: str | None = None  # full CREATE statement (pg_get_functiondef) if known
    volatility: str | None = None
    security_definer: bool = False
    # Where the body text starts in its source file, for file positions of findings.
    source_path: str | None = None
    body_offset: int | None = None  # character offset of body[0] within the source file

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def input_params(self) -> tuple[FunctionParam, ...]:
        return tuple(p for p in self.params if p.is_input)

    @property
    def output_columns(self) -> tuple[FunctionParam, ...]:
        """OUT/INOUT/TABLE parameters: the columns of a function returning a record."""
        return tuple(p for p in self.params if p.is_output)

    @property
    def min_args(self) -> int:
        return sum(1 for p in self.input_params if not p.has_default and p.mode != VARIADIC)

    @property
    def max_args(self) -> int | None:
        """None when variadic (any number of extra arguments)."""
        if any(p.mode == VARIADIC for p in self.params):
            return None
        return len(self.input_params)

    @property
    def signature(self) -> str:
        """``schema.name(type, type)`` with input argument types, as pg's regprocedure."""
        args = ", ".join(p.type for p in self.input_params)
        return f"{self.schema}.{self.name}({args})"

    def accepts(self, nargs: int) -> bool:
        top = self.max_args
        return nargs >= self.min_args and (top is None or nargs <= top)


@dataclass(frozen=True, slots=True)
class Trigger:
    schema: str  # schema of the table
    table: str
    name: str
    function: tuple[str, str]  # (schema, name) of the trigger function
    timing: str = "after"  # "before" | "after" | "instead of"
    events: tuple[str, ...] = ()  # "insert" | "update" | "delete" | "truncate"
    for_each_row: bool = True
    when: str | None = None
    definition: str | None = None
    origin: str | None = None


@dataclass
class Catalog:
    """All known objects, keyed by (schema, name)."""

    relations: dict[tuple[str, str], Relation] = field(default_factory=dict)
    enums: dict[tuple[str, str], EnumType] = field(default_factory=dict)
    domains: dict[tuple[str, str], Domain] = field(default_factory=dict)
    sequences: dict[tuple[str, str], Sequence] = field(default_factory=dict)
    functions: dict[tuple[str, str], list[Function]] = field(default_factory=dict)
    triggers: dict[tuple[str, str, str], Trigger] = field(default_factory=dict)
    schemas: set[str] = field(default_factory=lambda: {"public"})
    extensions: dict[str, str | None] = field(default_factory=dict)  # name -> schema

    # -- mutation (used by the DDL reader, snapshot reader and live introspection) --

    def add_relation(self, rel: Relation) -> None:
        self.relations[(rel.schema, rel.name)] = rel

    def drop_relation(self, schema: str, name: str) -> Relation | None:
        rel = self.relations.pop((schema, name), None)
        if rel is not None:
            for key in [k for k in self.triggers if k[:2] == (schema, name)]:
                del self.triggers[key]
        return rel

    def add_function(self, fn: Function) -> None:
        """Add or replace (same input argument types) a function overload."""
        overloads = self.functions.setdefault((fn.schema, fn.name), [])
        key = tuple(p.type for p in fn.input_params)
        for i, old in enumerate(overloads):
            if tuple(p.type for p in old.input_params) == key:
                overloads[i] = fn
                return
        overloads.append(fn)

    def add_trigger(self, trg: Trigger) -> None:
        self.triggers[(trg.schema, trg.table, trg.name)] = trg

    def merge(self, other: Catalog) -> None:
        """Overlay ``other`` on this catalog (other's objects win)."""
        self.relations.update(other.relations)
        self.enums.update(other.enums)
        self.domains.update(other.domains)
        self.sequences.update(other.sequences)
        for fns in other.functions.values():
            for fn in fns:
                self.add_function(fn)
        self.triggers.update(other.triggers)
        self.schemas |= other.schemas
        self.extensions.update(other.extensions)

    # -- lookup --

    def find_relation(
        self, name: str, schema: str | None, search_path: Iterable[str]
    ) -> Relation | None:
        if schema is not None:
            return self.relations.get((schema, name))
        for s in _implicit_path(search_path):
            rel = self.relations.get((s, name))
            if rel is not None:
                return rel
        return None

    def find_functions(
        self, name: str, schema: str | None, search_path: Iterable[str]
    ) -> list[Function]:
        if schema is not None:
            return list(self.functions.get((schema, name), ()))
        found: list[Function] = []
        for s in ("pg_catalog", *search_path):
            found.extend(self.functions.get((s, name), ()))
        return found

    def find_type(
        self, name: str, schema: str | None, search_path: Iterable[str]
    ) -> EnumType | Domain | Relation | None:
        """An enum, domain or composite (any relation's row type) by name."""
        paths = (schema,) if schema is not None else _implicit_path(search_path)
        for s in paths:
            key = (s, name)
            if key in self.enums:
                return self.enums[key]
            if key in self.domains:
                return self.domains[key]
            if key in self.relations:
                return self.relations[key]
        return None

    def triggers_for_function(self, schema: str, name: str) -> list[Trigger]:
        return [t for t in self.triggers.values() if t.function == (schema, name)]

    def iter_functions(self) -> Iterator[Function]:
        for fns in self.functions.values():
            yield from fns


def _implicit_path(search_path: Iterable[str]) -> tuple[str, ...]:
    """Where an unqualified relation or type name is looked up: the session's temporary
    schema first and pg_catalog next, unless the search_path places them itself."""
    path = tuple(search_path)
    implicit = tuple(s for s in ("pg_temp", "pg_catalog") if s not in path)
    return (*implicit, *path)
