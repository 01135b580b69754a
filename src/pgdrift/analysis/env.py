"""The contract between the PL/pgSQL layer and statement resolution.

The PL/pgSQL walker (``analysis/plpgsql.py``) builds an :class:`Env` for each embedded
statement — the catalog, the search_path, every PL/pgSQL variable visible at that point
with the record shape it is known to have — and calls
``pgdrift.analysis.resolve.resolve(text, env, mode)``, which returns a :class:`Resolution`:
findings with offsets *within ``text``* (the walker maps them to file positions) and the
statement's output columns (used to type ``SELECT … INTO rec`` and ``FOR rec IN query``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pgdrift.catalog.model import Catalog, Relation

if TYPE_CHECKING:
    from pgdrift.rules.base import Rule


@dataclass(frozen=True, slots=True)
class Variable:
    """A PL/pgSQL name in scope: parameter, DECLAREd variable, FOUND, NEW/OLD, TG_*, …

    ``fields`` is the known shape of a record/row variable (its field names, in order);
    ``None`` means the shape is unknown (an unassigned RECORD, or a type pgdrift cannot see),
    and then any field access is accepted. ``relation`` names where a shape came from
    (``public.chunked_sync_jobs`` for a %ROWTYPE or SELECT * INTO) for messages.
    """

    name: str
    type: str | None = None  # scalar type name when known ("integer", "text[]", "record")
    is_record: bool = False
    fields: tuple[str, ...] | None = None
    field_types: tuple[str | None, ...] | None = None
    relation: str | None = None
    constant: bool = False


@dataclass
class Env:
    catalog: Catalog
    search_path: tuple[str, ...] = ("public",)
    # Innermost block last; lookups search from the end. Keys are folded names.
    variables: dict[str, Variable] = field(default_factory=dict)
    # Block labels and the function name: "label.var" / "fname.param" qualify variables.
    labels: dict[str, dict[str, Variable]] = field(default_factory=dict)
    # Tables created inside the body (CREATE TEMP TABLE), visible to later statements.
    temp_relations: dict[str, Relation] = field(default_factory=dict)
    # True inside PL/pgSQL: an unqualified name matching both a variable and a column is an
    # ambiguity Postgres raises at run time (plpgsql.variable_conflict = error).
    plpgsql: bool = True
    # LANGUAGE sql bodies reference parameters as $1 or by name (names lose to columns there).
    params_lose_to_columns: bool = False
    # The body's `#variable_conflict` option: "error" (default), "use_variable" (a name that
    # is a variable is the variable), "use_column" (a column wins, as in LANGUAGE sql).
    variable_conflict: str = "error"
    # The body changes its own search_path at run time (set_config('search_path', …) or
    # SET search_path): unqualified names not found may live in a schema added then.
    dynamic_search_path: bool = False
    # Relation names inside an ``IF to_regclass('x') IS NOT NULL THEN`` (or an EXISTS test
    # on the catalogs) branch: that branch only runs where they exist.
    guarded_relations: set[str] = field(default_factory=set)
    # … and column names an ``EXISTS (… information_schema.columns … column_name = 'c')``
    # test guards the same way.
    guarded_columns: set[str] = field(default_factory=set)

    def lookup_variable(self, name: str) -> Variable | None:
        return self.variables.get(name)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: type[Rule]
    message: str
    start: int  # character offsets within the resolved text
    end: int
    help: str | None = None
    notes: tuple[str, ...] = ()


@dataclass
class Resolution:
    findings: list[Finding] = field(default_factory=list)
    # Output column names (and types when known) of a SELECT / RETURNING, in order;
    # None when they cannot be known (e.g. SELECT * from an unknown shape).
    output_columns: tuple[str, ...] | None = None
    output_types: tuple[str | None, ...] | None = None
    # ``schema.name`` when the output is exactly one relation's row (``SELECT * FROM t``,
    # ``SELECT t.* FROM t``): named in messages about a record typed by this statement.
    output_relation: str | None = None
    # The statement could not be analysed (sqlglot could not parse it, or it parsed into an
    # opaque Command). The caller reports it as PGD002 and counts it.
    unanalysed: str | None = None
    # Relations created by this statement (CREATE TEMP TABLE …), for later statements.
    created_relations: tuple[Relation, ...] = ()
