"""Bad credentials and missing privileges, against a real server that asks for passwords."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from pgdrift.catalog.live import LiveError, connect
from pgdrift.cli import cli
from pgdrift.harness.binaries import PgInstall
from pgdrift.harness.launcher import start_server

HBA = """\
local all postgres trust
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
"""


@pytest.fixture(scope="module")
def password_server(pgdrift_server: Any) -> Iterator[Any]:
    """A second throwaway server (same binaries as the session's) with password auth."""
    bindir = Path(os.environ.get("PGDRIFT_PG_BINDIR", "/usr/lib/postgresql/15/bin"))
    folder = Path(tempfile.mkdtemp(prefix="pgdrift-hba-", dir="/tmp"))
    folder.chmod(0o755)
    hba = folder / "pg_hba.conf"
    hba.write_text(HBA)
    hba.chmod(0o644)
    server = start_server(PgInstall.from_bindir(bindir), settings={"hba_file": str(hba)})
    try:
        with psycopg.connect(server.dsn_for("postgres"), autocommit=True) as conn:
            conn.execute("CREATE ROLE bob LOGIN PASSWORD 'right-Pa55word'")
            conn.execute("CREATE DATABASE locked")
            conn.execute("REVOKE CONNECT ON DATABASE locked FROM PUBLIC")
        yield server
    finally:
        server.stop()


def _dsn(server: Any, **kw: str) -> str:
    return psycopg.conninfo.make_conninfo(server.dsn_for("postgres"), **kw)


def test_bad_password_one_line_no_secret(password_server: Any) -> None:
    dsn = _dsn(password_server, user="bob", password="wrong-Secret-99")
    with pytest.raises(LiveError) as info:
        connect(dsn)
    assert str(info.value).startswith("authentication failed for user 'bob'")
    result = CliRunner().invoke(cli, ["snapshot", "--dsn", dsn, "-o", "/tmp/pgdrift-never"])
    assert result.exit_code == 2
    assert "wrong-Secret-99" not in result.output
    assert result.output.count("\n") == 1


def test_right_password_works(password_server: Any) -> None:
    with connect(_dsn(password_server, user="bob", password="right-Pa55word")) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("bob",)


def test_missing_privilege_one_line(password_server: Any) -> None:
    dsn = _dsn(password_server, user="bob", password="right-Pa55word", dbname="locked")
    result = CliRunner().invoke(cli, ["diff", "--dsn", dsn, "tests/live"])
    assert result.exit_code == 2
    assert "permission denied for database" in result.output
    assert "right-Pa55word" not in result.output
    assert result.output.count("\n") == 1
