"""Deterministic interleavings of queue steps, in the spirit of Postgres's isolation tester.

A :class:`Program` is a few sessions, each a list of :class:`IStep` (BEGIN, a claim, a
completion, a heartbeat, a cleanup, COMMIT / ROLLBACK, each at an explicit queue time),
and one *permutation*: the order in which the steps are issued. :func:`run_program` runs
each session on its own connection; after issuing a step it waits until the step is done
or its backend is waiting on a lock (``pg_blocking_pids``), in which case the step is
reported blocked and the next step of the permutation is issued -- exactly the isolation
tester's rule, so the same program always produces the same interleaving. Every step is
plain SQL (a session keeps what it claimed in the settings ``held.*``), so a program prints
as an isolation-tester spec (:meth:`Program.to_spec`) and replays with :func:`replay`.

:func:`programs` draws programs with hypothesis: sessions' steps and the permutation,
which shrinks to the smallest interleaving that breaks a property.
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

from pgdrift.harness.faults import connect_retry
from pgdrift.harness.history import FAIL, INFO, OK, History, ServerState, fetch_server_state
from pgdrift.harness.scenario import T0, Clock, Session, chained_claim_shape

ACTIONS = (
    "begin",
    "claim",
    "complete_ok",
    "complete_error",
    "complete_batch",
    "complete_claim_batch",
    "heartbeat",
    "cleanup",
    "commit",
    "rollback",
)
LEASE = 60
BLOCK_TIMEOUT = 5.0

# What a session holds lives in two custom settings (transactional, like a table row:
# a rolled-back claim is forgotten), so every step is plain SQL.
_HELD = "SET deadlock_timeout = '50ms'"
_LATEST = (
    "(SELECT current_setting('held.chunk_id')::bigint AS chunk_id,"
    " current_setting('held.lease_token')::uuid AS lease_token"
    " WHERE coalesce(current_setting('held.chunk_id', true), '') <> '') AS h"
)


def _ts(at: int) -> str:
    return (T0 + timedelta(seconds=at)).isoformat()


@dataclass(frozen=True)
class IStep:
    """One step: ``action`` on session ``session`` at queue time T0 + ``at`` seconds."""

    session: int
    action: str
    at: int = 0

    @property
    def name(self) -> str:
        return f"s{self.session + 1}"

    def sql(self) -> str:
        me, ts = self.name, _ts(self.at)
        if self.action in ("begin", "commit", "rollback"):
            return self.action.upper()
        if self.action == "claim":
            return (
                "SELECT c.chunk_id, c.lease_token, c.attempt, c.lease_expires_at,"
                " txid_current() AS txid,"
                " set_config('held.chunk_id', c.chunk_id::text, false) AS held_chunk,"
                " set_config('held.lease_token', c.lease_token::text, false) AS held_token"
                f" FROM claim_next_chunk_job_safe('{me}', {LEASE}, '{ts}') AS c"
            )
        if self.action in ("complete_ok", "complete_error"):
            ok = "true" if self.action == "complete_ok" else "false"
            err = "NULL" if ok == "true" else "'step error'"
            return (
                "SELECT r.outcome, h.chunk_id, h.lease_token, txid_current() AS txid"
                f" FROM {_LATEST} CROSS JOIN LATERAL complete_chunk_job_safe(p_chunk_id => h.chunk_id,"
                f" p_lease_token => h.lease_token, p_success => {ok}, p_error_message => {err},"
                f" p_now => '{ts}', p_backoff_base_ms => 1000, p_backoff_max_ms => 8000) AS r"
            )
        if self.action == "complete_batch":  # a success sent as a one-item batch, no claim
            return (
                "SELECT r.outcome, h.chunk_id, h.lease_token, txid_current() AS txid"
                f" FROM {_LATEST} CROSS JOIN LATERAL complete_and_claim_next_chunks_safe("
                "ARRAY[h.chunk_id], ARRAY[h.lease_token], ARRAY[true], ARRAY[NULL]::text[],"
                " ARRAY[NULL]::integer[], ARRAY[NULL]::text[], ARRAY[60],"
                f" '{ts}', 1000, 8000) AS r"
            )
        if self.action == "complete_claim_batch":  # a one-item batch that also claims next
            return (
                "SELECT r.outcome, h.chunk_id, h.lease_token, txid_current() AS txid,"
                " r.next_chunk_id, r.next_lease_token, r.next_attempt,"
                " r.next_lease_expires_at,"
                " set_config('held.chunk_id', coalesce(r.next_chunk_id::text, ''), false)"
                " AS held_chunk,"
                " set_config('held.lease_token', coalesce(r.next_lease_token::text, ''), false)"
                " AS held_token"
                f" FROM {_LATEST} CROSS JOIN LATERAL complete_and_claim_next_chunks_safe("
                f"ARRAY[h.chunk_id], ARRAY[h.lease_token], ARRAY[true], ARRAY['{me}'],"
                f" ARRAY[NULL]::integer[], ARRAY[NULL]::text[], ARRAY[{LEASE}],"
                f" '{ts}', 1000, 8000) AS r"
            )
        if self.action == "heartbeat":
            return (
                "SELECT h.chunk_id, h.lease_token, heartbeat_chunk_job_safe(h.chunk_id,"
                f" h.lease_token, {LEASE}, '{ts}') AS expires, txid_current() AS txid FROM {_LATEST}"
            )
        if self.action == "cleanup":
            return f"SELECT cleanup_stuck_chunks('{ts}') AS reclaimed, txid_current() AS txid"
        raise ValueError(f"unknown step action {self.action!r}")

    def label(self, index: int) -> str:
        return f"{self.name}_{index}_{self.action}_t{self.at}"


@dataclass(frozen=True)
class Program:
    """Sessions' steps (in ``order``, the permutation) over sync jobs of ``jobs`` chunks."""

    jobs: tuple[tuple[int, int], ...]  # (chunks, max_attempts) per sync job
    order: tuple[IStep, ...]

    @property
    def sessions(self) -> int:
        return 1 + max((s.session for s in self.order), default=0)

    def setup_sql(self) -> str:
        ts = _ts(-1)
        parts = [f"SELECT set_config('chunkq.now', '{ts}', false)"]
        for i, (chunks, attempts) in enumerate(self.jobs):
            parts.append(
                "WITH j AS (INSERT INTO sync_jobs (account_id, max_attempts)"
                f" VALUES ('acct{i}', {attempts}) RETURNING id)"
                " INSERT INTO chunked_sync_jobs (sync_job_id, chunk_index, estimated_emails)"
                f" SELECT j.id, i, 10 FROM j, generate_series(0, {chunks - 1}) AS i"
            )
        parts.append("SELECT set_config('chunkq.now', '', false)")
        return ";\n".join(parts)

    def labels(self) -> list[str]:
        count: dict[int, int] = {}
        out = []
        for st in self.order:
            count[st.session] = count.get(st.session, 0) + 1
            out.append(st.label(count[st.session]))
        return out

    def to_spec(self) -> str:
        """The program as an isolation-tester spec (``pg_isolation_regress`` runs it, and
        :func:`replay` parses it back)."""
        lines = ["setup", "{", "  " + self.setup_sql().replace("\n", "\n  ") + ";", "}", ""]
        labels = self.labels()
        for s in range(self.sessions):
            lines += [f'session "s{s + 1}"', f"setup {{ {_HELD}; }}"]
            for st, lab in zip(self.order, labels, strict=True):
                if st.session == s:
                    lines.append(f'step "{lab}" {{ {st.sql()}; }}')
            lines.append("")
        lines.append("permutation " + " ".join(f'"{lab}"' for lab in labels))
        return "\n".join(lines)

    def describe(self) -> str:
        jobs = ", ".join(f"{c} chunks (max_attempts {a})" for c, a in self.jobs)
        return f"interleaving of {self.sessions} sessions over {jobs}:\n  " + "\n  ".join(
            self.labels()
        )


