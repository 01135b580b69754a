"""The schema pgdrift resolves references against: model, DDL reader, snapshot, live, diff."""

from pgdrift.catalog.model import (
    Catalog,
    Column,
    Constraint,
    Domain,
    EnumType,
    Function,
    FunctionParam,
    Index,
    Relation,
    Sequence,
    Trigger,
)

__all__ = [
    "Catalog",
    "Column",
    "Constraint",
    "Domain",
    "EnumType",
    "Function",
    "FunctionParam",
    "Index",
    "Relation",
    "Sequence",
    "Trigger",
]
