"""Concurrent queue scenarios: drawn whole by hypothesis, then played on real connections.

A :class:`Scenario` is data: the sync jobs to create (chunk counts, max attempts, whether
the creating transaction rolls back), one program per worker (claim / heartbeat /
complete ok / complete error / pause / crash / cleanup / observe / enqueue), the faults of
:mod:`pgdrift.harness.faults`, and the lease. :func:`scenarios` is its hypothesis
strategy, so a failing scenario shrinks to a small one, printed by
:meth:`Scenario.describe`. :func:`run_scenario` creates the jobs, releases one thread per
worker (each on its own connection) at a barrier, fires the timed faults, then drains the
queue on one connection with the queue clock moving by the cleanup interval, and returns
the :class:`~pgdrift.harness.history.History` and the server's state, ready for
:func:`pgdrift.harness.checker.check`.

Time is the queue's injected clock (every call passes ``p_now``): queue time runs
:data:`SCALE` times faster than the wall clock from :data:`T0`, so a 30 s lease lasts
30 ms and a scenario with expiring leases takes a fraction of a second.

>>> s = Scenario(jobs=(JobSpec(2),), programs=((Step("claim"), Step("complete_ok")),) * 2)
>>> print(s.describe().splitlines()[0])
scenario: 2 workers, lease 30 s, 1 sync jobs (2 chunks)
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

from pgdrift.harness.faults import (
    STEP_FAULTS,
    FaultLog,
    connect_retry,
)
from pgdrift.harness.history import FAIL, INFO, OK, History, ServerState

T0 = datetime(2030, 1, 1, tzinfo=UTC)
SCALE = 1000.0  # queue seconds per wall-clock second
BACKOFF_BASE_MS = 1000
BACKOFF_MAX_MS = 8000
STEP_KINDS = (
    "claim",
    "heartbeat",
    "complete_ok",
    "complete_error",
    "complete_and_claim",
    "pause",
    "crash",
    "cleanup",
    "observe",
    "enqueue",
)


@dataclass(frozen=True)
class JobSpec:
    """A sync job to create before the workers start."""

    chunks: int
    max_attempts: int = 3
    rollback: bool = False  # the creating transaction rolls back (fault rollback_create)


@dataclass(frozen=True)
class Step:
    """One step of a worker's program; ``arg`` is ms for pause, chunks for enqueue, 1 for a
    complete_and_claim sent as a one-item batch."""

    kind: str
    arg: int = 0

    def __str__(self) -> str:
        if self.kind == "pause":
            return f"pause {self.arg}ms"
        if self.kind == "enqueue":
            return f"enqueue {self.arg} chunks"
        return self.kind.replace("_", " ")


@dataclass(frozen=True)
class Fault:
    """A fault on step ``step`` of worker ``worker`` (step faults), or at ``arg`` ms into
    the run (timed faults: ``kill_listener``, ``restart``)."""

    kind: str
    worker: int = 0
    step: int = 0
    arg: int = 0

    def __str__(self) -> str:
        if self.kind in ("kill_listener", "restart"):
            return f"{self.kind} at {self.arg}ms"
        if self.kind == "skew":
            return f"w{self.worker}: clock skewed {self.arg:+d} s"
        if self.kind in ("statement_timeout", "lock_timeout"):
            return f"w{self.worker} from step {self.step}: {self.kind} = {self.arg}ms"
        extra = f" ({self.arg}ms)" if self.kind == "idle_in_txn" else ""
        return f"w{self.worker} step {self.step}: {self.kind}{extra}"


@dataclass(frozen=True)
class Scenario:
    jobs: tuple[JobSpec, ...]
    programs: tuple[tuple[Step, ...], ...]
    faults: tuple[Fault, ...] = ()
    lease_seconds: int = 30
    cleanup_interval: int = 10  # queue seconds between the drain's cleanups

    @property
    def workers(self) -> int:
        return len(self.programs)

    def describe(self) -> str:
        """The scenario as a person reads it (printed when a property fails)."""
        chunks = sum(j.chunks for j in self.jobs)
        lines = [
            f"scenario: {self.workers} workers, lease {self.lease_seconds} s, "
            f"{len(self.jobs)} sync jobs ({chunks} chunks)"
        ]
        for i, job in enumerate(self.jobs):
            rb = "  [creating transaction rolled back]" if job.rollback else ""
            lines.append(f"  job {i}: {job.chunks} chunks, max_attempts {job.max_attempts}{rb}")
        for w, program in enumerate(self.programs):
            lines.append(f"  w{w}: " + "; ".join(str(s) for s in program))
        for f in self.faults:
            lines.append(f"  fault: {f}")
        return "\n".join(lines)


# --- the hypothesis strategy ---------------------------------------------------------------


def scenarios(
    min_workers: int = 2,
    max_workers: int = 16,
    max_steps: int = 8,
    max_jobs: int = 4,
    faults: bool = True,
    restart: bool = True,
    require: tuple[str, ...] = (),
    min_jobs: int = 1,
) -> Any:
    """A hypothesis strategy of whole scenarios (import hypothesis only when called).

    ``faults``: draw faults at all; ``restart``: may include the server restart;
    ``require``: fault kinds every scenario carries (at least one each).
    """
    from hypothesis import strategies as st

    weighted = (
        ["claim"] * 6
        + ["complete_ok"] * 5
        + ["complete_error"] * 2
        + ["complete_and_claim"] * 2
        + ["heartbeat"] * 2
        + ["pause"] * 2
        + ["cleanup"] * 2
        + ["crash", "observe", "enqueue"]
    )

    @st.composite
    def step(draw: Any, lease: int) -> Step:
        kind = draw(st.sampled_from(weighted))
        if kind == "pause":
            return Step(kind, draw(st.integers(1, lease)))
        if kind == "enqueue":
            return Step(kind, draw(st.integers(1, 3)))
        if kind == "complete_and_claim":
            # 1: through the batch function (what pgdrift worker --concurrency N sends)
            return Step(kind, draw(st.integers(0, 1)))
        return Step(kind)

    @st.composite
    def scenario(draw: Any) -> Scenario:
        lease = draw(st.sampled_from([20, 45, 90]))
        jobs = draw(
            st.lists(
                st.builds(
                    JobSpec,
                    st.integers(1, 4),
                    st.integers(1, 3),
                    st.booleans() if faults else st.just(False),
                ),
                min_size=min_jobs,
                max_size=max_jobs,
            )
        )
        n = draw(st.integers(min_workers, max_workers))
        programs = tuple(
            tuple(draw(st.lists(step(lease), min_size=1, max_size=max_steps))) for _ in range(n)
        )
        chosen: list[Fault] = []
        kinds = list(STEP_FAULTS) + ["kill_listener"] + (["restart"] if restart else [])
        drawn = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=6)) if faults else []
        for kind in list(require) + drawn:
            if kind in ("kill_listener", "restart"):
                chosen.append(Fault(kind, arg=draw(st.integers(0, 60))))
                continue
            w = draw(st.integers(0, n - 1))
            # armed at this step, the fault fires on the first step it applies to
            at = draw(st.integers(0, len(programs[w]) // 2))
            arg = 0
            if kind == "skew":
                arg = draw(st.integers(-lease, 3 * lease))
            elif kind in ("statement_timeout", "lock_timeout"):
                arg = draw(st.integers(1, 5))
            elif kind == "idle_in_txn":
                arg = draw(st.integers(1, lease))
            chosen.append(Fault(kind, w, at, arg))
        return Scenario(tuple(jobs), programs, tuple(chosen), lease_seconds=lease)

    return scenario()


# --- running a scenario --------------------------------------------------------------------


class Clock:
    """The queue clock of a run: :data:`T0` plus the wall time since start, times SCALE."""

    def __init__(self, scale: float = SCALE) -> None:
        self.scale = scale
        self.start = time.perf_counter()
        self._lock = threading.Lock()
        self.latest = T0

    def now(self, skew: float = 0.0) -> datetime:
        t = T0 + timedelta(seconds=(time.perf_counter() - self.start) * self.scale + skew)
        with self._lock:
            self.latest = max(self.latest, t)
        return t

    def seen(self, t: datetime) -> None:
        with self._lock:
            self.latest = max(self.latest, t)


@dataclass
class RunResult:
    scenario: Scenario
    history: History
    state: ServerState
    faults: FaultLog
    seconds: float
    errors: list[str] = field(default_factory=list)


def _sqlstate(exc: BaseException) -> str | None:
    diag = getattr(exc, "diag", None)
    return getattr(diag, "sqlstate", None) if diag is not None else None


def _outcome_type(exc: BaseException, conn: psycopg.Connection[Any]) -> str:
    """FAIL when the server rejected the statement (it was rolled back); INFO when the
    connection died and the outcome is unknown."""
    state = _sqlstate(exc)
    if conn.closed or conn.broken or state is None or state.startswith(("57P", "08")):
        return INFO
    return FAIL


def _short_error(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__


_CLAIM = (
    "SELECT txid_current() AS txid, c.* FROM (SELECT 1) AS one"
    " LEFT JOIN claim_next_chunk_job_safe(%s, %s, %s) AS c ON true"
)
_COMPLETE = (
    "SELECT r.*, txid_current() AS txid FROM complete_chunk_job_safe("
    "p_chunk_id => %s, p_lease_token => %s, p_success => %s, p_processing_time_ms => %s,"
    " p_error_message => %s, p_now => %s, p_backoff_base_ms => %s, p_backoff_max_ms => %s) AS r"
)
_COMPLETE_AND_CLAIM = (
    "SELECT r.*, txid_current() AS txid FROM complete_and_claim_next_chunk_safe("
    "p_chunk_id => %s, p_lease_token => %s, p_success => true, p_worker_id => %s,"
    " p_lease_seconds => %s, p_now => %s, p_backoff_base_ms => %s, p_backoff_max_ms => %s) AS r"
)
_COMPLETE_AND_CLAIM_BATCH = (
    "SELECT r.outcome, r.chunk_status, r.sync_job_status, r.attempt, r.retry_at, r.outbox_id,"
    " r.next_chunk_id, r.next_sync_job_id, r.next_chunk_index, r.next_estimated_emails,"
    " r.next_queue_id, r.next_lease_token, r.next_attempt, r.next_max_attempts,"
    " r.next_lease_expires_at, r.next_account_id, txid_current() AS txid"
    " FROM complete_and_claim_next_chunks_safe("
    "p_chunk_ids => ARRAY[%s]::bigint[], p_lease_tokens => ARRAY[%s]::uuid[],"
    " p_success => ARRAY[true], p_worker_ids => ARRAY[%s]::text[],"
    " p_processing_time_ms => ARRAY[NULL]::integer[], p_error_messages => ARRAY[NULL]::text[],"
    " p_lease_seconds => ARRAY[%s]::integer[], p_now => %s, p_backoff_base_ms => %s,"
    " p_backoff_max_ms => %s) AS r"
)
_HEARTBEAT = "SELECT heartbeat_chunk_job_safe(%s, %s, %s, %s) AS expires, txid_current() AS txid"
_CLEANUP = "SELECT cleanup_stuck_chunks(%s) AS reclaimed, txid_current() AS txid"


def _claim_shape(rows: list[dict[str, Any]]) -> dict[str, Any]:
    row = rows[0] if rows else {}
    if row.get("chunk_id") is None:
        return {"chunk_id": None, "txid": row.get("txid")}
    return {**row, "token": row["lease_token"], "expires": row["lease_expires_at"]}


def chained_claim_shape(row: dict[str, Any]) -> dict[str, Any]:
    """The claim half of a complete-and-claim row (its ``next_*`` columns), shaped as a
    claim's answer is."""
    nxt = {k[5:]: v for k, v in row.items() if k.startswith("next_")}
    return _claim_shape([{**nxt, "txid": row.get("txid")}])


