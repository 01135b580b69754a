"""The history checker of the chunk queue: Jepsen's total-queue checker plus a per-chunk model.

:func:`check` reads the client :class:`~pgdrift.harness.history.History` and the
:class:`~pgdrift.harness.history.ServerState` and returns every :class:`Violation` of the
properties in :data:`PROPERTIES` (each one a function below, its docstring the
definition). Transaction fates come from the server (``txid_status``), so an operation that
succeeded inside a transaction later rolled back counts as not having happened, and an
``info`` operation is resolved when its txid is known (Jepsen's "recovered").

The total-queue part sorts chunks into *lost* (acknowledged, or committed and drained, but
not finished), *unexpected* (seen anywhere without a committed creation), *duplicated*
(completed twice) and *recovered* (an ``info`` completion that did take effect):
:func:`queue_summary`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pgdrift.harness.history import FAIL, INFO, INVOKE, OK, History, ServerState

TERMINAL = frozenset({"completed", "failed", "cancelled"})
ACCEPTED = frozenset({"completed", "retry_scheduled", "dead_lettered"})
COMPLETION_EVENTS = frozenset({"completed", "retry_scheduled", "dead_lettered"})
LEGAL = frozenset(
    {
        ("enqueued", None, "pending"),
        ("claimed", "pending", "processing"),
        ("completed", "processing", "completed"),
        ("retry_scheduled", "processing", "pending"),
        ("lease_expired", "processing", "pending"),
        ("dead_lettered", "processing", "failed"),
        ("cancelled", "pending", "cancelled"),
    }
)
DEADLOCK = "40P01"


@dataclass
class Violation:
    """One broken property, with the history entries and server events that show it."""

    prop: str
    message: str
    entries: list[int] = field(default_factory=list)
    events: list[int] = field(default_factory=list)

    def render(self, history: History, state: ServerState) -> str:
        out = [f"[{self.prop}] {self.message}"]
        if self.entries:
            out.append("  client history:")
            out.append(_indent(history.render(self.entries, context=1), 4))
        if self.events:
            out.append("  server events:")
            out.append(_indent(state.render_events(self.events), 2))
        return "\n".join(out)


def _indent(text: str, n: int) -> str:
    return "\n".join(" " * n + line for line in text.splitlines())


@dataclass
class Context:
    """Facts derived once from the history and the server, shared by the properties."""

    history: History
    state: ServerState
    committed_chunks: dict[int, int] = field(default_factory=dict)  # chunk -> create entry
    aborted_chunks: dict[int, int] = field(default_factory=dict)
    unknown_chunks: dict[int, int] = field(default_factory=dict)
    max_attempts: dict[int, int] = field(default_factory=dict)
    events_by_txid: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    drain: dict[str, Any] | None = None

    def fate(self, entry_value: dict[str, Any], type_: str) -> str:
        """'committed', 'aborted' or 'unknown' for a completed client operation."""
        if entry_value.get("crash_lost"):
            return "aborted"  # its txid never reached the WAL before a server crash
        txid = entry_value.get("txid")
        if txid is not None:
            status = self.state.txid_status.get(txid)
            if status == "committed":
                return "committed"
            if status == "aborted":
                return "aborted"
            return "unknown"
        if type_ == FAIL:
            return "aborted"
        if type_ == OK and not entry_value.get("in_txn"):
            return "committed"
        return "unknown"


def _context(history: History, state: ServerState) -> Context:
    ctx = Context(history, state)
    for e in history.completions("create"):
        fate = ctx.fate(e.value, e.type)
        target = {
            "committed": ctx.committed_chunks,
            "aborted": ctx.aborted_chunks,
            "unknown": ctx.unknown_chunks,
        }[fate]
        for cid in e.value.get("chunk_ids") or ():
            target[cid] = e.index
    # identity values of a rolled-back creation can be handed out again after a crash
    # (the sequence's advance was never flushed): a later committed creation owns them
    for cid in list(ctx.aborted_chunks):
        if cid in ctx.committed_chunks or cid in ctx.unknown_chunks:
            del ctx.aborted_chunks[cid]
    for q in state.queue:
        ctx.max_attempts[q["chunk_id"]] = q["max_attempts"]
    for ev in state.events:
        ctx.events_by_txid.setdefault(ev["txid"], []).append(ev)
    for e in history.completions("drain", OK):
        ctx.drain = e.value
    return ctx


Property = Callable[[Context], Iterator[Violation]]
PROPERTIES: dict[str, Property] = {}


def _property(name: str) -> Callable[[Property], Property]:
    def register(fn: Property) -> Property:
        PROPERTIES[name] = fn
        return fn

    return register


def _client_entries(ctx: Context, f: str, **match: Any) -> list[int]:
    return [
        e.index
        for e in ctx.history.entries
        if e.f == f and e.type != INVOKE and all(e.value.get(k) == v for k, v in match.items())
    ]


# --- the per-chunk model -------------------------------------------------------------------


def _model(ctx: Context) -> Iterator[Violation]:
    """Replay each chunk's events in order against the status machine."""
    for chunk_id, events in ctx.state.events_by_chunk().items():
        status: str | None = None
        token: Any = None
        attempt = 0
        claim_expiry: datetime | None = None
        reclaimed: set[Any] = set()
        limit = ctx.max_attempts.get(chunk_id)
        for ev in events:
            tr, frm, to = ev["transition"], ev["from_status"], ev["to_status"]
            ids = [ev["id"]]
            if status in TERMINAL:
                yield Violation(
                    "finished-stays-finished",
                    f"chunk {chunk_id} was {status}, then {tr} moved it {frm}->{to}",
                    _client_entries(ctx, "complete", chunk_id=chunk_id),
                    ids,
                )
            elif tr == "claimed" and status == "processing":
                yield Violation(
                    "no-double-processing",
                    f"chunk {chunk_id} claimed by {ev['worker_id']} (token "
                    f"{str(ev['lease_token'])[:8]}) while the lease {str(token)[:8]} was live "
                    "and never ended",
                    _client_entries(ctx, "claim", chunk_id=chunk_id),
                    [x["id"] for x in events if x["id"] <= ev["id"]][-4:],
                )
            elif (tr, frm, to) not in LEGAL:
                yield Violation(
                    "legal-transitions",
                    f"chunk {chunk_id}: illegal transition {tr} {frm}->{to}",
                    [],
                    ids,
                )
            elif frm != status:
                yield Violation(
                    "legal-transitions",
                    f"chunk {chunk_id}: {tr} from {frm} but the chunk was {status}",
                    [],
                    [x["id"] for x in events if x["id"] <= ev["id"]][-3:],
                )
            if tr == "claimed":
                if ev["attempt"] != attempt + 1:
                    yield Violation(
                        "attempts-within-limit",
                        f"chunk {chunk_id}: claim counted attempt {ev['attempt']} after attempt {attempt}",
                        [],
                        ids,
                    )
                if limit is not None and ev["attempt"] > limit:
                    yield Violation(
                        "attempts-within-limit",
                        f"chunk {chunk_id}: attempt {ev['attempt']} exceeds max_attempts {limit}",
                        [],
                        ids,
                    )
                attempt, token, claim_expiry = (
                    ev["attempt"],
                    ev["lease_token"],
                    ev["lease_expires_at"],
                )
            elif (
                tr in COMPLETION_EVENTS
                and ev["lease_token"] is not None
                and ev["lease_token"] != token
            ):
                yield Violation(
                    "only-lease-holder-completes",
                    f"chunk {chunk_id}: {tr} accepted with token {str(ev['lease_token'])[:8]} "
                    f"but the current lease is {str(token)[:8]}",
                    _client_entries(ctx, "complete", token=ev["lease_token"]),
                    [x["id"] for x in events if x["id"] <= ev["id"]][-4:],
                )
            elif tr == "lease_expired":
                if ev["lease_token"] in reclaimed:
                    yield Violation(
                        "cleanup-reclaims-once",
                        f"chunk {chunk_id}: lease {str(ev['lease_token'])[:8]} reclaimed twice",
                        [],
                        [x["id"] for x in events if x["id"] <= ev["id"]][-4:],
                    )
                reclaimed.add(ev["lease_token"])
                expires = ev["lease_expires_at"]
                early = expires is not None and ev["event_at"] < expires
                shortened = (
                    claim_expiry is not None and expires is not None and expires < claim_expiry
                )
                if early or shortened:
                    yield Violation(
                        "no-early-reclaim",
                        f"chunk {chunk_id}: lease {str(ev['lease_token'])[:8]} valid until "
                        f"{claim_expiry if shortened else expires} reclaimed at {ev['event_at']}",
                        _client_entries(ctx, "cleanup"),
                        [x["id"] for x in events if x["id"] <= ev["id"]][-3:],
                    )
            status = to


