"""The launcher: start, answer, stop, die with the parent, janitor."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import psycopg
import pytest

from pgdrift.harness.binaries import PgInstall
from pgdrift.harness.launcher import default_cache_dir, ensure_initdb, janitor, start_server
from pgdrift.harness.runas import run_as_user, unreachable_parent


def _dead(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def _wait_dead(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _dead(pid):
            return True
        time.sleep(0.02)
    return _dead(pid)


def test_start_answers_and_stop_cleans_up(install: PgInstall) -> None:
    server = start_server(install)
    try:
        assert server.is_running()
        with psycopg.connect(server.dsn, autocommit=True) as conn:
            assert conn.info.server_version // 10000 == install.major
            settings = dict(
                conn.execute(
                    "SELECT name, setting FROM pg_settings WHERE name IN "
                    "('fsync', 'synchronous_commit', 'full_page_writes', 'listen_addresses')"
                ).fetchall()
            )
            assert settings == {
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
                "listen_addresses": "127.0.0.1",
            }
        # TCP on 127.0.0.1 answers too
        with psycopg.connect(server.url_for("postgres")) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        if os.geteuid() == 0:
            # as root the server runs as an unprivileged user
            owner = Path(f"/proc/{server.pid}").stat().st_uid
            assert owner != 0
    finally:
        server.stop()
    assert _dead(server.pid)
    assert not server.root.exists()
    assert server.record is not None and not server.record.exists()
    server.stop()  # idempotent


def test_data_dir_on_tmpfs_and_private_socket_dir(local_install: PgInstall) -> None:
    with start_server(local_install, tmpfs="on") as server:
        assert str(server.root).startswith("/dev/shm/")
        assert (server.socket_dir / f".s.PGSQL.{server.port}").exists()
        assert server.socket_dir.stat().st_mode & 0o077 == 0
    with start_server(local_install, tmpfs="off") as server:
        assert not str(server.root).startswith("/dev/shm/")
        with psycopg.connect(server.dsn) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)


def test_initdb_cache_is_reused(local_install: PgInstall) -> None:
    cache = default_cache_dir()
    user = run_as_user()
    first = ensure_initdb(local_install, cache, user)
    stamp = (first / "PG_VERSION").stat().st_mtime_ns
    assert ensure_initdb(local_install, cache, user) == first
    assert (first / "PG_VERSION").stat().st_mtime_ns == stamp
    assert unreachable_parent(first.parent, user) is None


def test_extra_settings_are_applied(local_install: PgInstall) -> None:
    with (
        start_server(local_install, settings={"work_mem": "7MB"}) as server,
        psycopg.connect(server.dsn) as conn,
    ):
        assert conn.execute("SHOW work_mem").fetchone() == ("7MB",)


def test_server_started_from_a_short_lived_thread_survives_it(
    local_install: PgInstall,
) -> None:
    box: list = []
    worker = threading.Thread(target=lambda: box.append(start_server(local_install)))
    worker.start()
    worker.join()
    server = box[0]
    try:
        time.sleep(0.3)  # PR_SET_PDEATHSIG would have fired by now
        assert server.is_running()
        with psycopg.connect(server.dsn) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        server.stop()


CHILD = textwrap.dedent(
    """
    import sys, time
    from pgdrift.harness.binaries import PgInstall
    from pgdrift.harness.launcher import start_server
    server = start_server(PgInstall.from_bindir(sys.argv[1]))
    print(server.pid, server.root, flush=True)
    time.sleep(120)
    """
)


def test_server_dies_with_its_killed_parent_and_janitor_removes_its_files(
    local_install: PgInstall,
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(local_install.bindir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline() if child.stdout else ""
        pid_text, root = line.split()
        server_pid = int(pid_text)
        assert not _dead(server_pid)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        assert _wait_dead(server_pid), "the server outlived its killed parent"
        assert Path(root).exists()  # nobody cleaned up after the killed run ...
        cleaned = janitor()
        assert not Path(root).exists()  # ... until the janitor came
        assert any(root in entry for entry in cleaned)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_janitor_stops_a_live_server_whose_owner_is_gone(local_install: PgInstall) -> None:
    server = start_server(local_install)
    try:
        dead = subprocess.Popen(["true"])
        dead.wait()
        assert server.record is not None
        record = json.loads(server.record.read_text())
        record["owner_pid"] = dead.pid
        server.record.write_text(json.dumps(record))
        cleaned = janitor()
        assert any(f"pid {server.pid}" in entry for entry in cleaned)
        assert server.process.wait(10) is not None
        assert not server.root.exists()
        assert not server.record.exists()
    finally:
        server.stop()


def test_janitor_leaves_live_owners_alone(local_install: PgInstall) -> None:
    with start_server(local_install) as server:
        janitor()
        assert server.is_running()
        assert server.root.exists()


def test_startup_failure_reports_the_server_log(tmp_path: Path, local_install: PgInstall) -> None:
    from pgdrift.harness.launcher import LaunchError

    with pytest.raises(LaunchError, match="shared_buffers"):
        start_server(local_install, settings={"shared_buffers": "not-a-size"})


def test_unreachable_binaries_are_copied_where_the_server_user_can_reach_them(
    tmp_path: Path,
) -> None:
    from pgdrift.harness.launcher import _accessible_install

    user = run_as_user()
    if user is None:  # not root: the server runs as us and reaches what we reach
        assert unreachable_parent(tmp_path, user) is None
        return
    private = tmp_path / "home"
    (private / "prefix" / "bin").mkdir(parents=True)
    (private / "prefix" / "share").mkdir()
    for exe in ("postgres", "initdb"):
        script = private / "prefix" / "bin" / exe
        script.write_text("#!/bin/sh\necho 'postgres (PostgreSQL) 99.1'\n")
        script.chmod(0o755)
    private.chmod(0o700)
    fake = PgInstall(
        private / "prefix" / "bin", f"postgres (PostgreSQL) 99.1 {tmp_path}", "99.1", 99
    )
    assert unreachable_parent(fake.postgres, user) is not None
    cache = Path(tempfile.mkdtemp(prefix="pgdrift-cache-test-", dir="/var/tmp"))
    cache.chmod(0o755)
    try:
        copied = _accessible_install(fake, cache, user)
        assert copied.bindir != fake.bindir
        assert unreachable_parent(copied.postgres, user) is None
        assert (copied.bindir.parent / "share").is_dir()
        assert os.access(copied.postgres, os.X_OK)
        assert _accessible_install(fake, cache, user) == copied  # copied once
    finally:
        import shutil

        shutil.rmtree(cache, ignore_errors=True)
