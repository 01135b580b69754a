"""The history checker on hand-made histories: each property fires on the violation it
names, and stays quiet on a correct history (no database needed)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from pgdrift.harness.checker import PROPERTIES, check, queue_summary, report
from pgdrift.harness.history import History, ServerState
from pgdrift.harness.scenario import T0

pytestmark = pytest.mark.properties

A, B = uuid.UUID(int=0xA), uuid.UUID(int=0xB)
REQUIRED = {
    "no-double-processing", "no-lost-chunks", "no-phantom-chunks", "only-lease-holder-completes",
    "finished-stays-finished", "legal-transitions", "attempts-within-limit",
    "one-queue-row-per-chunk", "outbox-exactly-once", "stuck-chunks-return", "no-early-reclaim",
    "cleanup-reclaims-once", "per-job-order", "progress", "status-view-consistent",
    "deadlocks-retried",
}  # fmt: skip


def t(s: float) -> Any:
    return T0 + timedelta(seconds=s)


class World:
    """A tiny builder of a history and the server state that goes with it."""

    def __init__(self) -> None:
        self.h = History()
        self.s = ServerState()
        self.txid = 100

    def op(self, process: str, f: str, type_: str = "ok", **value: Any) -> int:
        i = self.h.invoke(
            process, f, {k: v for k, v in value.items() if k in ("now", "token", "chunk_id")}
        )
        return self.h.complete(i, type_, value).index

    def create(self, chunk_ids: list[int], job: int = 1, committed: bool = True) -> None:
        self.txid += 1
        self.op("setup", "create", chunk_ids=chunk_ids, sync_job_id=job, txid=self.txid)
        self.s.txid_status[self.txid] = "committed" if committed else "aborted"
        if committed:
            for i, cid in enumerate(chunk_ids):
                self.s.queue.append(
                    {
                        "chunk_id": cid,
                        "status": "completed",
                        "attempts": 1,
                        "max_attempts": 3,
                        "sync_job_id": job,
                    }
                )
                self.event(cid, "enqueued", None, "pending", 0, job=job, index=i)

    def event(self, cid: int, tr: str, frm: Any, to: str, attempt: int, token: Any = None,
              at: float = 0, expires: float | None = None, job: int = 1, index: int = 0,
              txid: int | None = None) -> dict[str, Any]:  # fmt: skip
        if txid is None:
            self.txid += 1
            txid = self.txid
        self.s.txid_status.setdefault(txid, "committed")
        ev = {
            "id": len(self.s.events) + 1, "chunk_id": cid, "sync_job_id": job, "chunk_index": index,
            "transition": tr, "from_status": frm, "to_status": to, "attempt": attempt,
            "worker_id": "w0", "lease_token": token, "event_at": t(at),
            "lease_expires_at": t(expires) if expires is not None else None, "txid": txid,
        }  # fmt: skip
        self.s.events.append(ev)
        if tr in ("completed", "retry_scheduled", "dead_lettered"):
            oid = len(self.s.outbox) + 1
            self.s.outbox.append({"id": oid, "chunk_id": cid, "xid": txid, "lease_token": token})
            self.s.notifications.append({"outbox_id": oid, "chunk_id": cid})
        return ev

    def lifecycle(self, cid: int = 1) -> None:
        """chunk cid: claimed by token A at 0 (lease 30 s), completed at 10."""
        self.op("w0", "claim", chunk_id=cid, token=A, expires=t(30), now=t(0), txid=self.txid + 1)
        self.event(cid, "claimed", "pending", "processing", 1, A, 0, 30)
        self.op(
            "w0",
            "complete",
            chunk_id=cid,
            token=A,
            now=t(10),
            outcome="completed",
            txid=self.txid + 1,
        )
        self.event(cid, "completed", "processing", "completed", 1, A, 10)

    def props(self) -> set[str]:
        return {v.prop for v in check(self.h, self.s)}


def test_every_required_property_is_registered_and_documented() -> None:
    assert set(PROPERTIES) >= REQUIRED
    for name, fn in PROPERTIES.items():
        assert (fn.__doc__ or "").strip(), f"{name} has no definition"


def test_a_correct_history_has_no_violations() -> None:
    w = World()
    w.create([1])
    w.lifecycle(1)
    assert w.props() == set()
    summary = queue_summary(w.h, w.s)
    assert summary["enqueued"] == 1 and summary["completed"] == 1 and summary["lost"] == 0


def test_double_claim_is_double_processing() -> None:
    w = World()
    w.create([1])
    w.event(1, "claimed", "pending", "processing", 1, A, 0, 30)
    w.event(1, "claimed", "pending", "processing", 2, B, 1, 31)
    assert "no-double-processing" in w.props()


def test_completed_twice_is_double_processing_and_finished_changes() -> None:
    w = World()
    w.create([1])
    w.lifecycle(1)
    w.event(1, "completed", "processing", "completed", 1, A, 11)
    assert {"no-double-processing", "finished-stays-finished"} <= w.props()


def test_stale_token_completion_is_caught() -> None:
    w = World()
    w.create([1])
    w.event(1, "claimed", "pending", "processing", 1, A, 0, 30)
    w.event(1, "lease_expired", "processing", "pending", 1, A, 31, 30)
    w.event(1, "claimed", "pending", "processing", 2, B, 31, 61)
    w.op("w0", "complete", chunk_id=1, token=A, now=t(40), outcome="completed", txid=w.txid + 1)
    w.event(1, "completed", "processing", "completed", 2, A, 40)
    assert "only-lease-holder-completes" in w.props()


def test_illegal_transition_and_attempts() -> None:
    w = World()
    w.create([1])
    w.event(1, "completed", "pending", "completed", 0, A, 1)
    assert "legal-transitions" in w.props()
    w = World()
    w.create([1])
    for n in range(1, 5):
        w.event(1, "claimed", "pending", "processing", n, uuid.uuid4(), n * 100, n * 100 + 30)
        w.event(1, "lease_expired", "processing", "pending", n, None, n * 100 + 31, n * 100 + 30)
    assert "attempts-within-limit" in w.props()


def test_early_reclaim_and_double_reclaim() -> None:
    w = World()
    w.create([1])
    w.event(1, "claimed", "pending", "processing", 1, A, 0, 30)
    w.event(1, "lease_expired", "processing", "pending", 1, A, 10, 30)
    assert "no-early-reclaim" in w.props()
    w = World()
    w.create([1])
    w.event(1, "claimed", "pending", "processing", 1, A, 0, 30)
    w.event(1, "lease_expired", "processing", "pending", 1, A, 31, 30)
    w.event(1, "lease_expired", "processing", "pending", 1, A, 32, 30)
    assert "cleanup-reclaims-once" in w.props()


def test_cleanup_count_must_match_its_events() -> None:
    w = World()
    w.create([1])
    w.op("w1", "cleanup", now=t(50), reclaimed=2, txid=555)
    w.s.txid_status[555] = "committed"
    assert "cleanup-reclaims-once" in w.props()


def test_phantom_lost_and_rolled_back_creation() -> None:
    w = World()
    w.create([1])
    w.create([2], job=2, committed=False)
    w.s.queue.append(
        {"chunk_id": 2, "status": "pending", "attempts": 0, "max_attempts": 3, "sync_job_id": 2}
    )
    w.s.queue.append(
        {"chunk_id": 9, "status": "pending", "attempts": 0, "max_attempts": 3, "sync_job_id": 3}
    )
    props = w.props()
    assert {"no-phantom-chunks", "one-queue-row-per-chunk"} <= props
    w = World()
    w.create([1])
    w.s.queue[0]["status"] = "processing"
    w.op("drain", "drain", start=t(100), interval=10)
    assert "no-lost-chunks" in w.props()


def test_outbox_rows_must_match_completions_and_notifications() -> None:
    w = World()
    w.create([1])
    w.lifecycle(1)
    w.s.outbox.append({"id": 2, "chunk_id": 1, "xid": 999, "lease_token": None})
    assert "outbox-exactly-once" in w.props()
    w = World()
    w.create([1])
    w.lifecycle(1)
    w.s.notifications = [{"outbox_id": 1}, {"outbox_id": 1}]
    assert "outbox-exactly-once" in w.props()
    w.s.notifications = []
    assert "outbox-exactly-once" in w.props()  # the listener never lost it: must be notified


def test_order_within_a_sync_job() -> None:
    w = World()
    w.txid += 1
    w.op("setup", "create", chunk_ids=[1, 2], sync_job_id=1, txid=w.txid)
    w.s.txid_status[w.txid] = "committed"
    for i, cid in enumerate([1, 2]):
        w.s.queue.append(
            {
                "chunk_id": cid,
                "status": "processing",
                "attempts": 1,
                "max_attempts": 3,
                "sync_job_id": 1,
            }
        )
        w.event(cid, "enqueued", None, "pending", 0, index=i)
    w.event(2, "claimed", "pending", "processing", 1, B, 0, 30, index=1)
    assert "per-job-order" in w.props()


def test_stuck_chunk_must_return_within_a_cleanup_interval() -> None:
    w = World()
    w.create([1])
    w.event(1, "claimed", "pending", "processing", 1, A, 0, 30)
    w.op("drain", "drain", start=t(5), interval=10)
    w.op("drain", "cleanup", now=t(90), reclaimed=1, txid=777)
    w.event(1, "lease_expired", "processing", "pending", 1, A, 90, 30, txid=777)
    assert "stuck-chunks-return" in w.props()


def test_progress_and_status_view_and_deadlocks() -> None:
    w = World()
    w.create([1])
    w.lifecycle(1)
    w.op("drain", "claim", chunk_id=None, due=2)
    w.op("w1", "observe", view=[{
        "sync_job_id": 1, "total_chunks": 2, "pending_chunks": 1, "processing_chunks": 0,
        "completed_chunks": 0, "failed_chunks": 0, "cancelled_chunks": 0, "progress_pct": 0,
    }], counts={1: {"pending": 1}}, jobs={1: 0})  # fmt: skip
    w.op("w2", "claim", "fail", sqlstate="40P01")
    assert {"progress", "status-view-consistent", "deadlocks-retried"} <= w.props()


def test_report_shows_the_history_slice_and_events() -> None:
    w = World()
    w.create([1])
    w.event(1, "claimed", "pending", "processing", 1, A, 0, 30)
    w.op("w1", "claim", chunk_id=1, token=B, expires=t(31), now=t(1))
    w.event(1, "claimed", "pending", "processing", 2, B, 1, 31)
    text = report(w.h, w.s, check(w.h, w.s))
    assert "[no-double-processing]" in text
    assert "client history:" in text and "server events:" in text
    assert "claimed" in text and "00000000" in text  # tokens are shortened, not hidden


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_each_property_can_be_run_alone(name: str) -> None:
    w = World()
    w.create([1])
    w.lifecycle(1)
    assert check(w.h, w.s, only={name}) == []


def test_cleanup_dead_lettering_a_live_lease_is_an_early_reclaim() -> None:
    w = World()
    w.create([1])
    w.event(1, "claimed", "pending", "processing", 1, A, 0, 30)
    w.op("w1", "cleanup", now=t(10), reclaimed=1, txid=900)
    w.s.txid_status[900] = "committed"
    w.event(1, "dead_lettered", "processing", "failed", 1, A, 10, txid=900)
    assert "no-early-reclaim" in w.props()
