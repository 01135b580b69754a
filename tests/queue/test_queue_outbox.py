"""The webhook for the next chunk: one outbox row and one notification, with a distinct
payload, per committed completion; nothing on rollback."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest
from chunkq_helpers import Queue, at


def _notifications(conn: psycopg.Connection[Any]) -> list[Any]:
    return list(conn.notifies(timeout=0.2))


def test_each_completion_writes_one_outbox_row_and_one_notification(
    queue: Queue, connect: Any
) -> None:
    listener = connect()
    listener.execute("LISTEN chunk_webhooks")
    job = queue.sync_job(3)
    queue.drain(now=at(1))
    rows = queue.q("SELECT * FROM chunk_webhook_outbox ORDER BY id")
    assert [r["event_type"] for r in rows] == [
        "chunk.completed",
        "chunk.completed",
        "sync_job.completed",
    ]
    assert [r["payload"]["chunk_index"] for r in rows] == [0, 1, 2]
    assert [r["payload"]["next_chunk_id"] for r in rows] == [
        job.chunk_ids[1],
        job.chunk_ids[2],
        None,
    ]
    assert [r["payload"]["next_chunk_index"] for r in rows] == [1, 2, None]
    assert all(r["delivered_at"] is None for r in rows)
    tokens = queue.q(
        "SELECT lease_token FROM chunk_processing_events WHERE transition = 'completed' ORDER BY id"
    )
    assert [r["lease_token"] for r in rows] == [t["lease_token"] for t in tokens]
    notes = _notifications(listener)
    payloads = [json.loads(n.payload) for n in notes]
    assert [p["outbox_id"] for p in payloads] == [r["id"] for r in rows]
    assert len({n.payload for n in notes}) == 3  # distinct, never folded together
    assert {n.channel for n in notes} == {"chunk_webhooks"}


def test_retry_and_dead_letter_also_notify_once(queue: Queue, connect: Any) -> None:
    listener = connect()
    listener.execute("LISTEN chunk_webhooks")
    queue.sync_job(2, max_attempts=2)
    first = queue.claim(now=at(0))
    assert first is not None
    retry = queue.complete(first, success=False, error="x", now=at(0))
    second = queue.claim(now=retry["retry_at"])
    assert second is not None
    queue.complete(second, success=False, error="y", now=retry["retry_at"])
    types = [
        r["event_type"] for r in queue.q("SELECT event_type FROM chunk_webhook_outbox ORDER BY id")
    ]
    assert types == ["chunk.retry_scheduled", "sync_job.failed"]
    assert [json.loads(n.payload)["event_type"] for n in _notifications(listener)] == types


def test_rolled_back_completion_leaves_no_outbox_row_and_no_notification(
    queue: Queue, connect: Any
) -> None:
    listener = connect()
    listener.execute("LISTEN chunk_webhooks")
    job = queue.sync_job(2)
    claimed = queue.claim()
    assert claimed is not None
    with pytest.raises(RuntimeError), queue.conn.transaction():
        assert queue.complete(claimed)["outcome"] == "completed"
        raise RuntimeError("the completing transaction fails")
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 0
    assert _notifications(listener) == []
    assert queue.queue_row(job.chunk_ids[0])["status"] == "processing"
    # the lease survived the rollback: the worker can report again, exactly once
    assert queue.complete(claimed)["outcome"] == "completed"
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 1
    assert len(_notifications(listener)) == 1


def test_rejected_completions_write_nothing(queue: Queue, connect: Any) -> None:
    listener = connect()
    listener.execute("LISTEN chunk_webhooks")
    queue.sync_job(1)
    claimed = queue.claim(now=at(0), lease=10)
    assert claimed is not None
    assert queue.complete(claimed, now=at(11))["outcome"] == "lease_expired"
    queue.cleanup(at(11))
    assert queue.complete(claimed, now=at(12))["outcome"] == "stale_lease"
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 0
    assert _notifications(listener) == []


def test_one_outbox_row_per_lease_is_a_constraint(queue: Queue) -> None:
    queue.sync_job(1)
    claimed = queue.claim()
    assert claimed is not None
    queue.complete(claimed)
    with pytest.raises(psycopg.errors.UniqueViolation):
        queue.conn.execute(
            "INSERT INTO chunk_webhook_outbox (event_type, sync_job_id, chunk_id, lease_token,"
            " payload) VALUES ('chunk.completed', 1, 1, %s, '{}')",
            (claimed["lease_token"],),
        )


def test_enqueue_wakes_listeners(queue: Queue, connect: Any) -> None:
    listener = connect()
    listener.execute("LISTEN chunk_queue_ready")
    job = queue.sync_job(3)
    notes = _notifications(listener)
    assert [n.payload for n in notes] == [str(job.id)]  # one per sync job per transaction


def test_notify_can_be_switched_off_but_the_outbox_row_stays(queue: Queue, connect: Any) -> None:
    listener = connect()
    listener.execute("LISTEN chunk_webhooks")
    queue.sync_job(2)
    queue.conn.execute("SET chunkq.notify = off")
    first = queue.claim()
    assert first is not None
    assert queue.complete(first)["outcome"] == "completed"
    assert _notifications(listener) == []
    queue.conn.execute("RESET chunkq.notify")
    second = queue.claim()
    assert second is not None
    queue.complete(second)
    assert len(_notifications(listener)) == 1
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 2