@_property("legal-transitions")
def legal_transitions(ctx: Context) -> Iterator[Violation]:
    """Every chunk's events form a path of the status machine enqueued -> pending ->
    processing -> {completed | pending (retry, lease expired) | failed}, pending ->
    cancelled; each event's from_status is the status the previous event left."""
    yield from (v for v in _model_cached(ctx) if v.prop == "legal-transitions")
    for cid, events in ctx.state.events_by_chunk().items():
        if events[0]["transition"] != "enqueued":
            yield Violation(
                "legal-transitions",
                f"chunk {cid}: history starts with {events[0]['transition']}",
                [],
                [events[0]["id"]],
            )
    final = {q["chunk_id"]: q["status"] for q in ctx.state.queue}
    for cid, events in ctx.state.events_by_chunk().items():
        if cid in final and events[-1]["to_status"] != final[cid]:
            yield Violation(
                "legal-transitions",
                f"chunk {cid}: queue row says {final[cid]}, last event says {events[-1]['to_status']}",
                [],
                [events[-1]["id"]],
            )


def _model_cached(ctx: Context) -> list[Violation]:
    cached = getattr(ctx, "_model", None)
    if cached is None:
        cached = list(_model(ctx))
        ctx._model = cached  # type: ignore[attr-defined]
    return cached


