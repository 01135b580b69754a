"""Provider selection: the order, the names, and the message when nothing works."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pgdrift.harness.binaries import PgInstall, embedded_bindir, local_candidates
from pgdrift.harness.providers import (
    NoServerError,
    ServerOptions,
    describe_plan,
    parse_providers,
    start_first,
)


def _fake_bindir(tmp_path: Path, name: str, target: Path) -> Path:
    d = tmp_path / name
    d.mkdir()
    for exe in ("postgres", "initdb"):
        (d / exe).symlink_to(target / exe)
    return d


def test_local_candidates_order(tmp_path: Path, local_install: PgInstall) -> None:
    explicit = tmp_path / "explicit-bin"
    on_path = _fake_bindir(tmp_path, "path-bin", embedded_bindir() or local_install.bindir)
    env = {"PGDRIFT_PG_BINDIR": str(explicit), "PATH": str(on_path)}
    cands = list(local_candidates(env))
    assert [c.origin for c in cands[:2]] == ["PGDRIFT_PG_BINDIR", "PATH"]
    assert cands[0].bindir == explicit
    # PATH entries are followed to the directory that holds the real binaries
    assert cands[1].bindir == (embedded_bindir() or local_install.bindir).resolve()
    origins = [c.origin for c in cands]
    assert "/usr/lib/postgresql" in origins or "pg_config --bindir" in origins
    # /usr/lib/postgresql/*/bin comes newest first
    debian = [c.bindir for c in cands if c.origin == "/usr/lib/postgresql"]
    majors = [int(p.parent.name) for p in debian if p.parent.name.isdigit()]
    assert majors == sorted(majors, reverse=True)


def test_pg_bindir_wins_over_path(tmp_path: Path) -> None:
    bindir = embedded_bindir()
    assert bindir is not None
    server, passed = start_first(
        ServerOptions(providers=("local",), pg_bindir=str(bindir), env=dict(os.environ))
    )
    try:
        assert server.provider == "local"
        assert server.version_num >= 180000
        assert passed == []
    finally:
        server.stop()


def test_default_order_picks_local_binaries_before_embedded() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PGDRIFT_TEST_DSN", "DATABASE_URL")}
    server, passed = start_first(ServerOptions(env=env))
    try:
        assert server.provider == "local"
        assert passed and passed[0][0] == "dsn"
        assert "no --pgdrift-dsn" in passed[0][1]
    finally:
        server.stop()


def test_embedded_provider_runs_the_wheel_binaries() -> None:
    server, _ = start_first(ServerOptions(providers=("embedded",)))
    try:
        assert server.provider == "embedded"
        assert server.version.startswith("18")
    finally:
        server.stop()


def test_bad_bindir_falls_through_to_the_next_candidate(tmp_path: Path) -> None:
    env = {**os.environ, "PGDRIFT_PG_BINDIR": str(tmp_path / "nothing-here")}
    server, _ = start_first(ServerOptions(providers=("local",), env=env))
    try:
        assert server.provider == "local"
        assert not str(server.install.bindir).startswith(str(tmp_path))
    finally:
        server.stop()


def test_explicit_dsn_is_used(pgdrift_server) -> None:
    server, passed = start_first(ServerOptions(dsn=pgdrift_server.dsn))
    assert server.provider == "dsn"
    assert server.version_num == pgdrift_server.version_num
    assert passed == []
    server.stop()  # never stops a server pgdrift did not start
    import psycopg

    with psycopg.connect(pgdrift_server.dsn) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_dsn_from_environment_but_never_database_url(pgdrift_server) -> None:
    server, _ = start_first(ServerOptions(env={"PGDRIFT_TEST_DSN": pgdrift_server.dsn}))
    assert server.provider == "dsn"
    with pytest.raises(NoServerError, match="dsn: no --pgdrift-dsn"):
        start_first(ServerOptions(providers=("dsn",), env={"DATABASE_URL": pgdrift_server.dsn}))


def test_a_failing_explicit_dsn_is_an_error_not_a_fallback() -> None:
    bad = "host=/nonexistent-pgdrift port=1 user=postgres dbname=postgres connect_timeout=1"
    with pytest.raises(NoServerError) as info:
        start_first(ServerOptions(dsn=bad))
    assert [name for name, _ in info.value.attempts] == ["dsn"]
    assert "cannot connect" in str(info.value)


def test_none_works_lists_every_provider_with_its_reason() -> None:
    with pytest.raises(NoServerError) as info:
        start_first(ServerOptions(providers=("dsn", "docker"), env={}))
    text = str(info.value)
    assert "dsn: no --pgdrift-dsn / PGDRIFT_TEST_DSN given" in text
    assert "docker:" in text
    assert "testcontainers is not installed" in text or "Docker engine" in text
    assert "PGDRIFT_PG_BINDIR" in text  # says how to fix it


def test_parse_providers() -> None:
    assert parse_providers("embedded, local") == ("embedded", "local")
    assert parse_providers(None) == ("dsn", "local", "embedded", "docker")
    with pytest.raises(ValueError, match="podman"):
        parse_providers("local,podman")


def test_describe_plan_names_the_provider_without_starting_it() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PGDRIFT_TEST_DSN"}
    assert describe_plan(ServerOptions(env=env)).startswith("local (")
    assert "PostgreSQL 18" in describe_plan(ServerOptions(providers=("embedded",)))
    assert describe_plan(ServerOptions(providers=("docker",))).startswith("nowhere: docker:")
