"""Histories of concurrent queue operations, and the data their checker reads.

A :class:`History` is the client's record of a run, in the style of Jepsen: every operation
is an ``invoke`` entry followed by exactly one completion -- ``ok`` (it happened), ``fail``
(it certainly did not take effect: the statement or its transaction was rolled back) or
``info`` (unknown: the connection died before the answer came back). Every entry carries
the process (worker) name, a monotonic timestamp, the backend pid and the queue clock
(``vnow``) the operation ran at; values carry the transaction id the statement ran in
(``txid``), which the checker resolves against the server with ``txid_status()``.

:class:`ServerState` is what the server says after the run (the event table, the queue,
the outbox, the notifications the listener received, and the fate of every txid).
:mod:`pgdrift.harness.checker` holds the properties checked against both.

>>> h = History()
>>> i = h.invoke("w1", "claim", {"now": "2030-01-01T00:00:00+00:00"})
>>> _ = h.complete(i, "ok", {"chunk_id": None})
>>> [e.type for e in h.entries]
['invoke', 'ok']
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

INVOKE, OK, FAIL, INFO = "invoke", "ok", "fail", "info"


@dataclass
class Entry:
    """One history entry: an invocation or the completion of one."""

    index: int
    process: str
    type: str  # invoke | ok | fail | info
    f: str  # claim, heartbeat, complete, cleanup, create, observe, kill, restart, ...
    value: dict[str, Any]
    time_ns: int
    pid: int | None = None
    vnow: datetime | None = None
    invoke_index: int | None = None  # for completions: the entry they complete

    def render(self, t0_ns: int = 0) -> str:
        ms = (self.time_ns - t0_ns) / 1e6
        pid = f" pid={self.pid}" if self.pid else ""
        clock = f" @{_vclock(self.vnow)}" if self.vnow else ""
        value = ", ".join(f"{k}={_short(v)}" for k, v in self.value.items() if v is not None)
        return f"{self.index:>5} {ms:9.2f}ms {self.process:<9} {self.type:<6} {self.f:<16}{clock}{pid} {value}"


def _vclock(value: datetime) -> str:
    return value.strftime("%H:%M:%S.%f")[:-3]


def _short(value: Any) -> str:
    text = str(value)
    if len(text) == 36 and text.count("-") == 4:  # a uuid: its first block is enough
        return text[:8]
    if isinstance(value, datetime):
        return _vclock(value)
    return text if len(text) <= 60 else text[:57] + "..."


class History:
    """A thread-safe, append-only client history."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[Entry] = []
        self.t0_ns = time.perf_counter_ns()

    def invoke(
        self,
        process: str,
        f: str,
        value: dict[str, Any] | None = None,
        *,
        pid: int | None = None,
        vnow: datetime | None = None,
    ) -> int:
        """Record an invocation; returns its index (pass it to :meth:`complete`)."""
        with self._lock:
            index = len(self.entries)
            self.entries.append(
                Entry(
                    index, process, INVOKE, f, dict(value or {}), time.perf_counter_ns(), pid, vnow
                )
            )
            return index

    def complete(
        self,
        invoke_index: int,
        type_: str,
        value: dict[str, Any] | None = None,
        *,
        pid: int | None = None,
    ) -> Entry:
        """Record the completion (ok / fail / info) of the invocation ``invoke_index``."""
        if type_ not in (OK, FAIL, INFO):
            raise ValueError(f"completion type must be ok, fail or info, not {type_!r}")
        with self._lock:
            inv = self.entries[invoke_index]
            merged = {**inv.value, **(value or {})}
            entry = Entry(
                len(self.entries),
                inv.process,
                type_,
                inv.f,
                merged,
                time.perf_counter_ns(),
                pid if pid is not None else inv.pid,
                inv.vnow,
                invoke_index,
            )
            self.entries.append(entry)
            return entry

    def completions(self, f: str | None = None, type_: str | None = None) -> list[Entry]:
        """Completion entries, optionally of one function and one type."""
        return [
            e
            for e in self.entries
            if e.type != INVOKE and (f is None or e.f == f) and (type_ is None or e.type == type_)
        ]

    def pending(self) -> list[Entry]:
        """Invocations that never completed (a bug in the runner if any remain)."""
        done = {e.invoke_index for e in self.entries if e.invoke_index is not None}
        return [e for e in self.entries if e.type == INVOKE and e.index not in done]

    def render(self, indexes: Iterable[int] | None = None, context: int = 0) -> str:
        """The entries (all, or those at ``indexes`` plus their invocations and
        ``context`` neighbours), one per line."""
        chosen: Iterable[int]
        if indexes is None:
            chosen = range(len(self.entries))
        else:
            wanted: set[int] = set()
            for i in indexes:
                if not 0 <= i < len(self.entries):
                    continue
                inv = self.entries[i].invoke_index
                for j in (i, inv):
                    if j is None:
                        continue
                    wanted.update(
                        range(max(0, j - context), min(len(self.entries), j + context + 1))
                    )
            chosen = sorted(wanted)
        lines, last = [], None
        for i in chosen:
            if last is not None and i != last + 1:
                lines.append("      ...")
            lines.append(self.entries[i].render(self.t0_ns))
            last = i
        return "\n".join(lines)