def _model_property(name: str, doc: str) -> None:
    def prop(ctx: Context) -> Iterator[Violation]:
        yield from (v for v in _model_cached(ctx) if v.prop == name)

    prop.__doc__ = doc
    prop.__name__ = name.replace("-", "_")
    PROPERTIES.setdefault(name, prop)


@_property("no-double-processing")
def no_double_processing(ctx: Context) -> Iterator[Violation]:
    """A chunk is never claimed while a lease on it is live and unended, never completed
    twice, and two client claims never hold the same lease token."""
    yield from (v for v in _model_cached(ctx) if v.prop == "no-double-processing")
    for cid, events in ctx.state.events_by_chunk().items():
        done = [e["id"] for e in events if e["transition"] == "completed"]
        if len(done) > 1:
            yield Violation(
                "no-double-processing", f"chunk {cid} completed {len(done)} times", [], done
            )
    tokens = Counter(
        e.value["token"] for e in ctx.history.completions("claim", OK) if e.value.get("token")
    )
    for token, n in tokens.items():
        if n > 1:
            yield Violation(
                "no-double-processing",
                f"lease token {str(token)[:8]} handed out {n} times",
                _client_entries(ctx, "claim", token=token),
            )


_model_property(
    "finished-stays-finished", "A completed, failed or cancelled chunk never changes again."
)


