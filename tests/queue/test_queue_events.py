"""The event table records every status transition with lease token, worker and times."""

from __future__ import annotations

from chunkq_helpers import Queue, at


def test_every_transition_is_recorded_with_its_lease(queue: Queue) -> None:
    job = queue.sync_job(2, max_attempts=3)
    first = queue.claim("w-a", now=at(0), lease=10)
    assert first is not None
    queue.cleanup(at(20))
    second = queue.claim("w-b", now=at(21), lease=10)
    assert second is not None
    retry = queue.complete(second, success=False, error="smtp 451", now=at(22))
    third = queue.claim("w-c", now=retry["retry_at"], lease=10)
    assert third is not None
    queue.complete(third, now=retry["retry_at"])
    events = queue.events(job.chunk_ids[0])
    assert [(e["transition"], e["from_status"], e["to_status"]) for e in events] == [
        ("enqueued", None, "pending"),
        ("claimed", "pending", "processing"),
        ("lease_expired", "processing", "pending"),
        ("claimed", "pending", "processing"),
        ("retry_scheduled", "processing", "pending"),
        ("claimed", "pending", "processing"),
        ("completed", "processing", "completed"),
    ]
    assert [e["worker_id"] for e in events] == [None, "w-a", "w-a", "w-b", "w-b", "w-c", "w-c"]
    assert [e["lease_token"] for e in events] == [
        None,
        first["lease_token"],
        first["lease_token"],
        second["lease_token"],
        second["lease_token"],
        third["lease_token"],
        third["lease_token"],
    ]
    assert [e["attempt"] for e in events] == [0, 1, 1, 2, 2, 3, 3]
    assert [e["event_at"] for e in events] == [
        at(0),
        at(0),
        at(20),
        at(21),
        at(22),
        retry["retry_at"],
        retry["retry_at"],
    ]
    assert events[1]["lease_expires_at"] == at(10)
    assert events[4]["detail"] == "smtp 451"
    assert all(e["recorded_at"] is not None and e["backend_pid"] > 0 for e in events)
    assert len({e["txid"] for e in events}) == len(events)  # one transaction each here


def test_event_history_replays_to_the_current_state(queue: Queue) -> None:
    jobs = [queue.sync_job(3, account=f"a{i}", max_attempts=2) for i in range(3)]
    now = at(0)
    for _ in range(3):
        claimed = queue.claim(now=now)
        assert claimed is not None
        queue.complete(claimed, success=claimed["sync_job_id"] != jobs[1].id, error="x", now=now)
    queue.cleanup(at(10_000))
    last = {
        r["chunk_id"]: r["to_status"]
        for r in queue.q("SELECT chunk_id, to_status FROM chunk_processing_events ORDER BY id")
    }
    current = {
        r["chunk_id"]: r["status"]
        for r in queue.q("SELECT chunk_id, status FROM chunk_processing_queue")
    }
    assert last == current
    assert {r["status"] for r in queue.q("SELECT status FROM chunked_sync_jobs")} <= set(
        current.values()
    )
