"""complete_chunk_job_safe: fencing by lease token, idempotence, retry with exponential
backoff and jitter, dead letter, sync job completion and failure."""

from __future__ import annotations

import uuid
from datetime import timedelta

import psycopg
import pytest
from chunkq_helpers import T0, Queue, at


def test_success_completes_the_chunk_with_its_timing(queue: Queue) -> None:
    job = queue.sync_job(2)
    claimed = queue.claim(now=at(0))
    assert claimed is not None
    result = queue.complete(claimed, now=at(3), ms=2750)
    assert result == {
        "outcome": "completed",
        "chunk_status": "completed",
        "sync_job_status": "running",
        "attempt": 1,
        "retry_at": None,
        "outbox_id": result["outbox_id"],
    }
    chunk = queue.chunk(job.chunk_ids[0])
    assert (chunk["status"], chunk["processing_time_ms"], chunk["completed_at"]) == (
        "completed",
        2750,
        at(3),
    )
    row = queue.queue_row(job.chunk_ids[0])
    assert (row["status"], row["lease_expires_at"], row["finished_at"]) == (
        "completed",
        None,
        at(3),
    )
    sync_job = queue.job(job.id)
    assert sync_job["completed_chunks"] == 1
    assert sync_job["active_queue_id"] is None
    assert sync_job["status"] == "running"


def test_last_chunk_completes_the_sync_job(queue: Queue) -> None:
    job = queue.sync_job(2)
    for step in range(2):
        claimed = queue.claim(now=at(step))
        assert claimed is not None
        result = queue.complete(claimed, now=at(step + 0.5))
    assert result["sync_job_status"] == "completed"
    sync_job = queue.job(job.id)
    assert (sync_job["status"], sync_job["completed_at"], sync_job["completed_chunks"]) == (
        "completed",
        at(1.5),
        2,
    )
    assert sync_job["next_run_at"] is None


def test_wrong_token_changes_nothing_and_is_told_so(queue: Queue) -> None:
    job = queue.sync_job(1)
    claimed = queue.claim()
    assert claimed is not None
    before = (queue.queue_row(job.chunk_ids[0]), queue.chunk(job.chunk_ids[0]), queue.job(job.id))
    result = queue.complete(claimed, token=uuid.uuid4())
    assert result["outcome"] == "stale_lease"
    assert result["outbox_id"] is None
    after = (queue.queue_row(job.chunk_ids[0]), queue.chunk(job.chunk_ids[0]), queue.job(job.id))
    assert before == after
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 0


def test_expired_lease_cannot_complete(queue: Queue) -> None:
    job = queue.sync_job(1)
    claimed = queue.claim(now=at(0), lease=30)
    assert claimed is not None
    assert queue.complete(claimed, now=at(30))["outcome"] == "lease_expired"
    assert queue.queue_row(job.chunk_ids[0])["status"] == "processing"
    assert queue.complete(claimed, now=at(29))["outcome"] == "completed"


def test_reclaimed_lease_cannot_complete_and_the_new_holder_can(queue: Queue) -> None:
    job = queue.sync_job(2)
    zombie = queue.claim("zombie", now=at(0), lease=30)
    assert zombie is not None
    assert queue.cleanup(at(31)) == 1
    fresh = queue.claim("fresh", now=at(32), lease=30)
    assert fresh is not None and fresh["chunk_id"] == zombie["chunk_id"]
    assert fresh["lease_token"] != zombie["lease_token"]
    assert fresh["attempt"] == 2
    result = queue.complete(zombie, now=at(33))
    assert (result["outcome"], result["chunk_status"]) == ("stale_lease", "processing")
    assert queue.queue_row(job.chunk_ids[0])["worker_id"] == "fresh"
    assert queue.complete(fresh, now=at(34))["outcome"] == "completed"
    # and once the new holder completed, the zombie is still only told it is stale
    assert queue.complete(zombie, now=at(35))["outcome"] == "stale_lease"


def test_completion_is_idempotent(queue: Queue) -> None:
    job = queue.sync_job(2)
    claimed = queue.claim()
    assert claimed is not None
    first = queue.complete(claimed, now=at(1))
    again = queue.complete(claimed, now=at(2))
    also = queue.complete(claimed, success=False, error="late failure", now=at(3))
    assert first["outcome"] == "completed"
    assert again["outcome"] == also["outcome"] == "already_recorded"
    assert again["outbox_id"] == also["outbox_id"] == first["outbox_id"]
    assert queue.chunk(job.chunk_ids[0])["completed_at"] == at(1)
    assert queue.job(job.id)["completed_chunks"] == 1
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 1
    assert queue.transitions(job.chunk_ids[0]) == ["enqueued", "claimed", "completed"]


def test_error_schedules_a_retry_with_exponential_backoff_and_jitter(queue: Queue) -> None:
    job = queue.sync_job(2, max_attempts=6)
    now = T0
    delays = []
    for attempt in range(1, 6):
        claimed = queue.claim(now=now)
        assert claimed is not None
        assert (claimed["chunk_index"], claimed["attempt"]) == (0, attempt)
        result = queue.complete(claimed, success=False, error=f"IMAP timeout {attempt}", now=now)
        assert (result["outcome"], result["chunk_status"]) == ("retry_scheduled", "pending")
        delay = (result["retry_at"] - now).total_seconds()
        nominal = 1.0 * 2 ** (attempt - 1)
        assert nominal / 2 <= delay <= nominal, (attempt, delay)
        delays.append(delay)
        # not claimable before its retry time, not even its successor chunk
        assert queue.claim(now=result["retry_at"] - timedelta(milliseconds=1)) is None
        now = result["retry_at"]
        chunk = queue.chunk(job.chunk_ids[0])
        assert (chunk["status"], chunk["error_message"]) == ("pending", f"IMAP timeout {attempt}")
    assert delays[-1] > delays[0]