@_property("no-early-reclaim")
def no_early_reclaim(ctx: Context) -> Iterator[Violation]:
    """A lease is reclaimed only at or after its expiry (as of the reclaiming call's
    clock), never before the expiry its claim granted -- whether cleanup puts the chunk
    back (lease_expired) or dead-letters it (its last attempt)."""
    yield from (v for v in _model_cached(ctx) if v.prop == "no-early-reclaim")
    cleanup_txids = {
        e.value["txid"]
        for e in ctx.history.completions("cleanup", OK)
        if isinstance(e.value.get("txid"), int)
    }
    for events in ctx.state.events_by_chunk().values():
        claim: dict[str, Any] | None = None
        for ev in events:
            if ev["transition"] == "claimed":
                claim = ev
            elif (
                ev["transition"] == "dead_lettered"
                and ev["txid"] in cleanup_txids
                and claim is not None
                and claim["lease_expires_at"] is not None
                and ev["event_at"] < claim["lease_expires_at"]
            ):
                yield Violation(
                    "no-early-reclaim",
                    f"chunk {ev['chunk_id']}: cleanup dead-lettered lease "
                    f"{str(claim['lease_token'])[:8]} at {ev['event_at']}, before its expiry "
                    f"{claim['lease_expires_at']}",
                    _client_entries(ctx, "cleanup", txid=ev["txid"]),
                    [claim["id"], ev["id"]],
                )


@_property("only-lease-holder-completes")
def only_lease_holder(ctx: Context) -> Iterator[Violation]:
    """Only the current, live lease's holder completes: every accepted completion carries
    the token of the chunk's current claim, and a client completion made when its lease had
    certainly expired (after the latest expiry it was granted) is rejected."""
    yield from (v for v in _model_cached(ctx) if v.prop == "only-lease-holder-completes")
    latest: dict[Any, datetime] = {}
    for e in ctx.history.entries:
        if e.type == INVOKE:
            continue
        token = e.value.get("token")
        if not token:
            continue
        if e.f == "claim" and e.type == OK and e.value.get("expires"):
            latest[token] = max(latest.get(token, e.value["expires"]), e.value["expires"])
        elif e.f == "heartbeat" and e.type in (OK, INFO):
            bound = e.value.get("expires") if e.type == OK else None
            if bound is None and e.type == INFO and e.value.get("now") is not None:
                bound = e.value["now"] + timedelta(seconds=e.value.get("lease", 0))
            if bound is not None and token in latest:
                latest[token] = max(latest[token], bound)
        elif (
            e.f == "complete"
            and e.type == OK
            and e.value.get("outcome") in ACCEPTED
            and ctx.fate(e.value, e.type) == "committed"
        ):
            expiry = latest.get(token)
            if expiry is not None and e.value["now"] >= expiry:
                yield Violation(
                    "only-lease-holder-completes",
                    f"completion of chunk {e.value.get('chunk_id')} at {e.value['now']} accepted "
                    f"although its lease {str(token)[:8]} expired at {expiry}",
                    [e.index],
                )


@_property("attempts-within-limit")
def attempts_within_limit(ctx: Context) -> Iterator[Violation]:
    """No chunk is attempted more than its max_attempts; each claim counts one attempt."""
    yield from (v for v in _model_cached(ctx) if v.prop == "attempts-within-limit")
    for q in ctx.state.queue:
        if q["attempts"] > q["max_attempts"]:
            yield Violation(
                "attempts-within-limit",
                f"chunk {q['chunk_id']}: {q['attempts']} attempts, max_attempts {q['max_attempts']}",
            )


# --- the total-queue part ------------------------------------------------------------------


