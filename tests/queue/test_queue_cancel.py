"""cancel_sync_job_safe: an operator stops a sync job; its chunk in flight and its pending
chunks are cancelled, the worker holding a chunk is fenced off, finished jobs are left alone."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from chunkq_helpers import Queue, at

_CANCEL = "SELECT * FROM cancel_sync_job_safe(%s, %s, %s)"


def test_cancel_a_pending_sync_job_cancels_every_chunk(queue: Queue) -> None:
    job = queue.sync_job(3)
    other = queue.sync_job(1)
    row = queue.one(_CANCEL, (job.id, "customer left", at(5)))
    assert row == {"outcome": "cancelled", "sync_job_status": "cancelled", "cancelled_chunks": 3}
    j = queue.job(job.id)
    assert (j["status"], j["error_message"], j["next_run_at"], j["completed_at"]) == (
        "cancelled",
        "customer left",
        None,
        at(5),
    )
    for chunk_id in job.chunk_ids:
        assert queue.chunk(chunk_id)["status"] == "cancelled"
        assert queue.queue_row(chunk_id)["status"] == "cancelled"
        assert queue.transitions(chunk_id) == ["enqueued", "cancelled"]
    # nothing of the cancelled job is ever claimed; the other job still is
    claimed = queue.claim("w", at(6))
    assert claimed is not None and claimed["sync_job_id"] == other.id
    assert queue.claim("w2", at(6)) is None


def test_cancel_fences_off_the_worker_holding_a_chunk(queue: Queue) -> None:
    job = queue.sync_job(3)
    held = queue.claim("w", at(1))
    assert held is not None
    assert queue.complete(held, now=at(2))["outcome"] == "completed"
    held = queue.claim("w", at(3))
    assert held is not None and held["chunk_index"] == 1

    row = queue.one(_CANCEL, (job.id, None, at(4)))
    assert row["outcome"] == "cancelled" and row["cancelled_chunks"] == 2
    # the completed chunk stays completed; the one in flight and the pending one are cancelled
    assert [queue.chunk(c)["status"] for c in job.chunk_ids] == [
        "completed",
        "cancelled",
        "cancelled",
    ]
    in_flight = queue.queue_row(job.chunk_ids[1])
    assert in_flight["lease_expires_at"] is None and in_flight["finished_at"] == at(4)
    event = queue.events(job.chunk_ids[1])[-1]
    assert (event["transition"], event["from_status"], event["worker_id"]) == (
        "cancelled",
        "processing",
        "w",
    )
    assert event["detail"] == "cancelled by an operator"
    # the worker learns it at its next heartbeat, and its report changes nothing
    assert queue.heartbeat(held, at(5)) is None
    done = queue.complete(held, now=at(6))
    assert done["outcome"] == "stale_lease" and done["chunk_status"] == "cancelled"
    assert queue.chunk(job.chunk_ids[1])["status"] == "cancelled"
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 1  # chunk 0's only
    status = queue.one(
        "SELECT sync_job_status, completed_chunks, cancelled_chunks, processing_chunks"
        " FROM chunk_processing_status WHERE sync_job_id = %s",
        (job.id,),
    )
    assert status == {
        "sync_job_status": "cancelled",
        "completed_chunks": 1,
        "cancelled_chunks": 2,
        "processing_chunks": 0,
    }


def test_cancel_is_idempotent_and_leaves_finished_jobs_alone(queue: Queue) -> None:
    done = queue.sync_job(1)
    assert queue.drain("w", at(1)) == [(done.id, 0)]
    fresh = queue.sync_job(2)
    assert queue.one(_CANCEL, (fresh.id, "x", at(2)))["outcome"] == "cancelled"
    events = queue.value("SELECT count(*) FROM chunk_processing_events")
    again = queue.one(_CANCEL, (fresh.id, "y", at(3)))
    assert again == {
        "outcome": "already_finished",
        "sync_job_status": "cancelled",
        "cancelled_chunks": 0,
    }
    assert queue.job(fresh.id)["error_message"] == "x"
    finished = queue.one(_CANCEL, (done.id, "z", at(3)))
    assert finished["outcome"] == "already_finished"
    assert finished["sync_job_status"] == "completed"
    assert queue.job(done.id)["status"] == "completed"
    assert queue.value("SELECT count(*) FROM chunk_processing_events") == events
    assert queue.one(_CANCEL, (10**9, "x", at(3)))["outcome"] == "unknown_sync_job"
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        queue.one(_CANCEL, (None, "x", at(3)))


def test_cancel_waits_for_a_completion_in_progress(queue: Queue, connect: Any) -> None:
    job = queue.sync_job(2)
    held = queue.claim("w", at(1))
    assert held is not None
    completer = connect(autocommit=False)
    with completer.cursor() as cur:
        cur.execute(
            "SELECT outcome FROM complete_chunk_job_safe(%s, %s, true, 5, NULL, %s)",
            (held["chunk_id"], held["lease_token"], at(2)),
        )
        assert cur.fetchone() == ("completed",)
    # the completion holds the sync job's lock: the cancel waits for its COMMIT
    answer: list[Any] = []
    canceller = connect()

    def cancel() -> None:
        answer.append(canceller.execute(_CANCEL, (job.id, "stop", at(3))).fetchone())

    thread = threading.Thread(target=cancel)
    thread.start()
    thread.join(0.3)
    assert thread.is_alive(), "the cancel did not wait for the sync job's lock"
    completer.commit()
    thread.join(10)
    # it then sees the completion: only the chunk still pending is cancelled
    assert answer == [("cancelled", "cancelled", 1)]
    assert [queue.chunk(c)["status"] for c in job.chunk_ids] == ["completed", "cancelled"]
    assert queue.job(job.id)["status"] == "cancelled"
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 1
