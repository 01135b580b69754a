"""The reference worker: drains the queue, retries, heartbeats, abandons a lost lease,
wakes on NOTIFY, survives a lost LISTEN connection, stops gracefully on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from chunkq_helpers import Queue
from click.testing import CliRunner

from pgdrift.cli.base import cli
from pgdrift.harness.queue_worker import (
    BatchCompleter,
    ChunkContext,
    ClaimedChunk,
    Completion,
    QueueWorker,
    WorkerConfig,
    claim,
    run_pool,
)


def _wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _config(pgdrift_db: Any, **kw: Any) -> WorkerConfig:
    defaults: dict[str, Any] = {
        "dsn": pgdrift_db.dsn,
        "worker_id": "test-worker",
        "cleanup_interval": 0,
    }
    return WorkerConfig(**(defaults | kw))


class _Background:
    """Runs a worker in a thread; stops and joins it on exit."""

    def __init__(self, worker: QueueWorker) -> None:
        self.worker = worker
        self.thread = threading.Thread(target=worker.run, daemon=True)

    def __enter__(self) -> QueueWorker:
        self.thread.start()
        return self.worker

    def __exit__(self, *exc: object) -> None:
        self.worker.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()


def test_worker_drains_in_order(queue: Queue, pgdrift_db: Any) -> None:
    jobs = [queue.sync_job(3, account=f"a{i}", now=None) for i in range(3)]
    seen: list[tuple[int, int]] = []
    worker = QueueWorker(
        _config(pgdrift_db, exit_when_idle=True),
        lambda chunk, ctx: seen.append((chunk.sync_job_id, chunk.chunk_index)),
    )
    stats = worker.run()
    assert (stats.claimed, stats.completed, stats.rejected) == (9, 9, 0)
    for job in jobs:
        assert [i for j, i in seen if j == job.id] == [0, 1, 2]
        assert queue.job(job.id)["status"] == "completed"
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 9


@pytest.mark.parametrize("chain", [True, False])
def test_handler_error_is_retried_then_succeeds(queue: Queue, pgdrift_db: Any, chain: bool) -> None:
    job = queue.sync_job(2, now=None)
    failures = {0: 2}  # chunk_index 0 fails twice

    def handler(chunk: ClaimedChunk, ctx: ChunkContext) -> None:
        if failures.get(chunk.chunk_index, 0) >= chunk.attempt:
            raise ConnectionError(f"IMAP timeout on attempt {chunk.attempt}")

    worker = QueueWorker(
        _config(pgdrift_db, exit_when_idle=True, backoff_base_ms=0, backoff_max_ms=0, chain=chain),
        handler,
    )
    stats = worker.run()
    assert (stats.retry_scheduled, stats.completed, stats.handler_errors) == (2, 2, 2)
    assert queue.job(job.id)["status"] == "completed"
    assert queue.queue_row(job.chunk_ids[0])["attempts"] == 3
    assert (
        queue.queue_row(job.chunk_ids[0])["last_error"]
        == "ConnectionError: IMAP timeout on attempt 2"
    )


def test_exhausted_retries_fail_the_sync_job(queue: Queue, pgdrift_db: Any) -> None:
    job = queue.sync_job(3, max_attempts=2, now=None)

    def handler(chunk: ClaimedChunk, ctx: ChunkContext) -> None:
        raise RuntimeError("mailbox deleted")

    stats = QueueWorker(
        _config(pgdrift_db, exit_when_idle=True, backoff_base_ms=0, backoff_max_ms=0), handler
    ).run()
    assert (stats.retry_scheduled, stats.dead_lettered, stats.claimed) == (1, 1, 2)
    assert queue.job(job.id)["status"] == "failed"


def test_heartbeats_keep_a_long_chunk_alive(queue: Queue, pgdrift_db: Any) -> None:
    job = queue.sync_job(1, now=None)
    worker = QueueWorker(
        _config(pgdrift_db, exit_when_idle=True, lease_seconds=1, heartbeat_interval=0.2),
        lambda chunk, ctx: time.sleep(1.5),
    )
    stats = worker.run()
    assert stats.heartbeats >= 3
    assert (stats.completed, stats.rejected) == (1, 0)
    assert queue.chunk(job.chunk_ids[0])["status"] == "completed"


def test_lost_lease_is_abandoned_and_the_chunk_redone(queue: Queue, pgdrift_db: Any) -> None:
    job = queue.sync_job(1, now=None)
    first_started = threading.Event()
    attempts: list[int] = []

    def handler(chunk: ClaimedChunk, ctx: ChunkContext) -> None:
        attempts.append(chunk.attempt)
        if chunk.attempt == 1:
            first_started.set()
            for _ in range(200):
                ctx.check()
                time.sleep(0.02)

    worker = QueueWorker(_config(pgdrift_db, exit_when_idle=True, heartbeat_interval=0.05), handler)
    with _Background(worker):
        assert first_started.wait(10)
        # the lease runs out (backdated), and an operator's cleanup reclaims it
        queue.conn.execute(
            "UPDATE chunk_processing_queue SET lease_expires_at = claimed_at + interval '1 ms'"
            " WHERE status = 'processing'"
        )
        assert queue.value("SELECT cleanup_stuck_chunks()") == 1
        _wait_for(lambda: queue.job(job.id)["status"] == "completed")
    assert attempts == [1, 2]
    assert worker.stats.lease_lost == 1
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 1


def test_notify_wakes_an_idle_worker(queue: Queue, pgdrift_db: Any) -> None:
    done: list[int] = []
    worker = QueueWorker(
        _config(pgdrift_db, poll_interval=60), lambda chunk, ctx: done.append(chunk.chunk_id)
    )
    with _Background(worker):
        _wait_for(lambda: worker.stats.polls >= 1)
        time.sleep(0.2)
        started = time.monotonic()
        job = queue.sync_job(2, now=None)
        _wait_for(lambda: len(done) == 2, timeout=10)
        assert time.monotonic() - started < 10  # far below the 60 s poll interval
    assert worker.stats.notifications >= 1
    assert done == job.chunk_ids


def test_polling_continues_when_the_listen_connection_dies(queue: Queue, pgdrift_db: Any) -> None:
    done: list[int] = []
    worker = QueueWorker(
        _config(pgdrift_db, poll_interval=0.3), lambda chunk, ctx: done.append(chunk.chunk_id)
    )
    with _Background(worker):
        _wait_for(
            lambda: (
                queue.value(
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%%'"
                    " AND datname = current_database()"
                )
                >= 1
            )
        )
        killed = queue.value(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE query LIKE 'LISTEN%%' AND datname = current_database()"
        )
        assert killed >= 1
        job = queue.sync_job(1, now=None)
        _wait_for(lambda: done == job.chunk_ids)
    assert queue.job(job.id)["status"] == "completed"


HANDLER_MODULE = """
import pathlib, time

