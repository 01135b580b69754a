"""check_paths as a pipeline: file collection, schema folder, cache, parallel workers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import pgdrift.checker as checker
from pgdrift.check import check_paths, collect_files
from pgdrift.config import Config

SCHEMA = "CREATE TABLE jobs (id bigint PRIMARY KEY, state text, attempts int);\n"


def _function(i: int, column: str = "state") -> str:
    return (
        f"CREATE FUNCTION f{i}(p bigint) RETURNS text LANGUAGE plpgsql AS $$\n"
        "DECLARE r jobs%ROWTYPE;\n"
        "BEGIN\n"
        "  SELECT * INTO r FROM jobs WHERE id = p;\n"
        f"  RETURN r.{column};\n"
        "END $$;\n"
    )


def _project(tmp: Path, n: int = 12, bad: tuple[int, ...] = (3, 7)) -> Path:
    sql = tmp / "sql"
    sql.mkdir()
    (sql / "001_schema.sql").write_text(SCHEMA)
    for f in range(3):
        text = "".join(
            _function(i, "stat" if i in bad else "state") for i in range(f * n, (f + 1) * n)
        )
        (sql / f"{f + 2:03d}_functions.sql").write_text(text)
    return sql


def _key(result: object) -> list[tuple[str, int, int, str, str]]:
    return [
        (Path(d.span.path).name, d.span.line, d.span.col, d.code, d.message)
        for d in result.diagnostics  # type: ignore[attr-defined]
    ]


def test_parallel_workers_give_the_serial_result(tmp_path: Path, monkeypatch) -> None:
    sql = _project(tmp_path)
    config = Config(root=tmp_path, cache=False, jobs=1)
    serial = check_paths([str(sql)], config)
    monkeypatch.setattr(checker, "PARALLEL_MIN_UNITS", 2)
    parallel = check_paths([str(sql)], replace(config, jobs=2))
    assert _key(serial) == _key(parallel)
    assert [d[3] for d in _key(serial)] == ["PGD103", "PGD103"]
    assert serial.stats.functions == parallel.stats.functions == 36


def test_cache_serves_unchanged_files_and_rechecks_edited_ones(tmp_path: Path) -> None:
    sql = _project(tmp_path)
    config = Config(root=tmp_path, cache=True, cache_dir=str(tmp_path / "cache"), jobs=1)
    first = check_paths([str(sql)], config)
    assert first.stats.cached_files == 0
    second = check_paths([str(sql)], config)
    assert second.stats.cached_files == second.stats.files == 4
    assert _key(second) == _key(first)
    # Edit one function file: only that one is checked again.
    path = sql / "003_functions.sql"
    path.write_text(path.read_text().replace("RETURN r.state;", "RETURN r.atempts;", 1))
    third = check_paths([str(sql)], config)
    assert third.stats.cached_files == 3
    assert len(third.diagnostics) == 3
    # A DDL change invalidates every file: the catalog differs.
    (sql / "001_schema.sql").write_text(SCHEMA.replace("state text", "status text"))
    fourth = check_paths([str(sql)], config)
    assert fourth.stats.cached_files == 0
    assert len(fourth.diagnostics) == 36  # every function now reads a wrong field


def test_schema_folder_and_exclude(tmp_path: Path) -> None:
    schema = tmp_path / "expected_schema"
    schema.mkdir()
    (schema / "tables.sql").write_text(SCHEMA)
    sql = tmp_path / "sql"
    sql.mkdir()
    (sql / "a.sql").write_text(_function(1) + _function(2, "nope"))
    (sql / "skip.sql").write_text("SELEC broken;")
    config = Config(root=tmp_path, schema=str(schema), exclude=("skip.sql",), cache=False)
    assert [Path(p).name for p in collect_files([str(tmp_path)], config)] == ["a.sql"]
    result = check_paths([str(sql)], config)
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("PGD103", 11)]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        check_paths([str(tmp_path / "nope")], Config(root=tmp_path, cache=False))


def test_select_and_ignore(tmp_path: Path) -> None:
    sql = _project(tmp_path)
    config = Config(root=tmp_path, cache=False, ignore=("PGD103",))
    assert check_paths([str(sql)], config).diagnostics == []
    config = Config(root=tmp_path, cache=False, select=("PGD1",))
    assert len(check_paths([str(sql)], config).diagnostics) == 2


def test_cache_prunes_the_oldest_entries(tmp_path: Path) -> None:
    from pgdrift.checker.cache import Cache

    cache = Cache(Config(root=tmp_path, cache_dir="c"))
    for i in range(10):
        cache.store(f"{i:02d}" + "k" * 40, i)
    assert cache.prune(limit=20) == 0
    assert cache.prune(limit=8) == 5
    assert cache.load("09" + "k" * 40) == 9


def test_unchanged_routines_of_an_edited_file_are_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sql = tmp_path / "sql"
    sql.mkdir()
    path = sql / "all.sql"
    path.write_text(
        SCHEMA + "".join(_function(i, "stat" if i == 5 else "state") for i in range(20))
    )
    config = Config(root=tmp_path, cache=True, cache_dir=str(tmp_path / "cache"), jobs=1)
    first = check_paths([str(sql)], config)
    assert [(d.code, d.span.line) for d in first.diagnostics] == [("PGD103", 6 * 5 + 6)]
    checked: list[str] = []
    original = checker._check_units

    def counting(*args: object, **kw: object) -> object:
        checked.extend(u.kind for u in args[2])  # type: ignore[attr-defined]
        return original(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(checker, "_check_units", counting)
    # two lines inserted at the top, one function edited
    text = path.read_text().replace("RETURN r.state;", "RETURN r.statee;", 1)
    path.write_text("-- header\n-- more\n" + text)
    second = check_paths([str(sql)], config)
    assert checked.count("routine") == 1  # (the CREATE TABLE's own check runs again too)
    assert sorted((d.span.line, d.span.col) for d in second.diagnostics) == [
        (2 + 6 * 0 + 6, 10),
        (2 + 6 * 5 + 6, 10),
    ]
    assert second.stats.functions == 20


def test_a_crashing_worker_does_not_stop_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    sql = _project(tmp_path)
    original = checker.check_unit

    def crashing(unit, sql_file, *args):  # type: ignore[no-untyped-def]
        if "FUNCTION f5(" in sql_file.statements[unit.stmt].text:
            os._exit(3)  # what a segfault in a C extension looks like to the pool
        return original(unit, sql_file, *args)

    monkeypatch.setattr(checker, "check_unit", crashing)
    monkeypatch.setattr(checker, "PARALLEL_MIN_UNITS", 2)
    result = check_paths([str(sql)], Config(root=tmp_path, cache=False, jobs=2))
    codes = sorted((d.code, d.message.split(":")[0]) for d in result.diagnostics)
    assert codes == [
        ("PGD002", "statement not checked"),
        ("PGD103", 'column "stat" does not exist in record r (public.jobs)'),
        ("PGD103", 'column "stat" does not exist in record r (public.jobs)'),
    ]
