"""Read-only sessions, plain roles, connection errors and password masking (real server)."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from pgdrift.catalog.live import LiveError, connect, introspect, mask_password
from pgdrift.cli import cli


def test_session_is_read_only(varied_db: Any) -> None:
    with connect(varied_db.dsn) as conn:
        settings = conn.execute(
            "SELECT current_setting('default_transaction_read_only'),"
            " current_setting('statement_timeout'), current_setting('application_name')"
        ).fetchone()
        assert settings == ("on", "1min", "pgdrift")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE public.must_not_exist (id integer)")


def test_plain_role_reads_everything_it_may(varied_db: Any) -> None:
    with varied_db.connect(autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS pgdrift_reader")
        admin.execute("CREATE ROLE pgdrift_reader LOGIN NOSUPERUSER")
        admin.execute("GRANT USAGE ON SCHEMA app TO pgdrift_reader")
    try:
        dsn = psycopg.conninfo.make_conninfo(varied_db.dsn, user="pgdrift_reader")
        with connect(dsn) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("pgdrift_reader",)
            as_reader = introspect(conn)
        with connect(varied_db.dsn) as conn:
            as_owner = introspect(conn)
        assert [o.ddl for o in as_reader.objects] == [o.ddl for o in as_owner.objects]
        # no USAGE on "Mixed Case": said, not hidden
        assert any("Mixed Case" in w and "USAGE" in w for w in as_reader.warnings)
        assert as_reader.queries <= 15
    finally:
        with varied_db.connect(autocommit=True) as admin:
            admin.execute("REVOKE ALL ON SCHEMA app FROM pgdrift_reader")
            admin.execute("DROP ROLE pgdrift_reader")


def test_missing_database_one_line_without_password(varied_db: Any) -> None:
    dsn = psycopg.conninfo.make_conninfo(varied_db.dsn, dbname="no_such_db", password="s3cr3t-Pa55")
    result = CliRunner().invoke(cli, ["snapshot", "--dsn", dsn, "-o", "/tmp/pgdrift-never"])
    assert result.exit_code == 2
    assert "database 'no_such_db' does not exist" in result.output
    assert "s3cr3t-Pa55" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_unreachable_host_fails_fast_with_exit_2() -> None:
    url = "postgresql://alice:hunter2-secret@192.0.2.1:5432/app?connect_timeout=1"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["diff", "--dsn", url, "tests/live"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 2
    assert "hunter2-secret" not in result.output
    assert "could not connect to 192.0.2.1:5432" in result.output
    assert elapsed < 10
    refused = CliRunner().invoke(
        cli, ["snapshot", "--dsn", "host=127.0.0.1 port=1 password=pw-xyz-123", "-q"]
    )
    assert refused.exit_code == 2
    assert "connection refused" in refused.output and "pw-xyz-123" not in refused.output


def test_connect_error_is_live_error() -> None:
    with pytest.raises(LiveError) as info:
        connect("host=127.0.0.1 port=1 user=bob password=topsecret-1")
    assert "topsecret-1" not in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://bob:p%40ss-word@db.example.com:5432/app",
        "host=db user=bob password=p@ss-word dbname=app",
        "host=db user=bob password='p@ss-word' dbname=app",
        "postgresql://bob@db/app?sslmode=require&password=p@ss-word",
    ],
)
def test_mask_password(text: str) -> None:
    masked = mask_password(f"error for {text}: failed", text)
    assert "p@ss-word" not in masked and "p%40ss-word" not in masked
    assert "***" in masked


def test_masked_keeps_the_name_and_hides_the_password() -> None:
    from pgdrift.catalog.live import masked

    err = masked(UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"), None)
    assert type(err).__name__ == "UnicodeDecodeError"
    err = masked(psycopg.OperationalError("failed for postgresql://a:Sekret-77@h/db"), None)
    assert "Sekret-77" not in str(err) and type(err).__name__ == "OperationalError"


def test_unreadable_snapshot_file_is_a_finding_not_a_traceback(
    varied_db: Any, tmp_path: Any
) -> None:
    (tmp_path / "bad.sql").write_bytes(b"\xff\xfe")
    (tmp_path / "t.sql").write_text("CREATE TABLE public.t (id integer);\n")
    result = CliRunner().invoke(cli, ["diff", "--dsn", varied_db.dsn, str(tmp_path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "cannot read" in result.output and "bad.sql" in result.output


def test_show_config_masks_the_dsn_password(tmp_path: Any, monkeypatch: Any) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pgdrift]\ndsn = "postgresql://u:TopSecret-1@h/db"\n'
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--show-config"])
    assert "TopSecret-1" not in result.output
    assert 'dsn = "postgresql://u:***@h/db"' in result.output