# Known-dangerous interleavings, run as a fixed corpus (like Postgres's isolation specs)
# before random ones: each is a race a production queue has lost before.
KNOWN_RACES: dict[str, Program] = {
    # a zombie completes after its lease was reclaimed and handed on (River #1302)
    "rescued-zombie-completes": Program(
        ((2, 3),),
        (
            IStep(0, "claim", 0),
            IStep(2, "cleanup", 61),
            IStep(1, "claim", 61),
            IStep(0, "complete_ok", 62),
            IStep(1, "complete_ok", 63),
        ),
    ),
    # the same zombie, reporting through the batch function's set-based path
    "rescued-zombie-completes-in-a-batch": Program(
        ((2, 3),),
        (
            IStep(0, "claim", 0),
            IStep(2, "cleanup", 61),
            IStep(1, "claim", 61),
            IStep(0, "complete_batch", 62),
            IStep(1, "complete_batch", 63),
        ),
    ),
    # a batch's claim races a claim that is still uncommitted on another sync job
    "batch-claim-during-open-claim": Program(
        ((1, 3), (2, 3)),
        (
            IStep(1, "claim", 0),
            IStep(0, "begin", 0),
            IStep(0, "claim", 0),
            IStep(1, "complete_claim_batch", 1),
            IStep(0, "commit", 1),
            IStep(0, "complete_ok", 2),
            IStep(1, "complete_ok", 2),
        ),
    ),
    # two claimers race for one sync job while the first claim is uncommitted
    "claim-during-open-claim": Program(
        ((2, 3),),
        (
            IStep(0, "begin", 0),
            IStep(0, "claim", 0),
            IStep(1, "claim", 0),
            IStep(0, "commit", 0),
            IStep(1, "complete_ok", 1),
            IStep(0, "complete_ok", 1),
        ),
    ),
    # cleanup runs while a live lease is held; the lease then expires and is reclaimed
    "cleanup-around-a-live-lease": Program(
        ((1, 2), (1, 1)),
        (
            IStep(0, "claim", 0),
            IStep(1, "cleanup", 30),
            IStep(0, "complete_error", 31),
            IStep(1, "claim", 70),
            IStep(2, "cleanup", 131),
            IStep(1, "claim", 131),
        ),
    ),
}


