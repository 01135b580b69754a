"""The set-based batch agrees with the per-item functions it stands for.

complete_and_claim_next_chunks_safe() promises that a batch is, item by item, what
complete_chunk_job_safe() does for each completion (in the order the batch returns its
rows) followed by claim_next_chunk_job_safe() for each claiming item (in that same order).
Hypothesis draws queue states (sync jobs, leases of different lengths, some expired) and
batches mixing the cases the set-based path takes and the ones it hands on (failures, stale
and repeated tokens, expired leases, unknown chunks, items that claim and items that don't);
the same batch runs on two copies of one state, once through the batch function and once
through the per-item functions, and everything observable must match: each item's answer
and the rows of every table (tokens and retry jitter aside, which are random by design).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import psycopg
from chunkq_helpers import Queue, at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_BATCH = (
    "SELECT * FROM complete_and_claim_next_chunks_safe(%s, %s, %s, %s::text[],"
    " %s::integer[], %s::text[], %s::integer[], %s, 1000, 8000)"
)
_STALE = UUID(int=7)
_UNKNOWN_CHUNK = 10**9

# one item: (held chunk number, token kind, success, claims, processing time)
_item = st.tuples(
    st.integers(0, 5),
    st.sampled_from(["live", "live", "live", "stale", "unknown"]),
    st.booleans() | st.just(True),
    st.booleans(),
    st.sampled_from([None, 0, 25]),
)
_state = st.fixed_dictionaries(
    {
        # (chunks, max_attempts) per sync job
        "jobs": st.lists(st.tuples(st.integers(1, 3), st.integers(1, 2)), min_size=1, max_size=4),
        # lease seconds of each claim before the batch (the batch runs at T0 + 40 s)
        "leases": st.lists(st.sampled_from([30, 300]), min_size=1, max_size=4),
        "items": st.lists(_item, min_size=1, max_size=6),
    }
)


def _setup(queue: Queue, state: dict[str, Any]) -> list[dict[str, Any]]:
    for chunks, attempts in state["jobs"]:
        queue.sync_job(chunks, max_attempts=attempts)
    held = []
    for n, lease in enumerate(state["leases"]):
        claimed = queue.claim(f"h{n}", at(1), lease)
        if claimed is not None:
            held.append(claimed)
    return held


def _items(state: dict[str, Any], held: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = []
    for n, (which, token, success, claims, ms) in enumerate(state["items"]):
        chunk = held[which % len(held)] if held else None
        items.append(
            {
                "chunk_id": chunk["chunk_id"] if chunk and token != "unknown" else _UNKNOWN_CHUNK,
                "token": chunk["lease_token"] if chunk and token == "live" else _STALE,
                "success": success,
                "worker": f"w{n}" if claims else None,
                "ms": ms,
                "error": None if success else f"error {n}",
            }
        )
    return items


def _answer(row: dict[str, Any] | None) -> dict[str, Any]:
    row = row or {}
    return {
        "outcome": row.get("outcome"),
        "chunk_status": row.get("chunk_status"),
        "sync_job_status": row.get("sync_job_status"),
        "attempt": row.get("attempt"),
        "retries": row.get("retry_at") is not None,
        "outbox": row.get("outbox_id") is not None,
    }


def _claim_answer(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if not row or row.get("chunk_id") is None:
        return None
    keys = ("chunk_id", "sync_job_id", "chunk_index", "estimated_emails", "queue_id", "attempt")
    return {k: row[k] for k in (*keys, "max_attempts", "lease_expires_at", "account_id")}


def _tables(queue: Queue) -> dict[str, Any]:
    """Every row the queue keeps, minus what is random by design (lease tokens, the
    jittered retry time) and the order outbox/event rows got their ids in."""
    return {
        "jobs": queue.q(
            "SELECT id, status, completed_chunks, active_queue_id, head_chunk_index,"
            " CASE WHEN next_run_at > '2030-01-01 00:00:40+00' THEN 'later'"
            " ELSE next_run_at::text END AS next_run_at,"
            " started_at, completed_at, error_message FROM sync_jobs ORDER BY id"
        ),
        "chunks": queue.q(
            "SELECT id, status, started_at, completed_at, processing_time_ms, error_message"
            " FROM chunked_sync_jobs ORDER BY id"
        ),
        "queue": queue.q(
            "SELECT id, status, attempts, worker_id, lease_token IS NOT NULL AS leased,"
            " claimed_at, lease_expires_at, last_error, finished_at,"
            " run_after > '2030-01-01 00:00:40+00' AS later"
            " FROM chunk_processing_queue ORDER BY id"
        ),
        "events": queue.q(
            "SELECT chunk_id, transition, from_status, to_status, attempt, worker_id, detail"
            " FROM chunk_processing_events ORDER BY chunk_id, id"
        ),
        "outbox": sorted(
            json.dumps(
                {
                    k: v
                    for k, v in r["payload"].items()
                    if k not in ("lease_token", "retry_at", "next_run_at")
                }
                | {"event_type": r["event_type"]},
                sort_keys=True,
                default=str,
            )
            for r in queue.q("SELECT event_type, payload FROM chunk_webhook_outbox")
        ),
    }


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(state=_state)
def test_a_batch_is_its_items_one_by_one(pgdrift_make_db: Any, state: dict[str, Any]) -> None:
    now = at(40)
    with (
        psycopg.connect(pgdrift_make_db(project=True).dsn, autocommit=True) as a,
        psycopg.connect(pgdrift_make_db(project=True).dsn, autocommit=True) as b,
    ):
        batched, single = Queue(a), Queue(b)
        held_a, held_b = _setup(batched, state), _setup(single, state)
        assert [h["chunk_id"] for h in held_a] == [h["chunk_id"] for h in held_b]
        items_a, items_b = _items(state, held_a), _items(state, held_b)

        rows = batched.q(
            _BATCH,
            (
                [i["chunk_id"] for i in items_a],
                [i["token"] for i in items_a],
                [i["success"] for i in items_a],
                [i["worker"] for i in items_a],
                [i["ms"] for i in items_a],
                [i["error"] for i in items_a],
                [60 for _ in items_a],
                now,
            ),
        )
        assert sorted(r["item"] for r in rows) == list(range(1, len(items_a) + 1))

        # the same items, one function call each: completions in the batch's row order,
        # then the claims in that order
        order = [r["item"] for r in rows]
        expected: dict[int, dict[str, Any]] = {}
        for n in order:
            item = items_b[n - 1]
            done = single.one(
                "SELECT * FROM complete_chunk_job_safe(%s, %s, %s, %s, %s, %s, 1000, 8000)",
                (
                    item["chunk_id"],
                    item["token"],
                    item["success"],
                    item["ms"],
                    item["error"],
                    now,
                ),
            )
            expected[n] = {"done": _answer(done), "next": None}
        for n in order:
            worker = items_b[n - 1]["worker"]
            if worker is not None:
                claimed = single.q(
                    "SELECT * FROM claim_next_chunk_job_safe(%s, 60, %s)", (worker, now)
                )
                expected[n]["next"] = _claim_answer(claimed[0] if claimed else None)

        got = {
            r["item"]: {
                "done": _answer(r),
                "next": _claim_answer({k[5:]: v for k, v in r.items() if k.startswith("next_")}),
            }
            for r in rows
        }
        assert got == expected
        assert _tables(batched) == _tables(single)