def slow(chunk, ctx):
    pathlib.Path({started!r}).write_text(str(chunk.chunk_id))
    time.sleep(1.0)
"""


def test_sigterm_finishes_the_chunk_in_hand_then_exits(
    queue: Queue, pgdrift_db: Any, tmp_path: Path
) -> None:
    started = tmp_path / "started"
    (tmp_path / "slow_handler.py").write_text(
        textwrap.dedent(HANDLER_MODULE.format(started=str(started)))
    )
    jobs = [queue.sync_job(2, account=f"a{i}", now=None) for i in range(2)]
    env = os.environ | {"PYTHONPATH": str(tmp_path)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pgdrift.harness.queue_worker",
            "--dsn",
            pgdrift_db.dsn,
            "--handler",
            "slow_handler:slow",
            "--poll-interval",
            "0.2",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(started.exists, timeout=20)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    chunk_id = int(started.read_text())
    assert queue.chunk(chunk_id)["status"] == "completed"  # finished, not abandoned
    statuses = [r["status"] for r in queue.q("SELECT status FROM chunk_processing_queue")]
    assert statuses.count("completed") == 1
    assert statuses.count("processing") == 0  # nothing claimed after the signal
    assert "completed 1" in err
    assert len(jobs) == 2


def test_cli_refuses_a_bad_handler(pgdrift_db: Any) -> None:
    result = CliRunner().invoke(
        cli, ["worker", "--dsn", pgdrift_db.dsn, "--handler", "no_colon_here"]
    )
    assert result.exit_code == 2
    assert "package.module:function" in result.output


def test_cli_refuses_a_database_without_the_queue(pgdrift_empty_db: Any) -> None:
    result = CliRunner().invoke(cli, ["worker", "--dsn", pgdrift_empty_db.dsn, "--drain"])
    assert result.exit_code == 2
    assert "claim_next_chunk_job_safe" in result.output


def test_cli_drains_the_queue(queue: Queue, pgdrift_db: Any) -> None:
    job = queue.sync_job(3, now=None)
    result = CliRunner().invoke(
        cli, ["worker", "--dsn", pgdrift_db.dsn, "--drain", "--worker-id", "cli-1"]
    )
    assert result.exit_code == 0, result.output
    assert "completed 3" in result.output
    assert queue.job(job.id)["status"] == "completed"
    workers = {
        r["worker_id"]
        for r in queue.q(
            "SELECT DISTINCT worker_id FROM chunk_processing_events WHERE worker_id IS NOT NULL"
        )
    }
    assert workers == {"cli-1"}


def test_batch_completer_commits_many_completions_together(queue: Queue, pgdrift_db: Any) -> None:
    for i in range(6):
        queue.sync_job(2, account=f"a{i}", now=None)
    chunks = [c for c in (claim(queue.conn, f"w{i}", 60) for i in range(6)) if c]
    stale = ClaimedChunk(**(chunks[0].__dict__ | {"lease_token": uuid.uuid4()}))
    results: dict[int, Any] = {}
    with BatchCompleter(pgdrift_db.dsn, max_batch=16) as completer:
        threads = [
            threading.Thread(
                target=lambda c=c, i=i: results.__setitem__(i, completer.complete(c, True, 5))
            )
            for i, c in enumerate([stale, *chunks])
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    outcomes = sorted(r.outcome for r in results.values())
    # the stale token is refused, unless its real twin was settled first (then it is stale too)
    assert outcomes.count("completed") == 6
    assert outcomes.count("stale_lease") + outcomes.count("already_recorded") == 1
    assert completer.completions == 7
    assert completer.batches <= 7
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 6


def test_batch_completer_settles_a_bad_completion_alone(queue: Queue, pgdrift_db: Any) -> None:
    for i in range(3):
        queue.sync_job(1, account=f"a{i}", now=None)
    chunks = [c for c in (claim(queue.conn, f"w{i}", 60) for i in range(3)) if c]
    with BatchCompleter(pgdrift_db.dsn, connections=1) as completer:
        outcomes: dict[int, Any] = {}

        def report(i: int, ms: int) -> None:
            try:
                outcomes[i] = completer.complete(chunks[i], True, ms).outcome
            except psycopg.Error as exc:
                outcomes[i] = type(exc).__name__

        threads = [threading.Thread(target=report, args=(i, -1 if i == 1 else 3)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert outcomes == {0: "completed", 1: "InvalidParameterValue", 2: "completed"}


def test_pool_of_workers_drains_with_shared_completions(queue: Queue, pgdrift_db: Any) -> None:
    jobs = [queue.sync_job(3, account=f"a{i}", now=None) for i in range(4)]
    seen: list[tuple[int, int]] = []
    lock = threading.Lock()

    def handler(chunk: ClaimedChunk, ctx: ChunkContext) -> None:
        with lock:
            seen.append((chunk.sync_job_id, chunk.chunk_index))

    stats = run_pool(_config(pgdrift_db, exit_when_idle=True), handler, 3, install_signals=False)
    assert sum(s.completed for s in stats) == 12
    assert sum(s.rejected for s in stats) == 0
    for job in jobs:
        assert [i for j, i in seen if j == job.id] == [0, 1, 2]
        assert queue.job(job.id)["status"] == "completed"
    workers = {
        r["worker_id"]
        for r in queue.q(
            "SELECT DISTINCT worker_id FROM chunk_processing_events WHERE worker_id IS NOT NULL"
        )
    }
    assert workers <= {"test-worker/0", "test-worker/1", "test-worker/2"}


def test_client_dataclasses_match_the_sql_result_columns(queue: Queue) -> None:
    """The client maps result rows by position: the columns must be the fields, in order."""

    def columns(function: str) -> list[str]:
        return [
            r["name"]
            for r in queue.q(
                "SELECT unnest(proargnames) AS name, unnest(proargmodes) AS mode"
                " FROM pg_proc WHERE proname = %s",
                (function,),
            )
            if r["mode"] == "t"
        ]

    claimed = list(ClaimedChunk.__dataclass_fields__)
    completion = list(Completion.__dataclass_fields__)
    assert columns("claim_next_chunk_job_safe") == claimed
    assert columns("complete_chunk_job_safe") == completion
    assert columns("complete_and_claim_next_chunk_safe") == completion + [
        f"next_{name}" for name in claimed
    ]


def test_worker_survives_a_killed_connection(queue: Queue, pgdrift_db: Any) -> None:
    job = queue.sync_job(2, now=None)
    killed = threading.Event()

    def handler(chunk: ClaimedChunk, ctx: ChunkContext) -> None:
        if not killed.is_set():
            killed.set()
            # the worker's own connection dies while it works on the chunk
            queue.value(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND application_name = '' AND query NOT LIKE 'LISTEN%%'"
                " AND query NOT LIKE '%%heartbeat%%'"
            )

    worker = QueueWorker(
        _config(pgdrift_db, lease_seconds=1, poll_interval=0.2, cleanup_interval=0.5), handler
    )
    with _Background(worker):
        _wait_for(lambda: worker.stats.connection_errors >= 1)
        # the lease of the chunk in hand runs out; the worker's own cleanup hands it back
        _wait_for(lambda: queue.job(job.id)["status"] == "completed", timeout=20)
    assert worker.stats.reclaimed >= 1
    assert queue.job(job.id)["status"] == "completed"
