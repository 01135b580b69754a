"""Function bodies and their character offsets in the file (pglast reports characters)."""

from __future__ import annotations

from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.source import SourceFile

TEXT = """-- Prüfung: ünïcödé before the functions, so byte and character offsets differ
CREATE TABLE jobs (id int, note text);
CREATE FUNCTION dollar(p int) RETURNS int LANGUAGE plpgsql AS $body$
BEGIN
  RETURN p + 1; -- ☃
END
$body$;
CREATE FUNCTION quoted() RETURNS text LANGUAGE sql AS 'SELECT note FROM jobs';
CREATE FUNCTION atomic(p int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT p;
END;
CREATE FUNCTION ret(p int) RETURNS int LANGUAGE sql IMMUTABLE RETURN p * 2;
CREATE PROCEDURE proc() LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
"""


def _fn(cat, name):  # type: ignore[no-untyped-def]
    (fn,) = cat.functions[("public", name)]
    return fn


def test_bodies_and_offsets() -> None:
    src = SourceFile("f.sql", TEXT)
    cat, diagnostics = catalog_from_files([src])
    assert diagnostics == []
    for name in ("dollar", "quoted", "proc"):
        fn = _fn(cat, name)
        assert fn.body is not None and fn.body_offset is not None
        assert TEXT[fn.body_offset : fn.body_offset + len(fn.body)] == fn.body
        assert fn.source_path == "f.sql"
    dollar = _fn(cat, "dollar")
    assert dollar.body.startswith("\nBEGIN\n  RETURN p + 1;")
    assert src.position(dollar.body_offset + 1) == (4, 1)  # body line 2 is file line 4
    atomic = _fn(cat, "atomic")
    assert atomic.body == "BEGIN ATOMIC\n  SELECT p;\nEND"
    assert TEXT[atomic.body_offset :].startswith("BEGIN ATOMIC")
    ret = _fn(cat, "ret")
    assert ret.body == "RETURN p * 2" and TEXT[ret.body_offset :].startswith("RETURN p * 2")
    assert ret.volatility == "immutable"
    assert _fn(cat, "proc").kind == "procedure" and _fn(cat, "proc").return_type is None
    assert dollar.definition is not None and dollar.definition.startswith("CREATE FUNCTION dollar")
