"""Heartbeats extend live leases; cleanup_stuck_chunks() reclaims expired leases only,
once, safely beside itself, claims and completions."""

from __future__ import annotations

import threading
from typing import Any

from chunkq_helpers import Queue, at


def test_heartbeat_extends_a_live_lease(queue: Queue) -> None:
    job = queue.sync_job(1)
    claimed = queue.claim(now=at(0), lease=30)
    assert claimed is not None
    assert queue.heartbeat(claimed, now=at(20), lease=30) == at(50)
    row = queue.queue_row(job.chunk_ids[0])
    assert (row["lease_expires_at"], row["heartbeat_at"]) == (at(50), at(20))
    assert queue.cleanup(at(40)) == 0  # the extended lease is live
    assert queue.complete(claimed, now=at(45))["outcome"] == "completed"


def test_heartbeat_never_shortens_a_lease(queue: Queue) -> None:
    queue.sync_job(1)
    claimed = queue.claim(now=at(0), lease=300)
    assert claimed is not None
    assert queue.heartbeat(claimed, now=at(10), lease=5) == at(300)


def test_heartbeat_refuses_expired_foreign_and_finished_leases(queue: Queue) -> None:
    queue.sync_job(2)
    claimed = queue.claim(now=at(0), lease=30)
    assert claimed is not None
    assert queue.heartbeat(claimed, now=at(30)) is None  # expired: not revived
    assert (
        queue.heartbeat(claimed, now=at(10), token="00000000-0000-0000-0000-000000000000") is None
    )
    queue.complete(claimed, now=at(10))
    assert queue.heartbeat(claimed, now=at(11)) is None


def test_cleanup_reclaims_expired_leases_only(queue: Queue) -> None:
    jobs = [queue.sync_job(2, account=f"a{i}") for i in range(3)]
    short = queue.claim("w-short", now=at(0), lease=10)
    long = queue.claim("w-long", now=at(0), lease=100)
    beating = queue.claim("w-beat", now=at(0), lease=10)
    assert short and long and beating
    assert queue.heartbeat(beating, now=at(9), lease=10) == at(19)
    assert queue.cleanup(at(9.999)) == 0
    assert queue.cleanup(at(10)) == 1  # expiry is inclusive: a lease ends at lease_expires_at
    assert queue.queue_row(short["chunk_id"])["status"] == "pending"
    assert queue.queue_row(long["chunk_id"])["status"] == "processing"
    assert queue.queue_row(beating["chunk_id"])["status"] == "processing"
    assert queue.cleanup(at(10)) == 0  # nothing left to reclaim
    assert queue.cleanup(at(19)) == 1
    row = queue.queue_row(short["chunk_id"])
    assert (row["lease_token"], row["lease_expires_at"], row["run_after"]) == (None, None, at(10))
    assert "w-short" in row["last_error"]
    assert queue.chunk(short["chunk_id"])["status"] == "pending"
    job = queue.job(short["sync_job_id"])
    assert (job["active_queue_id"], job["next_run_at"]) == (None, at(10))
    assert len(jobs) == 3


def test_reclaimed_chunk_is_claimed_again_first(queue: Queue) -> None:
    job = queue.sync_job(3)
    claimed = queue.claim(now=at(0), lease=10)
    assert claimed is not None
    queue.cleanup(at(11))
    again = queue.claim("w2", now=at(12))
    assert again is not None
    assert (again["chunk_index"], again["attempt"]) == (0, 2)
    assert queue.transitions(job.chunk_ids[0]) == [
        "enqueued",
        "claimed",
        "lease_expired",
        "claimed",
    ]
    expired = queue.events(job.chunk_ids[0])[2]
    assert (expired["lease_token"], expired["worker_id"], expired["event_at"]) == (
        claimed["lease_token"],
        "w1",
        at(11),
    )


def test_expired_lease_on_the_last_attempt_is_dead_lettered(queue: Queue) -> None:
    job = queue.sync_job(3, max_attempts=2)
    for step in (0, 100):
        claimed = queue.claim(now=at(step), lease=10)
        assert claimed is not None
        assert queue.cleanup(at(step + 50)) == 1
    assert queue.queue_row(job.chunk_ids[0])["status"] == "failed"
    assert [queue.chunk(c)["status"] for c in job.chunk_ids] == ["failed", "cancelled", "cancelled"]
    sync_job = queue.job(job.id)
    assert sync_job["status"] == "failed"
    assert "expired" in sync_job["error_message"]
    outbox = queue.q("SELECT event_type, lease_token, payload FROM chunk_webhook_outbox")
    assert [(o["event_type"], o["lease_token"]) for o in outbox] == [("sync_job.failed", None)]
    assert outbox[0]["payload"]["outcome"] == "dead_lettered"


