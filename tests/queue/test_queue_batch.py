"""complete_and_claim_next_chunks_safe: many completions (each with its next claim) in one
statement and one transaction, every per-chunk guarantee kept per item; and the
BatchCompleter that calls it."""

from __future__ import annotations

import json
import threading
from typing import Any
from uuid import UUID

import psycopg
import pytest
from chunkq_helpers import Queue, at

from pgdrift.harness.queue_client import BatchCompleter, ClaimedChunk, claim

_BATCH = (
    "SELECT * FROM complete_and_claim_next_chunks_safe(%s, %s, %s, %s::text[],"
    " %s::integer[], %s::text[], %s::integer[], %s)"
)


def _batch(queue: Queue, items: list[dict[str, Any]], now: Any) -> list[dict[str, Any]]:
    return queue.q(
        _BATCH,
        (
            [i["chunk_id"] for i in items],
            [i["token"] for i in items],
            [i.get("success", True) for i in items],
            [i.get("worker") for i in items],
            [i.get("ms", 5) for i in items],
            [i.get("error") for i in items],
            [60 for _ in items],
            now,
        ),
    )


def test_batch_completes_each_item_under_its_own_lease_and_claims_next(
    queue: Queue, connect: Any
) -> None:
    listener = connect()
    listener.execute("LISTEN chunk_webhooks")
    a = queue.sync_job(2)
    b = queue.sync_job(2)
    ca = queue.claim("wa", at(1))
    cb = queue.claim("wb", at(1))
    assert ca is not None and cb is not None
    stale = dict(cb, lease_token=UUID(int=0))
    rows = _batch(
        queue,
        [
            {"chunk_id": cb["chunk_id"], "token": cb["lease_token"], "worker": "wb"},
            {"chunk_id": ca["chunk_id"], "token": ca["lease_token"], "worker": "wa"},
            {"chunk_id": stale["chunk_id"], "token": stale["lease_token"]},
        ],
        at(2),
    )
    by_item = {r["item"]: r for r in rows}
    assert sorted(by_item) == [1, 2, 3]
    assert by_item[1]["outcome"] == "completed" and by_item[2]["outcome"] == "completed"
    # the third item repeats item 1's chunk with a wrong token: fenced off, nothing changed
    assert by_item[3]["outcome"] == "stale_lease" and by_item[3]["next_chunk_id"] is None
    # each worker leased the next chunk of some sync job, in chunk_index order
    nexts = {by_item[1]["next_chunk_id"], by_item[2]["next_chunk_id"]}
    assert nexts == {a.chunk_ids[1], b.chunk_ids[1]}
    assert {by_item[1]["next_attempt"], by_item[2]["next_attempt"]} == {1}
    assert queue.transitions(a.chunk_ids[0]) == ["enqueued", "claimed", "completed"]
    # one outbox row and one distinct notification per accepted completion
    outbox = queue.q("SELECT id FROM chunk_webhook_outbox ORDER BY id")
    assert len(outbox) == 2
    notes = [json.loads(n.payload) for n in listener.notifies(timeout=0.3, stop_after=3)]
    assert sorted(n["outbox_id"] for n in notes) == [r["id"] for r in outbox]


def test_batch_item_without_worker_claims_nothing_and_failures_retry(queue: Queue) -> None:
    job = queue.sync_job(2, max_attempts=2)
    c = queue.claim("w", at(1))
    assert c is not None
    rows = _batch(
        queue,
        [{"chunk_id": c["chunk_id"], "token": c["lease_token"], "success": False, "error": "x"}],
        at(2),
    )
    assert len(rows) == 1
    assert rows[0]["outcome"] == "retry_scheduled" and rows[0]["next_chunk_id"] is None
    assert queue.queue_row(job.chunk_ids[0])["status"] == "pending"
    assert queue.job(job.id)["active_queue_id"] is None


def test_batch_is_all_or_nothing(queue: Queue) -> None:
    job = queue.sync_job(1)
    c = queue.claim("w", at(1))
    assert c is not None
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        # the second item is invalid (negative processing time): the first is rolled back
        _batch(
            queue,
            [
                {"chunk_id": c["chunk_id"], "token": c["lease_token"]},
                {"chunk_id": c["chunk_id"], "token": c["lease_token"], "ms": -1},
            ],
            at(2),
        )
    assert queue.queue_row(job.chunk_ids[0])["status"] == "processing"
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 0


def test_batch_rejects_arrays_of_different_lengths(queue: Queue) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="same length"):
        queue.q(_BATCH, ([1, 2], [None], [True], [None], [None], [None], [60], at(0)))


def test_batch_completer_runs_many_workers_to_completion(pgdrift_db: Any, queue: Queue) -> None:
    jobs = [queue.sync_job(5, now=None) for _ in range(4)]
    orders: dict[int, list[int]] = {}
    lock = threading.Lock()

    def work(n: int, completer: BatchCompleter) -> None:
        with pgdrift_db.connect(autocommit=True) as conn:
            chunk: ClaimedChunk | None = claim(conn, f"w{n}", 60)
            while chunk is not None:
                with lock:
                    orders.setdefault(chunk.sync_job_id, []).append(chunk.chunk_index)
                done, chunk = completer.complete_and_claim(chunk, True, f"w{n}", 60, 1)
                assert done.outcome == "completed"

    with BatchCompleter(pgdrift_db.dsn) as completer:
        threads = [threading.Thread(target=work, args=(n, completer)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert completer.completions == 20
    assert {j.id: list(range(5)) for j in jobs} == orders
    assert queue.value("SELECT count(*) FROM sync_jobs WHERE status = 'completed'") == 4
    assert queue.value("SELECT count(*) FROM chunk_webhook_outbox") == 20