@_property("no-phantom-chunks")
def no_phantom_chunks(ctx: Context) -> Iterator[Violation]:
    """Nothing appears that was not created by a committed transaction: every chunk in the
    queue, events, outbox, notifications or a client's claim comes from a committed (or
    unknown-outcome) creation; a chunk from a rolled-back creation appears nowhere; every
    lease token on the server was handed to some client claim."""
    known = set(ctx.committed_chunks) | set(ctx.unknown_chunks)
    seen: dict[str, set[Any]] = {
        "queue": {q["chunk_id"] for q in ctx.state.queue},
        "events": {e["chunk_id"] for e in ctx.state.events},
        "outbox": {o["chunk_id"] for o in ctx.state.outbox},
        "notifications": {n.get("chunk_id") for n in ctx.state.notifications if n.get("chunk_id")},
        "client claims": {
            e.value["chunk_id"]
            for e in ctx.history.completions("claim", OK)
            if e.value.get("chunk_id")
        },
    }
    for where, ids in seen.items():
        for cid in sorted(ids - known):
            why = "its creation was rolled back" if cid in ctx.aborted_chunks else "never created"
            entries = [ctx.aborted_chunks[cid]] if cid in ctx.aborted_chunks else []
            yield Violation("no-phantom-chunks", f"chunk {cid} in {where}, but {why}", entries)
    client_tokens = {
        e.value.get("token") for e in ctx.history.completions("claim") if e.value.get("token")
    }
    info_claims = Counter(e.process for e in ctx.history.completions("claim", INFO))
    unknown: Counter[str] = Counter()
    for ev in ctx.state.events:
        if ev["transition"] == "claimed" and ev["lease_token"] not in client_tokens:
            unknown[ev["worker_id"]] += 1
            if unknown[ev["worker_id"]] > info_claims.get(ev["worker_id"], 0):
                yield Violation(
                    "no-phantom-chunks",
                    f"chunk {ev['chunk_id']} claimed by {ev['worker_id']} with a token no client "
                    "claim returned (and no claim of that worker has an unknown outcome)",
                    [],
                    [ev["id"]],
                )


@_property("no-lost-chunks")
def no_lost_chunks(ctx: Context) -> Iterator[Violation]:
    """After the drain every committed chunk is finished (completed, failed or cancelled),
    every acknowledged committed claim and completion is on the server, and no rolled-back
    claim or completion is."""
    status = {q["chunk_id"]: q["status"] for q in ctx.state.queue}
    if ctx.drain is not None:
        for cid, idx in ctx.committed_chunks.items():
            if status.get(cid) not in TERMINAL:
                yield Violation(
                    "no-lost-chunks",
                    f"chunk {cid} is {status.get(cid, 'missing')} after the drain",
                    [idx],
                )
    tokens_on_server = {(e["lease_token"], e["transition"]) for e in ctx.state.events}
    for e in ctx.history.completions("claim"):
        token = e.value.get("token")
        if not token:
            continue
        fate = ctx.fate(e.value, e.type)
        present = (token, "claimed") in tokens_on_server
        if fate == "committed" and not present:
            yield Violation(
                "no-lost-chunks",
                f"acknowledged claim {str(token)[:8]} is not on the server",
                [e.index],
            )
        if fate == "aborted" and present:
            yield Violation(
                "no-lost-chunks",
                f"rolled-back claim {str(token)[:8]} took effect on the server",
                [e.index],
            )
    for e in ctx.history.completions("complete"):
        token, outcome = e.value.get("token"), e.value.get("outcome")
        fate = ctx.fate(e.value, e.type)
        mine = [
            ev
            for ev in ctx.events_by_txid.get(e.value.get("txid") or -1, [])
            if ev["transition"] in COMPLETION_EVENTS
        ]
        if (
            fate == "committed"
            and outcome in ACCEPTED
            and not any(ev["lease_token"] == token for ev in mine)
        ):
            yield Violation(
                "no-lost-chunks",
                f"acknowledged completion ({outcome}) is not on the server",
                [e.index],
            )
        if fate == "aborted" and mine:
            yield Violation(
                "no-lost-chunks",
                "a rolled-back completion left events",
                [e.index],
                [ev["id"] for ev in mine],
            )


