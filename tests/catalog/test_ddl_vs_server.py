"""The catalog the DDL reader derives from SQL files equals what a real server makes of them."""

from __future__ import annotations

from typing import Any

from tests.live.conftest import VARIED

from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.catalog.live import catalog_from_live, connect, introspect
from pgdrift.catalog.model import Catalog
from pgdrift.source import SourceFile


def _facts(cat: Catalog) -> set[str]:
    out: set[str] = set()
    for (schema, name), rel in cat.relations.items():
        out.add(f"{rel.kind} {schema}.{name} parent={rel.parent} bound={rel.partition_bound}")
        for c in rel.columns:
            out.add(
                f"{schema}.{name}.{c.name} {c.type} notnull={c.not_null} "
                f"identity={c.identity} values={c.allowed_values} generated={bool(c.generated)}"
                if rel.kind not in ("view", "materialized view")
                else f"{schema}.{name}.{c.name}"
            )
        out.update(f"{schema}.{name} {k.kind} {k.name} {k.columns}" for k in rel.constraints)
        out.update(f"{schema}.{name} index {i.name} {i.columns}" for i in rel.indexes)
    for key, enum in cat.enums.items():
        out.add(f"enum {key} {enum.values}")
    for key, dom in cat.domains.items():
        out.add(f"domain {key} {dom.base_type} {dom.not_null} {dom.allowed_values}")
    for fn in cat.iter_functions():
        out.add(f"{fn.kind} {fn.signature} -> {fn.returns_set} {fn.return_type} {fn.params}")
        out.add(f"{fn.signature} language={fn.language} volatility={fn.volatility}")
    for trg in cat.triggers.values():
        out.add(
            f"trigger {trg.schema}.{trg.table}.{trg.name} {trg.timing} {trg.events} "
            f"{trg.for_each_row} {trg.function}"
        )
    out.update(f"schema {s}" for s in cat.schemas)
    return out


def test_ddl_catalog_matches_the_server(varied_db: Any) -> None:
    from_files, diagnostics = catalog_from_files([SourceFile("varied.sql", VARIED)])
    assert diagnostics == []
    with connect(varied_db.dsn) as conn:
        from_server = catalog_from_live(introspect(conn))
    ours, theirs = _facts(from_files), _facts(from_server)
    # volatility is implicit (VOLATILE) in files unless written; the server always says it
    ours = {f for f in ours if "volatility=" not in f}
    theirs = {f for f in theirs if "volatility=" not in f}
    assert sorted(ours - theirs) == sorted(theirs - ours) == []
    assert len(ours) > 60