def test_backoff_is_capped(queue: Queue) -> None:
    queue.sync_job(1, max_attempts=10)
    now = T0
    for attempt in range(1, 7):
        claimed = queue.claim(now=now)
        assert claimed is not None
        result = queue.complete(
            claimed, success=False, error="x", now=now, base_ms=1000, max_ms=4000
        )
        delay = (result["retry_at"] - now).total_seconds()
        nominal = min(4.0, 2.0 ** (attempt - 1))
        assert nominal / 2 <= delay <= nominal
        now = result["retry_at"]


def test_jitter_spreads_retries(queue: Queue) -> None:
    retry_offsets = set()
    for i in range(8):
        queue.sync_job(1, account=f"a{i}")
    for _ in range(8):
        claimed = queue.claim(now=T0)
        assert claimed is not None
        result = queue.complete(claimed, success=False, error="x", now=T0, base_ms=10_000)
        retry_offsets.add(result["retry_at"])
    assert len(retry_offsets) > 1


def test_max_attempts_dead_letters_the_chunk_and_fails_the_sync_job(queue: Queue) -> None:
    job = queue.sync_job(4, max_attempts=2)
    first = queue.claim(now=at(0))
    assert first is not None
    assert queue.complete(first, now=at(1))["outcome"] == "completed"  # chunk 0 done
    retry = queue.claim(now=at(2))
    assert retry is not None
    result = queue.complete(retry, success=False, error="first", now=at(3))
    assert result["outcome"] == "retry_scheduled"
    last = queue.claim(now=at(100))
    assert last is not None and last["attempt"] == 2
    result = queue.complete(last, success=False, error="mailbox gone", now=at(101), ms=40)
    assert (result["outcome"], result["chunk_status"], result["sync_job_status"]) == (
        "dead_lettered",
        "failed",
        "failed",
    )
    failed = queue.chunk(job.chunk_ids[1])
    assert (failed["status"], failed["error_message"], failed["processing_time_ms"]) == (
        "failed",
        "mailbox gone",
        40,
    )
    assert queue.queue_row(job.chunk_ids[1])["attempts"] == 2
    assert [queue.chunk(c)["status"] for c in job.chunk_ids] == [
        "completed",
        "failed",
        "cancelled",
        "cancelled",
    ]
    assert [queue.queue_row(c)["status"] for c in job.chunk_ids[2:]] == ["cancelled"] * 2
    sync_job = queue.job(job.id)
    assert sync_job["status"] == "failed"
    assert "mailbox gone" in sync_job["error_message"]
    assert sync_job["completed_at"] == at(101)
    assert queue.claim(now=at(1000)) is None
    assert queue.transitions(job.chunk_ids[2]) == ["enqueued", "cancelled"]
    assert queue.transitions(job.chunk_ids[1]) == [
        "enqueued",
        "claimed",
        "retry_scheduled",
        "claimed",
        "dead_lettered",
    ]


def test_attempts_never_exceed_the_limit(queue: Queue) -> None:
    job = queue.sync_job(1, max_attempts=3)
    now = T0
    while (claimed := queue.claim(now=now)) is not None:
        result = queue.complete(claimed, success=False, error="x", now=now)
        now = result["retry_at"] or now
    assert queue.queue_row(job.chunk_ids[0])["attempts"] == 3
    assert (
        queue.value(
            "SELECT max(attempt) FROM chunk_processing_events WHERE chunk_id = %s",
            (job.chunk_ids[0],),
        )
        == 3
    )


def test_unknown_chunk(queue: Queue) -> None:
    result = queue.one("SELECT * FROM complete_chunk_job_safe(424242, gen_random_uuid(), true)")
    assert result["outcome"] == "unknown_chunk"


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "SELECT * FROM complete_chunk_job_safe(1, gen_random_uuid(), true, -1)",
            "p_processing_time_ms",
        ),
        ("SELECT * FROM complete_chunk_job_safe(1, NULL, true)", "must not be NULL"),
        (
            "SELECT * FROM complete_chunk_job_safe(1, gen_random_uuid(), false,"
            " p_backoff_base_ms => 10, p_backoff_max_ms => 5)",
            "p_backoff_base_ms",
        ),
    ],
)
def test_bad_arguments_are_refused_clearly(queue: Queue, sql: str, message: str) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match=message):
        queue.q(sql)


def test_complete_and_claim_next_in_one_call(queue: Queue) -> None:
    job = queue.sync_job(2)
    other = queue.sync_job(1, account="other")
    first = queue.claim("w1", now=at(0))
    assert first is not None
    sql = "SELECT * FROM complete_and_claim_next_chunk_safe(%s, %s, true, 'w1', 5, NULL, 60, %s)"
    row = queue.one(sql, (first["chunk_id"], first["lease_token"], at(1)))
    assert (row["outcome"], row["next_sync_job_id"], row["next_chunk_index"]) == (
        "completed",
        job.id,
        1,
    )
    assert row["next_attempt"] == 1 and row["next_lease_expires_at"] == at(61)
    row = queue.one(sql, (row["next_chunk_id"], row["next_lease_token"], at(2)))
    assert (row["outcome"], row["sync_job_status"]) == ("completed", "completed")
    assert (row["next_sync_job_id"], row["next_chunk_index"]) == (other.id, 0)
    row = queue.one(sql, (row["next_chunk_id"], row["next_lease_token"], at(3)))
    assert row["outcome"] == "completed"
    assert row["next_chunk_id"] is None and row["next_lease_token"] is None
    stale = queue.one(sql, (first["chunk_id"], first["lease_token"], at(4)))
    assert (stale["outcome"], stale["next_chunk_id"]) == ("already_recorded", None)
