"""A catalog as sorted text lines, one fact per line (for tests, debugging and diffs).

>>> from pgdrift.catalog.model import Catalog, Column, Relation
>>> cat = Catalog()
>>> cat.add_relation(Relation("public", "t", columns=(Column("id", "integer", True),)))
>>> describe(cat)
['column public.t.id integer not null', 'columns public.t id', 'relation public.t table', 'schema public']
"""

from __future__ import annotations

from pgdrift.catalog.model import Catalog, Column, Function


def _column(qname: str, col: Column) -> str:
    parts = [f"column {qname}.{col.name} {col.type}"]
    if col.not_null:
        parts.append("not null")
    if col.default is not None:
        parts.append(f"default {col.default}")
    if col.identity:
        parts.append(f"identity {col.identity}")
    if col.generated:
        parts.append(f"generated {col.generated}")
    if col.collation:
        parts.append(f"collate {col.collation}")
    if col.allowed_values is not None:
        parts.append("values " + "|".join(col.allowed_values))
    return " ".join(parts)


def describe_function(fn: Function) -> str:
    params = ", ".join(
        " ".join(
            x
            for x in (
                {"i": "", "o": "out", "b": "inout", "v": "variadic", "t": "table"}[p.mode],
                p.name or "",
                p.type,
                "default" if p.has_default else "",
            )
            if x
        )
        for p in fn.params
    )
    ret = "" if fn.return_type is None else " returns " + ("setof " if fn.returns_set else "")
    ret += fn.return_type or ""
    return f"{fn.kind} {fn.schema}.{fn.name}({params}){ret} language {fn.language}"


def describe(cat: Catalog) -> list[str]:
    """Sorted lines describing every object of ``cat``."""
    out: list[str] = [f"schema {s}" for s in cat.schemas]
    for (schema, name), rel in cat.relations.items():
        q = f"{schema}.{name}"
        head = f"relation {q} {rel.kind}"
        if rel.parent:
            head += f" parent {rel.parent[0]}.{rel.parent[1]}"
        if rel.partition_bound:
            head += f" {rel.partition_bound}"
        if not rel.columns_known:
            head += " columns unknown"
        out.append(head)
        out.extend(_column(q, c) for c in rel.columns)
        out.append(f"columns {q} " + ", ".join(rel.column_names))
        out.extend(f"constraint {q} {c.name} {c.kind} {c.definition}" for c in rel.constraints)
        out.extend(f"index {q} {i.name}" + (" unique" if i.unique else "") for i in rel.indexes)
    for (schema, name), enum in cat.enums.items():
        out.append(f"enum {schema}.{name} " + "|".join(enum.values))
    for (schema, name), dom in cat.domains.items():
        line = f"domain {schema}.{name} {dom.base_type}"
        if dom.not_null:
            line += " not null"
        if dom.allowed_values is not None:
            line += " values " + "|".join(dom.allowed_values)
        out.append(line)
    for (schema, name), seq in cat.sequences.items():
        line = f"sequence {schema}.{name} {seq.data_type}"
        if seq.owned_by:
            line += " owned by " + ".".join(seq.owned_by)
        out.append(line)
    out.extend(describe_function(fn) for fn in cat.iter_functions())
    for trg in cat.triggers.values():
        out.append(
            f"trigger {trg.schema}.{trg.table}.{trg.name} {trg.timing} "
            + " or ".join(trg.events)
            + (" row" if trg.for_each_row else " statement")
            + f" {trg.function[0]}.{trg.function[1]}"
            + (f" when {trg.when}" if trg.when else "")
        )
    out.extend(f"extension {n} {s}" for n, s in cat.extensions.items())
    return sorted(out)
