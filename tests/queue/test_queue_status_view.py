"""chunk_processing_status: per sync job counts, progress, timings, claim age, expiries."""

from __future__ import annotations

from datetime import timedelta

from chunkq_helpers import Queue, at


def _status(queue: Queue, job_id: int, now_seconds: float) -> dict:
    queue.conn.execute("SELECT set_config('chunkq.now', %s, false)", (at(now_seconds).isoformat(),))
    return queue.one("SELECT * FROM chunk_processing_status WHERE sync_job_id = %s", (job_id,))


def test_status_view_counts_progress_and_timings(queue: Queue) -> None:
    job = queue.sync_job(5, emails=100, max_attempts=3)
    for step, ms in ((0, 1000), (10, 3000)):
        claimed = queue.claim(now=at(step))
        assert claimed is not None
        queue.complete(claimed, now=at(step + 1), ms=ms)
    failing = queue.claim(now=at(20))
    assert failing is not None
    retry = queue.complete(failing, success=False, error="x", now=at(21))
    claimed = queue.claim(now=retry["retry_at"], lease=30)
    assert claimed is not None and claimed["attempt"] == 2
    status = _status(queue, job.id, 40)
    assert status["sync_job_status"] == "running"
    assert (
        status["total_chunks"],
        status["pending_chunks"],
        status["processing_chunks"],
        status["completed_chunks"],
        status["failed_chunks"],
        status["cancelled_chunks"],
        status["retrying_chunks"],
    ) == (5, 2, 1, 2, 0, 0, 0)
    assert float(status["progress_pct"]) == 40.0
    assert float(status["avg_processing_time_ms"]) == 2000.0
    assert status["max_processing_time_ms"] == 3000
    assert status["oldest_claim_age"] == at(40) - retry["retry_at"]
    assert status["expired_leases"] == 0
    assert status["total_attempts"] == 4
    assert status["estimated_emails"] == sum(100 + i for i in range(5))
    assert status["completed_estimated_emails"] == 100 + 101
    later = _status(queue, job.id, 100)
    assert later["expired_leases"] == 1
    assert later["oldest_claim_age"] == at(100) - retry["retry_at"]


def test_status_view_adds_up_and_shows_retries(queue: Queue) -> None:
    job = queue.sync_job(3)
    claimed = queue.claim(now=at(0))
    assert claimed is not None
    queue.complete(claimed, success=False, error="x", now=at(1))
    status = _status(queue, job.id, 2)
    assert status["retrying_chunks"] == 1
    assert status["oldest_claim_age"] is None
    assert status["total_chunks"] == sum(
        status[k]
        for k in (
            "pending_chunks",
            "processing_chunks",
            "completed_chunks",
            "failed_chunks",
            "cancelled_chunks",
        )
    )


def test_status_view_lists_sync_jobs_without_chunks(queue: Queue) -> None:
    job_id = queue.value("INSERT INTO sync_jobs (account_id) VALUES ('empty') RETURNING id")
    status = _status(queue, job_id, 0)
    assert (status["total_chunks"], float(status["progress_pct"]), status["sync_job_status"]) == (
        0,
        0.0,
        "pending",
    )


def test_status_view_after_completion(queue: Queue) -> None:
    job = queue.sync_job(2)
    queue.drain(now=at(5))
    status = _status(queue, job.id, 6)
    assert (status["sync_job_status"], float(status["progress_pct"])) == ("completed", 100.0)
    assert status["completed_at"] == at(5)
    assert status["oldest_claim_age"] is None
    assert status["next_run_at"] is None
    assert at(6) - status["completed_at"] == timedelta(seconds=1)
