"""claim_next_chunk_job_safe: at most one due chunk, in chunk_index order, one at a time
per sync job, different sync jobs in parallel, with a lease and a counted attempt."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from chunkq_helpers import T0, Queue, at


def test_claim_returns_the_chunk_data_and_sets_a_lease(queue: Queue) -> None:
    job = queue.sync_job(2, account="acct-7", emails=250)
    claimed = queue.claim("worker-a", now=at(0), lease=90)
    assert claimed is not None
    assert claimed["sync_job_id"] == job.id
    assert claimed["chunk_id"] == job.chunk_ids[0]
    assert claimed["chunk_index"] == 0
    assert claimed["estimated_emails"] == 250
    assert claimed["attempt"] == 1
    assert claimed["max_attempts"] == 5
    assert claimed["account_id"] == "acct-7"
    assert claimed["lease_expires_at"] == at(90)
    row = queue.queue_row(job.chunk_ids[0])
    assert row["id"] == claimed["queue_id"]
    assert row["status"] == "processing"
    assert row["worker_id"] == "worker-a"
    assert row["lease_token"] == claimed["lease_token"]
    assert row["claimed_at"] == T0
    assert queue.chunk(job.chunk_ids[0])["status"] == "processing"
    assert queue.chunk(job.chunk_ids[0])["started_at"] == T0
    sync_job = queue.job(job.id)
    assert (sync_job["status"], sync_job["active_queue_id"]) == ("running", claimed["queue_id"])


def test_nothing_due_returns_no_row(queue: Queue) -> None:
    assert queue.claim() is None
    queue.sync_job(1, now=at(10))  # enqueued at T0+10: not due at T0
    assert queue.claim(now=at(9)) is None
    assert queue.claim(now=at(10)) is not None


def test_chunks_of_one_sync_job_are_claimed_in_chunk_index_order(queue: Queue) -> None:
    job = queue.sync_job([3, 0, 2, 1])  # inserted out of order
    assert queue.drain() == [(job.id, 0), (job.id, 1), (job.id, 2), (job.id, 3)]


def test_one_chunk_at_a_time_per_sync_job(queue: Queue) -> None:
    job = queue.sync_job(3)
    first = queue.claim("w1")
    assert first is not None and first["chunk_index"] == 0
    assert queue.claim("w2") is None  # chunk 1 waits for chunk 0
    queue.complete(first)
    second = queue.claim("w2")
    assert second is not None and (second["sync_job_id"], second["chunk_index"]) == (job.id, 1)


def test_different_sync_jobs_are_processed_in_parallel(queue: Queue) -> None:
    jobs = [queue.sync_job(2, account=f"a{i}") for i in range(3)]
    claims = [queue.claim(f"w{i}") for i in range(3)]
    assert all(c is not None for c in claims)
    assert sorted(c["sync_job_id"] for c in claims if c) == sorted(j.id for j in jobs)
    assert {c["chunk_index"] for c in claims if c} == {0}
    assert queue.claim("w9") is None


def test_attempts_are_counted_per_claim(queue: Queue) -> None:
    queue.sync_job(1)
    for attempt in (1, 2, 3):
        claimed = queue.claim(now=at(attempt * 1000))
        assert claimed is not None and claimed["attempt"] == attempt
        result = queue.complete(claimed, success=False, error="boom", now=at(attempt * 1000))
        assert result["outcome"] == "retry_scheduled"


def test_claim_skips_a_sync_job_locked_by_a_concurrent_claim(queue: Queue, connect: Any) -> None:
    """procrastinate #212: while job A's row is locked (a claim in flight), another claimer
    must neither wait nor take A's chunk 1 — it moves on to job B."""
    job_a = queue.sync_job(3, account="a")
    job_b = queue.sync_job(3, account="b")
    other = connect(autocommit=False)
    other.execute("SELECT 1 FROM sync_jobs WHERE id = %s FOR NO KEY UPDATE", (job_a.id,))
    try:
        queue.conn.execute("SET lock_timeout = '2s'")
        claimed = queue.claim("w2")
        assert claimed is not None
        assert (claimed["sync_job_id"], claimed["chunk_index"]) == (job_b.id, 0)
        assert queue.claim("w3") is None  # A is locked, B is busy
    finally:
        other.rollback()
    claimed = queue.claim("w4")
    assert claimed is not None and (claimed["sync_job_id"], claimed["chunk_index"]) == (job_a.id, 0)


def test_concurrent_claimers_never_share_a_chunk_or_a_sync_job(queue: Queue, connect: Any) -> None:
    jobs = [queue.sync_job(3, account=f"a{i}") for i in range(6)]
    workers = 8
    conns = [connect() for _ in range(workers)]
    barrier = threading.Barrier(workers)
    results: list[dict[str, Any] | None] = [None] * workers
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = Queue(conns[i]).claim(f"w{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    got = [r for r in results if r is not None]
    assert len(got) == len(jobs)  # one per sync job, two claimers come back empty
    assert len({r["chunk_id"] for r in got}) == len(got)
    assert len({r["sync_job_id"] for r in got}) == len(got)
    assert {r["chunk_index"] for r in got} == {0}
    assert (
        queue.value("SELECT count(*) FROM chunk_processing_queue WHERE status = 'processing'") == 6
    )


def test_concurrent_drain_keeps_per_job_order_and_processes_every_chunk_once(
    queue: Queue, connect: Any
) -> None:
    jobs = [queue.sync_job(5, account=f"a{i}") for i in range(4)]
    workers = 4
    conns = [connect() for _ in range(workers)]
    barrier = threading.Barrier(workers)
    done: list[tuple[int, int, int]] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        q = Queue(conns[i])
        barrier.wait()
        idle = 0
        while idle < 50:
            claimed = q.claim(f"w{i}")
            if claimed is None:
                idle += 1
                continue
            idle = 0
            result = q.complete(claimed)
            assert result["outcome"] == "completed"
            with lock:
                done.append((claimed["sync_job_id"], claimed["chunk_index"], result["outbox_id"]))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted((j, c) for j, c, _ in done) == sorted(
        (job.id, i) for job in jobs for i in range(5)
    )
    for job in jobs:
        # completion events of one sync job are in chunk_index order
        order = [
            r["chunk_index"]
            for r in queue.q(
                "SELECT chunk_index FROM chunk_processing_events"
                " WHERE sync_job_id = %s AND transition = 'completed' ORDER BY id",
                (job.id,),
            )
        ]
        assert order == [0, 1, 2, 3, 4]
        assert queue.job(job.id)["status"] == "completed"


def test_claim_never_takes_more_than_one_chunk(queue: Queue) -> None:
    for i in range(5):
        queue.sync_job(2, account=f"a{i}")
    assert queue.claim() is not None
    assert (
        queue.value("SELECT count(*) FROM chunk_processing_queue WHERE status = 'processing'") == 1
    )


def test_stale_next_run_at_is_repaired(queue: Queue) -> None:
    job = queue.sync_job(1)
    queue.conn.execute(
        "UPDATE chunk_processing_queue SET run_after = %s WHERE sync_job_id = %s",
        (at(100), job.id),
    )
    assert queue.claim(now=at(5)) is None
    assert queue.job(job.id)["next_run_at"] == at(100)
    assert queue.claim(now=at(100)) is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [(("", 60), "p_worker_id"), ((None, 60), "p_worker_id"), (("w", 0), "p_lease_seconds")],
)
def test_bad_arguments_are_refused_clearly(
    queue: Queue, args: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match=message):
        queue.q("SELECT * FROM claim_next_chunk_job_safe(%s::text, %s)", args)