@dataclass
class ServerState:
    """The server's side of a run, read after the drain."""

    events: list[dict[str, Any]] = field(default_factory=list)
    queue: list[dict[str, Any]] = field(default_factory=list)
    chunks: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    #: payloads (parsed JSON) received on channel chunk_webhooks
    notifications: list[dict[str, Any]] = field(default_factory=list)
    #: False when the listener's connection was lost at some point (notifications missed)
    listener_gapless: bool = True
    #: txid -> 'committed' / 'aborted' / 'in progress' / None (unknown)
    txid_status: dict[int, str | None] = field(default_factory=dict)

    def events_by_chunk(self) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        for ev in sorted(self.events, key=lambda e: e["id"]):
            out.setdefault(ev["chunk_id"], []).append(ev)
        return out

    def render_events(self, ids: Iterable[int]) -> str:
        wanted = set(ids)
        rows = [e for e in sorted(self.events, key=lambda e: e["id"]) if e["id"] in wanted]
        return "\n".join(render_event(e) for e in rows)


def render_event(ev: dict[str, Any]) -> str:
    """One server event as a line: id, chunk, transition, attempt, worker, token, times."""
    token = str(ev.get("lease_token") or "-")[:8]
    expires = ev.get("lease_expires_at")
    exp = f" lease_until={_vclock(expires)}" if expires else ""
    return (
        f"  event {ev['id']:>4} chunk {ev['chunk_id']} (job {ev['sync_job_id']} "
        f"#{ev['chunk_index']}) {ev['transition']:<15} {ev.get('from_status') or '-'}"
        f"->{ev['to_status']} attempt={ev['attempt']} worker={ev.get('worker_id') or '-'} "
        f"token={token} at={_vclock(ev['event_at'])}{exp} txid={ev.get('txid')} "
        f"pid={ev.get('backend_pid')}"
    )


def fetch_server_state(conn: Any, txids: Iterable[int]) -> ServerState:
    """Read the queue's tables (and the fate of ``txids``) over ``conn`` (autocommit)."""
    from psycopg.rows import dict_row

    state = ServerState()
    with conn.cursor(row_factory=dict_row) as cur:
        state.events = cur.execute("SELECT * FROM chunk_processing_events ORDER BY id").fetchall()
        state.queue = cur.execute("SELECT * FROM chunk_processing_queue ORDER BY id").fetchall()
        state.chunks = cur.execute("SELECT * FROM chunked_sync_jobs ORDER BY id").fetchall()
        state.jobs = cur.execute("SELECT * FROM sync_jobs ORDER BY id").fetchall()
        state.outbox = cur.execute(
            "SELECT o.*, o.xmin::text::bigint AS xid FROM chunk_webhook_outbox AS o ORDER BY id"
        ).fetchall()
        ids = sorted(set(txids))
        if ids:
            rows = cur.execute(
                "SELECT t AS txid, txid_status(t) AS status FROM unnest(%s::bigint[]) AS t",
                (ids,),
            ).fetchall()
            state.txid_status = {r["txid"]: r["status"] for r in rows}
    return state