@_property("one-queue-row-per-chunk")
def one_queue_row(ctx: Context) -> Iterator[Violation]:
    """Every committed chunk has exactly one queue row and one 'enqueued' event; a
    rolled-back creation leaves none."""
    rows = Counter(q["chunk_id"] for q in ctx.state.queue)
    enq = Counter(e["chunk_id"] for e in ctx.state.events if e["transition"] == "enqueued")
    for cid, idx in ctx.committed_chunks.items():
        if rows.get(cid, 0) != 1 or enq.get(cid, 0) != 1:
            yield Violation(
                "one-queue-row-per-chunk",
                f"chunk {cid}: {rows.get(cid, 0)} queue rows, {enq.get(cid, 0)} enqueued events",
                [idx],
            )
    for cid, idx in ctx.aborted_chunks.items():
        if rows.get(cid) or enq.get(cid):
            yield Violation(
                "one-queue-row-per-chunk",
                f"chunk {cid} queued although its creation rolled back",
                [idx],
            )


@_property("outbox-exactly-once")
def outbox_exactly_once(ctx: Context) -> Iterator[Violation]:
    """Each committed completion (success, retry or dead letter) wrote exactly one outbox
    row in its own transaction, no other transaction wrote one, and each outbox row was
    notified once (all of them, when the listener never lost its connection)."""
    wanted: Counter[tuple[int, int]] = Counter()
    for ev in ctx.state.events:
        if ev["transition"] in COMPLETION_EVENTS:
            wanted[(ev["txid"] & 0xFFFFFFFF, ev["chunk_id"])] += 1
    got: Counter[tuple[int, int]] = Counter((o["xid"], o["chunk_id"]) for o in ctx.state.outbox)
    for key in sorted(set(wanted) | set(got)):
        if wanted[key] != got[key]:
            xid, cid = key
            entries = [
                e.index
                for e in ctx.history.completions()
                if e.value.get("txid") is not None and e.value["txid"] & 0xFFFFFFFF == xid
            ]
            yield Violation(
                "outbox-exactly-once",
                f"transaction {xid}, chunk {cid}: {wanted[key]} accepted completions but "
                f"{got[key]} outbox rows",
                entries,
                [e["id"] for e in ctx.state.events if e["txid"] & 0xFFFFFFFF == xid],
            )
    ids = {o["id"] for o in ctx.state.outbox}
    notified = Counter(n.get("outbox_id") for n in ctx.state.notifications)
    for oid, n in notified.items():
        if oid not in ids:
            yield Violation(
                "outbox-exactly-once", f"notification for outbox row {oid}, which does not exist"
            )
        elif n > 1:
            yield Violation("outbox-exactly-once", f"outbox row {oid} notified {n} times")
    if ctx.state.listener_gapless:
        for oid in sorted(ids - set(notified)):
            yield Violation("outbox-exactly-once", f"outbox row {oid} was never notified")


@_property("stuck-chunks-return")
def stuck_chunks_return(ctx: Context) -> Iterator[Violation]:
    """During the drain (cleanup every `interval` of queue time) an expired lease is
    reclaimed within one cleanup interval of max(its expiry, the drain's start)."""
    if ctx.drain is None:
        return
    start, interval = ctx.drain["start"], timedelta(seconds=ctx.drain["interval"])
    drain_txids = {
        e.value.get("txid") for e in ctx.history.completions("cleanup", OK) if e.process == "drain"
    }
    for ev in ctx.state.events:
        if ev["transition"] == "lease_expired" and ev["txid"] in drain_txids:
            due = max(start, ev["lease_expires_at"]) + interval
            if ev["event_at"] > due:
                yield Violation(
                    "stuck-chunks-return",
                    f"chunk {ev['chunk_id']}: lease expired {ev['lease_expires_at']}, reclaimed only at {ev['event_at']}",
                    [],
                    [ev["id"]],
                )