class Session:
    """One worker's connection, the history it writes to, and the operations it can do."""

    def __init__(self, name: str, dsn: str, history: History, clock: Clock, skew: float = 0.0):
        self.name = name
        self.dsn = dsn
        self.h = history
        self.clock = clock
        self.skew = skew
        self.conn = connect_retry(dsn)
        self.pid: int | None = self.conn.info.backend_pid
        self.in_txn = False
        self.txn_began = 0
        self.last_outcome = OK  # ok / fail / info of the latest call()
        self.last_entry: Any = None  # the completion entry of the latest successful call()

    def now(self) -> datetime:
        return self.clock.now(self.skew)

    def reconnect(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
        self.conn = connect_retry(self.dsn)
        self.pid = self.conn.info.backend_pid
        self.in_txn = False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()

    def call(
        self,
        f: str,
        value: dict[str, Any],
        sql: str,
        params: tuple[Any, ...] = (),
        *,
        now: datetime | None = None,
        shape: Any = None,
        retry_of: int | None = None,
    ) -> dict[str, Any] | None:
        """Run one statement as operation ``f``; record invoke and ok / fail / info.
        Returns the row (or ``shape(rows)``) on ok, None otherwise. Deadlocks are retried
        once, and both attempts are in the history."""
        value = {**value, "in_txn": self.in_txn or None}
        if self.in_txn:
            value["txn_began"] = self.txn_began
        if retry_of is not None:
            value["retry_of"] = retry_of
        idx = self.h.invoke(self.name, f, value, pid=self.pid, vnow=now)
        try:
            with self.conn.cursor(row_factory=dict_row) as cur:
                cur.execute(sql, params)
                rows = cur.fetchall() if cur.description else []
        except psycopg.Error as exc:
            kind = _outcome_type(exc, self.conn)
            state = _sqlstate(exc)
            self.h.complete(idx, kind, {"error": _short_error(exc), "sqlstate": state})
            self.last_outcome = kind
            if kind == INFO:
                self.reconnect()
            elif self.in_txn:
                self.rollback_quietly()
            if state == "40P01" and retry_of is None:
                return self.call(f, value, sql, params, now=now, shape=shape, retry_of=idx)
            return None
        result = shape(rows) if shape else (rows[0] if rows else {})
        self.last_entry = self.h.complete(idx, OK, result)
        self.last_outcome = OK
        return result

    def begin(self, isolation: str = "") -> bool:
        try:
            self.conn.execute(f"BEGIN {isolation}".strip())
            self.in_txn = True
            self.txn_began = len(self.h.entries)  # where this transaction started
            return True
        except psycopg.Error:
            self.reconnect()
            return False

    def rollback_quietly(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except psycopg.Error:
            self.reconnect()
        self.in_txn = False

    def finish(self, commit: bool, txid: int | None) -> str:
        """COMMIT (or ROLLBACK) as a recorded operation; returns ok / fail / info."""
        f = "commit" if commit else "rollback"
        idx = self.h.invoke(self.name, f, {"txid": txid, "txn_began": self.txn_began}, pid=self.pid)
        try:
            self.conn.execute("COMMIT" if commit else "ROLLBACK")
            self.in_txn = False
            self.h.complete(idx, OK)
            return OK
        except psycopg.Error as exc:
            kind = _outcome_type(exc, self.conn)
            self.h.complete(idx, kind, {"error": _short_error(exc), "sqlstate": _sqlstate(exc)})
            if kind == INFO:
                self.reconnect()
            else:
                self.rollback_quietly()
            self.in_txn = False
            return kind

    # --- the queue's operations ----------------------------------------------------------

    def claim(self, lease: int, now: datetime | None = None) -> dict[str, Any] | None:
        now = now or self.now()
        row = self.call(
            "claim", {"now": now}, _CLAIM, (self.name, lease, now), now=now, shape=_claim_shape
        )
        if row is None:
            return None
        return row

    def complete(
        self, held: dict[str, Any], success: bool, now: datetime | None = None
    ) -> dict[str, Any] | None:
        now = now or self.now()
        value = {
            "chunk_id": held["chunk_id"],
            "token": held["lease_token"],
            "success": success,
            "now": now,
        }
        params = (
            held["chunk_id"],
            held["lease_token"],
            success,
            None,
            None if success else "scenario error",
            now,
            BACKOFF_BASE_MS,
            BACKOFF_MAX_MS,
        )
        return self.call("complete", value, _COMPLETE, params, now=now)

    def complete_and_claim(
        self,
        held: dict[str, Any],
        lease: int,
        now: datetime | None = None,
        batch: bool = False,
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """``complete_and_claim_next_chunk_safe`` (``batch``: a one-item
        ``complete_and_claim_next_chunks_safe``): report success and lease the next chunk
        in one statement; recorded as a completion and a claim of the same transaction."""
        now = now or self.now()
        value = {
            "chunk_id": held["chunk_id"],
            "token": held["lease_token"],
            "success": True,
            "now": now,
        }
        params = (
            held["chunk_id"],
            held["lease_token"],
            self.name,
            lease,
            now,
            BACKOFF_BASE_MS,
            BACKOFF_MAX_MS,
        )
        done = self.call(
            "complete",
            {**value, "chained": True, **({"batch": True} if batch else {})},
            _COMPLETE_AND_CLAIM_BATCH if batch else _COMPLETE_AND_CLAIM,
            params,
            now=now,
        )
        outcome = self.last_outcome  # this session's, not another thread's latest entry
        claim_idx = self.h.invoke(
            self.name, "claim", {"now": now, "chained": True}, pid=self.pid, vnow=now
        )
        if done is None:  # the claim shares the completion's fate
            self.h.complete(claim_idx, outcome, {"error": "the chained call did not succeed"})
            return None, None
        nxt = chained_claim_shape(done)
        self.h.complete(claim_idx, OK, nxt)
        return done, nxt if nxt.get("chunk_id") else None

    def heartbeat(self, held: dict[str, Any], lease: int) -> dict[str, Any] | None:
        now = self.now()
        value = {
            "chunk_id": held["chunk_id"],
            "token": held["lease_token"],
            "now": now,
            "lease": lease,
        }
        return self.call(
            "heartbeat",
            value,
            _HEARTBEAT,
            (held["chunk_id"], held["lease_token"], lease, now),
            now=now,
        )

    def cleanup(self, now: datetime | None = None) -> dict[str, Any] | None:
        now = now or self.now()
        return self.call("cleanup", {"now": now}, _CLEANUP, (now,), now=now)

    def create(
        self, chunks: int, max_attempts: int, rollback: bool, now: datetime | None = None
    ) -> dict[str, Any] | None:
        """A sync job and its chunks in one transaction, committed or rolled back."""
        now = now or self.now()
        if not self.begin():
            return None
        try:
            self.conn.execute("SELECT set_config('chunkq.now', %s, true)", (now.isoformat(),))
        except psycopg.Error:
            self.reconnect()
            return None
        row = self.call(
            "create",
            {"chunks": chunks, "max_attempts": max_attempts, "rollback": rollback or None},
            "WITH j AS (INSERT INTO sync_jobs (account_id, max_attempts) VALUES (%s, %s) RETURNING id),"
            " c AS (INSERT INTO chunked_sync_jobs (sync_job_id, chunk_index, estimated_emails)"
            " SELECT j.id, i, 10 * i FROM j, generate_series(0, %s - 1) AS i RETURNING id, sync_job_id)"
            " SELECT (SELECT id FROM j) AS sync_job_id, array_agg(c.id ORDER BY c.id) AS chunk_ids,"
            " txid_current() AS txid FROM c",
            (f"acct-{self.name}", max_attempts, chunks),
            now=now,
        )
        if row is None:
            if self.in_txn:
                self.rollback_quietly()
            return None
        self.finish(not rollback, row.get("txid"))
        return row

    def observe(self) -> dict[str, Any] | None:
        """The status view and the queue rows it summarises, in one REPEATABLE READ snapshot."""
        now = self.now()
        if not self.begin("ISOLATION LEVEL REPEATABLE READ"):
            return None
        try:
            with self.conn.cursor(row_factory=dict_row) as cur:
                cur.execute("SELECT set_config('chunkq.now', %s, true)", (now.isoformat(),))
                view = cur.execute(
                    "SELECT * FROM chunk_processing_status ORDER BY sync_job_id"
                ).fetchall()
                counts: dict[int, dict[str, int]] = {}
                for r in cur.execute(
                    "SELECT sync_job_id, status, count(*) AS n FROM chunk_processing_queue GROUP BY 1, 2"
                ).fetchall():
                    counts.setdefault(r["sync_job_id"], {})[r["status"]] = r["n"]
                jobs = {
                    r["id"]: r["completed_chunks"]
                    for r in cur.execute("SELECT id, completed_chunks FROM sync_jobs").fetchall()
                }
            self.conn.execute("COMMIT")
            self.in_txn = False
        except psycopg.Error:
            self.reconnect()
            return None
        keep = (
            "sync_job_id", "total_chunks", "pending_chunks", "processing_chunks", "completed_chunks",
            "failed_chunks", "cancelled_chunks", "progress_pct",
        )  # fmt: skip
        idx = self.h.invoke(self.name, "observe", {}, pid=self.pid, vnow=now)
        value = {"view": [{k: r[k] for k in keep} for r in view], "counts": counts, "jobs": jobs}
        self.h.complete(idx, OK, value)
        return value


def __getattr__(name: str) -> Any:
    """``run_scenario`` lives in :mod:`pgdrift.harness.scenario_run` (imported lazily:
    that module builds on this one)."""
    if name in ("run_scenario", "drain"):
        from pgdrift.harness import scenario_run

        return getattr(scenario_run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SCALE",
    "T0",
    "Clock",
    "Fault",
    "JobSpec",
    "RunResult",
    "Scenario",
    "Session",
    "Step",
    "scenarios",
]