def test_cleanup_after_completion_changes_nothing(queue: Queue) -> None:
    """River #1302: a rescue computed from a stale snapshot must not rewrite a completion."""
    job = queue.sync_job(1)
    claimed = queue.claim(now=at(0), lease=10)
    assert claimed is not None
    assert queue.complete(claimed, now=at(9))["outcome"] == "completed"
    assert queue.cleanup(at(1000)) == 0
    assert queue.chunk(job.chunk_ids[0])["status"] == "completed"
    assert queue.job(job.id)["status"] == "completed"


def test_cleanup_skips_a_sync_job_being_completed_and_never_blocks(
    queue: Queue, connect: Any
) -> None:
    job = queue.sync_job(1)
    claimed = queue.claim(now=at(0), lease=10)
    assert claimed is not None
    completing = connect(autocommit=False)
    completer = Queue(completing)
    result = completer.complete(claimed, now=at(5))  # in an open transaction
    assert result["outcome"] == "completed"
    queue.conn.execute("SET lock_timeout = '2s'")
    assert queue.cleanup(at(100)) == 0  # the sync job row is locked: skipped, not waited on
    completing.commit()
    assert queue.cleanup(at(100)) == 0  # and after the commit there is nothing to reclaim
    assert queue.chunk(job.chunk_ids[0])["status"] == "completed"


def test_completion_waits_for_a_cleanup_in_flight_and_is_then_stale(
    queue: Queue, connect: Any
) -> None:
    queue.sync_job(1)
    claimed = queue.claim(now=at(0), lease=10)
    assert claimed is not None
    cleaner_conn = connect(autocommit=False)
    assert Queue(cleaner_conn).cleanup(at(20)) == 1  # holds the locks, not committed
    outcome: list[str] = []
    t = threading.Thread(
        target=lambda: outcome.append(queue.complete(claimed, now=at(5))["outcome"])
    )
    t.start()
    t.join(0.3)
    assert t.is_alive()  # blocked on the sync job row
    cleaner_conn.commit()
    t.join(5)
    assert outcome == ["stale_lease"]


def test_concurrent_cleanups_reclaim_each_lease_once(queue: Queue, connect: Any) -> None:
    for i in range(12):
        queue.sync_job(2, account=f"a{i}")
    claims = [queue.claim(f"w{i}", now=at(0), lease=10) for i in range(12)]
    assert all(claims)
    runners = 4
    conns = [connect() for _ in range(runners)]
    barrier = threading.Barrier(runners)
    counts = [0] * runners

    def run(i: int) -> None:
        barrier.wait()
        counts[i] = Queue(conns[i]).cleanup(at(50))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(runners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # a cleanup that skipped a locked sync job leaves it for the next run
    total = sum(counts) + queue.cleanup(at(50))
    assert total == 12
    assert (
        queue.value(
            "SELECT count(*) FROM chunk_processing_events WHERE transition = 'lease_expired'"
        )
        == 12
    )
    assert (
        queue.value("SELECT count(*) FROM chunk_processing_queue WHERE status = 'processing'") == 0
    )


def test_cleanup_races_claims_without_double_leases(queue: Queue, connect: Any) -> None:
    for i in range(8):
        queue.sync_job(3, account=f"a{i}")
    for i in range(8):
        assert queue.claim(f"old{i}", now=at(0), lease=10)
    conns = [connect() for _ in range(4)]
    barrier = threading.Barrier(4)

    def cleaner(conn: Any) -> None:
        barrier.wait()
        for _ in range(5):
            Queue(conn).cleanup(at(60))

    def claimer(conn: Any, name: str) -> None:
        barrier.wait()
        q = Queue(conn)
        for _ in range(20):
            q.claim(name, now=at(60), lease=100)

    threads = [
        threading.Thread(target=cleaner, args=(conns[0],)),
        threading.Thread(target=cleaner, args=(conns[1],)),
        threading.Thread(target=claimer, args=(conns[2], "new-a")),
        threading.Thread(target=claimer, args=(conns[3], "new-b")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.cleanup(at(60))  # whatever the racing cleanups skipped
    # never two live leases in one sync job; each old lease reclaimed exactly once
    per_job = queue.value(
        "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM chunk_processing_queue"
        " WHERE status = 'processing' GROUP BY sync_job_id) s"
    )
    assert per_job <= 1
    assert (
        queue.value(
            "SELECT count(*) FROM chunk_processing_events WHERE transition = 'lease_expired'"
        )
        == 8
    )
    assert (
        queue.value(
            "SELECT count(*) FROM chunk_processing_queue WHERE status = 'processing'"
            " AND worker_id LIKE 'old%%'"
        )
        == 0
    )
    claims = queue.q(
        "SELECT chunk_id, count(*) AS n FROM chunk_processing_events"
        " WHERE transition = 'claimed' AND worker_id LIKE 'new%%' GROUP BY chunk_id"
    )
    assert all(c["n"] == 1 for c in claims)