@_property("cleanup-reclaims-once")
def cleanup_reclaims_once(ctx: Context) -> Iterator[Violation]:
    """Concurrent cleanups reclaim each expired lease once, and each cleanup's returned
    count equals the reclaims (lease_expired or dead_lettered events) its transaction wrote."""
    yield from (v for v in _model_cached(ctx) if v.prop == "cleanup-reclaims-once")
    for e in ctx.history.completions("cleanup", OK):
        if ctx.fate(e.value, e.type) != "committed":
            continue  # a rolled-back cleanup reclaimed nothing
        mine = [
            ev
            for ev in ctx.events_by_txid.get(e.value.get("txid") or -1, [])
            if ev["transition"] in ("lease_expired", "dead_lettered")
        ]
        if e.value.get("reclaimed") != len(mine):
            yield Violation(
                "cleanup-reclaims-once",
                f"cleanup returned {e.value.get('reclaimed')} but reclaimed {len(mine)} leases",
                [e.index],
                [ev["id"] for ev in mine],
            )


@_property("per-job-order")
def per_job_order(ctx: Context) -> Iterator[Violation]:
    """Within a sync job, chunks are processed one at a time and in chunk_index order: a
    chunk is claimed only when no other chunk of its job is processing and every lower
    chunk_index is completed."""
    by_job: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ev in sorted(ctx.state.events, key=lambda e: e["id"]):
        by_job[ev["sync_job_id"]].append(ev)
    for job, events in by_job.items():
        status: dict[int, tuple[str, int]] = {}  # chunk -> (status, chunk_index)
        for ev in events:
            if ev["transition"] == "claimed":
                busy = [
                    c for c, (s, _) in status.items() if s == "processing" and c != ev["chunk_id"]
                ]
                lower = [
                    c for c, (s, i) in status.items() if i < ev["chunk_index"] and s != "completed"
                ]
                if busy:
                    yield Violation(
                        "per-job-order",
                        f"sync job {job}: chunk {ev['chunk_id']} claimed while chunk {busy[0]} is processing",
                        [],
                        [ev["id"]],
                    )
                elif lower:
                    yield Violation(
                        "per-job-order",
                        f"sync job {job}: chunk_index {ev['chunk_index']} claimed before lower "
                        f"chunk {lower[0]} was completed",
                        [],
                        [ev["id"]],
                    )
            status[ev["chunk_id"]] = (ev["to_status"], ev["chunk_index"])


@_property("progress")
def progress(ctx: Context) -> Iterator[Violation]:
    """While work is waiting, workers make progress: when no other session holds locks
    (the drain; an interleaving step with no transaction open) a claim finds nothing only
    when no sync job has a due chunk, and the drain finishes within its round limit."""
    for e in ctx.history.completions("claim", OK):
        if not e.value.get("chunk_id") and e.value.get("due", 0) > 0:
            yield Violation(
                "progress",
                f"claim found nothing while {e.value['due']} sync jobs had a due chunk",
                [e.index],
            )
    for e in ctx.history.completions("drain", FAIL):
        yield Violation("progress", f"drain gave up: {e.value.get('reason')}", [e.index])


@_property("status-view-consistent")
def status_view(ctx: Context) -> Iterator[Violation]:
    """chunk_processing_status adds up within one snapshot: per sync job, the per-status
    counts sum to the total, match the queue rows of the same snapshot, completed_chunks
    equals the sync job's counter, and progress_pct = 100 * completed / total."""
    for e in ctx.history.completions("observe", OK):
        counts = e.value.get("counts", {})
        jobs = e.value.get("jobs", {})
        for row in e.value.get("view", []):
            job = row["sync_job_id"]
            parts = sum(
                row[f"{s}_chunks"]
                for s in ("pending", "processing", "completed", "failed", "cancelled")
            )
            direct = counts.get(job, {})
            problems = []
            if parts != row["total_chunks"]:
                problems.append(f"parts sum to {parts}, total_chunks {row['total_chunks']}")
            for s in ("pending", "processing", "completed", "failed", "cancelled"):
                if row[f"{s}_chunks"] != direct.get(s, 0):
                    problems.append(
                        f"{s}_chunks {row[f'{s}_chunks']} but {direct.get(s, 0)} queue rows"
                    )
            if job in jobs and jobs[job] != row["completed_chunks"]:
                problems.append(
                    f"sync_jobs.completed_chunks {jobs[job]} vs view {row['completed_chunks']}"
                )
            total = row["total_chunks"]
            pct = round(100.0 * row["completed_chunks"] / total, 1) if total else 0
            if abs(float(row["progress_pct"]) - pct) > 0.051:
                problems.append(f"progress_pct {row['progress_pct']} but {pct}")
            if problems:
                yield Violation(
                    "status-view-consistent", f"sync job {job}: " + "; ".join(problems), [e.index]
                )


