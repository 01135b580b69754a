"""The immediate-restart helper: a crash loses no committed row, DSNs stay valid."""

from __future__ import annotations

import psycopg
import pytest

from pgdrift.harness.providers import ExternalServer
from pgdrift.harness.restart import RestartError, can_restart, crash_restart

pytestmark = pytest.mark.properties


def test_immediate_restart_keeps_committed_rows_and_the_dsn(scenario_server) -> None:
    db = scenario_server.fresh_db()
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (v int)")
        conn.execute("INSERT INTO kept VALUES (42)")
        old_pid = conn.info.backend_pid
        seen: list[bool] = []
        downtime = scenario_server.restart(
            on_down=lambda: seen.append(scenario_server.server.is_running())
        )
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")  # the crash killed every backend
    assert seen == [False] and downtime > 0
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        assert conn.execute("SELECT v FROM kept").fetchone() == (42,)
        assert conn.info.backend_pid != old_pid
        row = conn.execute("SELECT next_xid FROM pg_control_checkpoint()").fetchone()
        assert row and ":" in row[0]  # the end-of-recovery checkpoint the checker relies on


def test_servers_pgdrift_did_not_launch_are_refused() -> None:
    external = ExternalServer("host=/nonexistent dbname=x", "15.0", 150000, description="given")
    assert not can_restart(external)
    with pytest.raises(RestartError, match="not a running server pgdrift launched"):
        crash_restart(external)
