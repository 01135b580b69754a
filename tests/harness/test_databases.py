"""Templates, clones, drops, and SQL loading errors with their file positions."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgdrift.harness.binaries import PgInstall
from pgdrift.harness.databases import Databases
from pgdrift.harness.launcher import start_server
from pgdrift.harness.sqlload import SqlLoadError, sql_files, units
from pgdrift.source import SourceFile


@pytest.fixture(scope="module")
def dbs(pgdrift_server):
    manager = Databases(pgdrift_server)
    yield manager
    manager.close()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _count(db, query: str) -> int:
    with db.connect() as conn:
        return conn.execute(query).fetchone()[0]


def test_clones_are_isolated_and_dropped(dbs: Databases, tmp_path: Path) -> None:
    f = _write(tmp_path, "001.sql", "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n")
    tpl = dbs.template([f])
    a, b = dbs.create(tpl), dbs.create(tpl)
    with a.connect(autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (2)")
    assert _count(a, "SELECT count(*) FROM t") == 2
    assert _count(b, "SELECT count(*) FROM t") == 1
    keep = b.connect()  # an open connection does not stop the drop
    a.drop()
    b.drop()
    assert keep.closed
    with psycopg.connect(dbs.server.dsn) as conn:
        names = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
    assert a.name not in names and b.name not in names
    assert tpl in names


def test_template_built_once_per_content(dbs: Databases, tmp_path: Path) -> None:
    f = _write(tmp_path, "a.sql", "CREATE TABLE x (id int);\n")
    first = dbs.template([f])
    assert dbs.template([f]) == first
    f.write_text("CREATE TABLE x (id int, y int);\n")
    assert dbs.template([f]) != first


def test_template_refuses_connections_and_still_clones(dbs: Databases, tmp_path: Path) -> None:
    tpl = dbs.template([_write(tmp_path, "b.sql", "CREATE TABLE y (id int);\n")])
    with pytest.raises(psycopg.OperationalError, match="not currently accepting"):
        psycopg.connect(dbs.server.dsn_for(tpl))
    db = dbs.create(tpl)
    assert _count(db, "SELECT count(*) FROM y") == 0
    db.drop()


def test_names_carry_the_xdist_worker(pgdrift_server, monkeypatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    manager = Databases(pgdrift_server)
    try:
        db = manager.create(None)
        assert db.name.startswith("pgdrift_") and "_gw3_" in db.name
        assert (
            _count(db, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")
            == 0
        )
    finally:
        manager.close()


def test_drop_refuses_databases_pgdrift_did_not_create(dbs: Databases) -> None:
    with pytest.raises(ValueError, match="did not create"):
        dbs.drop("postgres")


def test_close_drops_everything(pgdrift_server, tmp_path: Path) -> None:
    manager = Databases(pgdrift_server)
    tpl = manager.template([_write(tmp_path, "c.sql", "CREATE TABLE z (id int);\n")])
    db = manager.create(tpl)
    manager.close()
    with psycopg.connect(pgdrift_server.dsn) as conn:
        names = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
    assert tpl not in names and db.name not in names


def test_clone_on_both_versions(install: PgInstall, tmp_path: Path) -> None:
    with start_server(install) as server:
        manager = Databases(server)
        f = _write(tmp_path, "s.sql", "CREATE TABLE t (id serial PRIMARY KEY);\n")
        db = manager.create(manager.template([f]))
        with db.connect(autocommit=True) as conn:
            conn.execute("INSERT INTO t DEFAULT VALUES")
            assert conn.execute("SELECT id FROM t").fetchone() == (1,)
        manager.close()


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "CREATE TABLE a (x int);\n\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\n"
            "BEGIN\n  retur 1;\nEND $$;\n",
            (5, 3),
            'syntax error at or near "retur"',
        ),
        (
            "CREATE TABLE a (x int);\n\nSELECT x FROM nope;\n",
            (3, 15),
            'relation "nope" does not exist',
        ),
        (
            "CREATE TABLE a (x int);\nCREATE TABLE a (x int);\n",
            (2, 1),
            'relation "a" already exists',
        ),
        (
            "SELECT 1;\n\\set foo 1\nSELECT nope(2);\n",
            (3, 8),
            "function nope(integer) does not exist",
        ),
        ("SELECT 1;\nSELEC 2;\nSELECT 3;\n", (2, 1), 'syntax error at or near "SELEC"'),
        ("SELECT 'é';\nSELECT 'é' + ;\n", (2, 14), 'syntax error at or near ";"'),
    ],
)
def test_load_error_names_file_line_col(
    dbs: Databases, text: str, where: tuple[int, int], message: str
) -> None:
    with pytest.raises(SqlLoadError) as info:
        dbs.template_from_text(text, "sql/x.sql")
    err = info.value
    assert (err.path, err.line, err.col) == ("sql/x.sql", *where)
    assert err.message == message
    assert str(err).startswith(f"sql/x.sql:{where[0]}:{where[1]}: {message}")


def test_units_keep_statements_around_a_broken_one() -> None:
    src = SourceFile("f.sql", "SELECT 1;\nSELEC 2;\nSELECT 3;\n")
    assert [u.text for u in units(src)] == ["SELECT 1", "SELEC 2;", "SELECT 3"]


def test_sql_files_order_and_exclude(tmp_path: Path) -> None:
    for name in ("b/010.sql", "a/020.sql", "001.sql", "notes.txt", "skip/x.sql"):
        _write(tmp_path, name, "SELECT 1;\n")
    found = sql_files(["."], root=tmp_path, exclude=("skip/*",))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "001.sql",
        "a/020.sql",
        "b/010.sql",
    ]
    assert sql_files(["missing"], root=tmp_path) == []


def test_drop_later_runs_in_the_background_and_close_waits(pgdrift_server) -> None:
    manager = Databases(pgdrift_server)
    made = [manager.create(None) for _ in range(3)]
    for db in made:
        keep = db.connect()
        db.drop(wait=False)
        assert keep.closed
    manager.close()
    assert manager.drop_errors == []
    with psycopg.connect(pgdrift_server.dsn) as conn:
        names = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
    assert not names & {db.name for db in made}
    with pytest.raises(ValueError, match="did not create"):
        manager.drop_later("template1")