@_property("deadlocks-retried")
def deadlocks_retried(ctx: Context) -> Iterator[Violation]:
    """Deadlocks are zero or retried and counted: every operation that failed with
    deadlock_detected (40P01) was retried by its process."""
    retried = {e.value.get("retry_of") for e in ctx.history.entries if e.type == INVOKE}
    for e in ctx.history.entries:
        if e.type == FAIL and e.value.get("sqlstate") == DEADLOCK and e.invoke_index not in retried:
            yield Violation("deadlocks-retried", "a deadlock was not retried", [e.index])


def check(history: History, state: ServerState, only: set[str] | None = None) -> list[Violation]:
    """Every violation of the properties (all, or those named in ``only``)."""
    ctx = _context(history, state)
    out: list[Violation] = []
    for name, prop in PROPERTIES.items():
        if only is None or name in only:
            out.extend(prop(ctx))
    for e in history.pending():
        out.append(
            Violation(
                "history-complete", f"invocation {e.index} ({e.f}) never completed", [e.index]
            )
        )
    return out


def queue_summary(history: History, state: ServerState) -> dict[str, int]:
    """Jepsen total-queue counts: attempted, acknowledged, lost, unexpected, duplicated,
    recovered chunks, and deadlocks seen."""
    ctx = _context(history, state)
    status = {q["chunk_id"]: q["status"] for q in state.queue}
    completed = Counter(e["chunk_id"] for e in state.events if e["transition"] == "completed")
    known = set(ctx.committed_chunks) | set(ctx.unknown_chunks)
    seen = {q["chunk_id"] for q in state.queue} | {e["chunk_id"] for e in state.events}
    recovered = 0
    for e in history.completions("complete", INFO):
        txid = e.value.get("txid")
        if any(
            ev["lease_token"] == e.value.get("token")
            for ev in state.events
            if ev["transition"] in COMPLETION_EVENTS
        ) or (txid is not None and state.txid_status.get(txid) == "committed"):
            recovered += 1
    return {
        "attempted": len(ctx.committed_chunks) + len(ctx.unknown_chunks) + len(ctx.aborted_chunks),
        "enqueued": len(ctx.committed_chunks),
        "completed": sum(1 for s in status.values() if s == "completed"),
        "lost": sum(1 for c in ctx.committed_chunks if status.get(c) not in TERMINAL),
        "unexpected": len(seen - known),
        "duplicated": sum(1 for n in completed.values() if n > 1),
        "recovered": recovered,
        "deadlocks": sum(
            1 for e in history.entries if e.type == FAIL and e.value.get("sqlstate") == DEADLOCK
        ),
    }


def report(
    history: History, state: ServerState, violations: list[Violation], limit: int = 6
) -> str:
    """A person-readable report: each violation with its history slice and events."""
    lines = [f"{len(violations)} violation(s) of {len({v.prop for v in violations})} properties:"]
    for v in violations[:limit]:
        lines.append(v.render(history, state))
    if len(violations) > limit:
        lines.append(f"... and {len(violations) - limit} more")
    return "\n".join(lines)