def programs(max_sessions: int = 3, max_units: int = 3) -> Any:
    """A hypothesis strategy of programs.

    Each session does a few units -- an operation alone (autocommit) or wrapped in
    BEGIN ... COMMIT/ROLLBACK, so other sessions' steps can land inside the window -- and
    the permutation picks which session issues the next step. The queue clock moves
    forward along the permutation by drawn amounts (0 s, 1 s, 30 s or past the 60 s
    lease), so leases expire between steps as they would in production.
    """
    from hypothesis import strategies as st

    ops = (
        ["claim"] * 3
        + ["complete_ok"] * 2
        + [
            "complete_batch",
            "complete_claim_batch",
            "complete_error",
            "heartbeat",
            "cleanup",
        ]
    )

    @st.composite
    def program(draw: Any) -> Program:
        jobs = tuple(
            draw(st.lists(st.tuples(st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=2))
        )
        n = draw(st.integers(2, max_sessions))
        remaining: dict[int, list[str]] = {}
        for s in range(n):
            actions: list[str] = []
            for op in draw(st.lists(st.sampled_from(ops), min_size=1, max_size=max_units)):
                wrap = draw(st.sampled_from(["", "", "commit", "rollback"]))
                actions += ["begin", op, wrap] if wrap else [op]
            remaining[s] = actions
        order: list[IStep] = []
        now = 0
        while any(remaining.values()):
            live = [s for s, steps in remaining.items() if steps]
            s = draw(st.sampled_from(live))
            now += draw(st.sampled_from([0, 0, 1, 30, 61]))
            order.append(IStep(s, remaining[s].pop(0), now))
        return Program(jobs, tuple(order))

    return program()


# --- running -------------------------------------------------------------------------------


class _SessionThread:
    """One session: a connection and a thread executing its steps in order."""

    def __init__(self, index: int, dsn: str, history: History):
        self.name = f"s{index + 1}"
        self.h = history
        self.conn = connect_retry(dsn)
        self.conn.execute(_HELD)
        self.pid = self.conn.info.backend_pid
        self.jobs: queue.Queue[tuple[IStep, str, threading.Event] | None] = queue.Queue()
        self._pending = 0
        self.last: Any = None  # the completion entry of the latest step
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._loop, name=f"pgdrift-{self.name}", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            item = self.jobs.get()
            if item is None:
                return
            step, label, done = item
            self._run(step, label)
            with self._lock:
                self._pending -= 1
            done.set()

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._pending > 0

    def submit(self, step: IStep, label: str) -> threading.Event:
        done = threading.Event()
        with self._lock:
            self._pending += 1
        self.jobs.put((step, label, done))
        return done

    def _run(self, step: IStep, label: str) -> None:
        f = step.action
        if f.startswith("complete"):
            f = "complete"
        now = T0 + timedelta(seconds=step.at)
        in_txn = self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
        idx = self.h.invoke(
            self.name,
            f,
            {"step": label, "now": now, "in_txn": in_txn or None},
            pid=self.pid,
            vnow=now,
        )
        try:
            with self.conn.cursor(row_factory=dict_row) as cur:
                cur.execute(step.sql())
                rows = cur.fetchall() if cur.description else []
        except psycopg.Error as exc:
            broken = self.conn.closed or self.conn.broken
            state = getattr(getattr(exc, "diag", None), "sqlstate", None)
            outcome = INFO if broken else FAIL
            error = {"error": str(exc).splitlines()[0][:100], "sqlstate": state}
            self.h.complete(idx, outcome, error)
            if step.action == "complete_claim_batch":  # the claim shares the statement's fate
                claim = self.h.invoke(
                    self.name, "claim", {"step": label, "now": now}, pid=self.pid, vnow=now
                )
                self.h.complete(claim, outcome, error)
            return
        self.last = self.h.complete(idx, OK, _shape(step, rows))
        if step.action == "complete_claim_batch" and rows:
            claim = self.h.invoke(
                self.name,
                "claim",
                {"step": label, "now": now, "chained": True},
                pid=self.pid,
                vnow=now,
            )
            self.h.complete(claim, OK, chained_claim_shape(rows[0]))

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join(10)
        with contextlib.suppress(Exception):
            self.conn.close()


def _shape(step: IStep, rows: list[dict[str, Any]]) -> dict[str, Any]:
    row = rows[0] if rows else {}
    if step.action == "claim":
        if not row:
            return {"chunk_id": None}
        return {**row, "token": row["lease_token"], "expires": row["lease_expires_at"]}
    if step.action.startswith("complete") or step.action == "heartbeat":
        if not row:
            return {"skipped": "nothing held"}
        return {**row, "token": row.get("lease_token"), "lease": LEASE}
    return dict(row)


def _note_due(
    monitor: psycopg.Connection[Any],
    sess: _SessionThread,
    sessions: list[_SessionThread],
    step: IStep,
) -> None:
    """After a claim that found nothing while no session holds a transaction open (so no
    row is locked), record how many sync jobs had a due chunk: the ``progress`` property
    requires none."""
    entry = sess.last
    if entry is None or entry.value.get("step") is None or entry.value.get("chunk_id"):
        return
    if entry.value.get("in_txn") or any(s.busy for s in sessions):
        return
    if any(s.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE for s in sessions):
        return
    row = monitor.execute(
        "SELECT count(*) FROM sync_jobs WHERE status IN ('pending', 'running')"
        " AND active_queue_id IS NULL AND next_run_at <= %s",
        (T0 + timedelta(seconds=step.at),),
    ).fetchone()
    entry.value["due"] = int(row[0]) if row else 0


def _blocked(monitor: psycopg.Connection[Any], pid: int) -> bool:
    row = monitor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", (pid,)).fetchone()
    return bool(row and row[0])


@dataclass
class ProgramResult:
    program: Program
    history: History
    state: ServerState
    blocked: list[str]


def run_program(program: Program, dsn: str) -> ProgramResult:
    """Run ``program`` against a database holding the queue (and nothing else), then
    commit what is open, drain, and read the server's state."""
    from pgdrift.harness.scenario_run import drain

    history = History()
    setup = Session("setup", dsn, history, Clock())
    try:  # the same rows as the spec's setup block, recorded as create operations
        for chunks, attempts in program.jobs:
            setup.create(chunks, attempts, False, T0 - timedelta(seconds=1))
    finally:
        setup.close()
    sessions = [_SessionThread(i, dsn, history) for i in range(program.sessions)]
    monitor = connect_retry(dsn)
    blocked: list[str] = []
    try:
        for step, label in zip(program.order, program.labels(), strict=True):
            sess = sessions[step.session]
            done = sess.submit(step, label)
            deadline = time.monotonic() + BLOCK_TIMEOUT
            while not done.wait(0.0005):
                if _blocked(monitor, sess.pid):
                    blocked.append(label)
                    break
                if time.monotonic() > deadline:
                    blocked.append(label + " (slow)")
                    break
            if done.is_set() and step.action == "claim":
                _note_due(monitor, sess, sessions, step)
        for sess in sessions:  # end every open transaction, as the sessions' teardown
            sess.submit(IStep(0, "commit"), "teardown").wait(0)
        for sess in sessions:
            deadline = time.monotonic() + 30
            while sess.busy and time.monotonic() < deadline:
                time.sleep(0.001)
    finally:
        for sess in sessions:
            sess.close()
        monitor.close()
    latest = max([s.at for s in program.order] + [0])
    clock = Clock()
    drain(dsn, history, clock, T0 + timedelta(seconds=latest + 1), LEASE, 10)
    txids = [e.value["txid"] for e in history.entries if isinstance(e.value.get("txid"), int)]
    with connect_retry(dsn) as conn:
        state = fetch_server_state(conn, txids)
    state.listener_gapless = False  # no listener in this mode
    return ProgramResult(program, history, state, blocked)


# --- replaying a printed spec --------------------------------------------------------------

_STEP_RE = re.compile(r'^step "(?P<label>[^"]+)" \{ (?P<sql>.*); \}$')
_LABEL_RE = re.compile(r"^s(?P<session>\d+)_\d+_(?P<action>[a-z_]+?)(?:_t(?P<at>-?\d+))?$")


def parse_spec(spec: str) -> Program:
    """The :class:`Program` a :meth:`Program.to_spec` text describes."""
    jobs: list[tuple[int, int]] = []
    for m in re.finditer(r"VALUES \('acct\d+', (\d+)\).*?generate_series\(0, (\d+)\)", spec, re.S):
        jobs.append((int(m.group(2)) + 1, int(m.group(1))))
    perm = next((ln for ln in spec.splitlines() if ln.startswith("permutation ")), "")
    order = []
    for label in re.findall(r'"([^"]+)"', perm):
        lm = _LABEL_RE.match(label)
        if lm is None:
            raise ValueError(f"cannot read step label {label!r}")
        order.append(
            IStep(int(lm.group("session")) - 1, lm.group("action"), int(lm.group("at") or 0))
        )
    return Program(tuple(jobs), tuple(order))


def replay(spec: str | Program, dsn: str) -> ProgramResult:
    """Run a printed program (its spec text, or the :class:`Program`) again."""
    program = parse_spec(spec) if isinstance(spec, str) else spec
    return run_program(program, dsn)
