"""Playing a :class:`~pgdrift.harness.scenario.Scenario`: workers, timed faults, drain.

Imported by (and re-exported from) :mod:`pgdrift.harness.scenario`; see there.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import psycopg

from pgdrift.harness.faults import (
    FaultLog,
    Killer,
    Listener,
    connect_retry,
    run_timed,
    set_session_timeout,
)
from pgdrift.harness.history import FAIL, OK, History, fetch_server_state
from pgdrift.harness.scenario import (
    T0,
    Clock,
    Fault,
    RunResult,
    Scenario,
    Session,
    Step,
)

DRAIN_ROUNDS = 400


class _Env:
    """What the worker threads share."""

    def __init__(self, scenario: Scenario, dsn: str, history: History, clock: Clock):
        self.scenario = scenario
        self.dsn = dsn
        self.h = history
        self.clock = clock
        self.killer = Killer(dsn)
        self.log = FaultLog()
        self.errors: list[str] = []
        self.janitor_lock = threading.Lock()
        self._janitor: Session | None = None

    def janitor(self) -> Session:
        """A shared session for cleanups the faults ask for (the zombie's reclaimer)."""
        if self._janitor is None:
            self._janitor = Session("janitor", self.dsn, self.h, self.clock)
        return self._janitor


class _Worker:
    def __init__(self, env: _Env, index: int, program: tuple[Step, ...], faults: list[Fault]):
        self.env = env
        self.index = index
        self.program = program
        self.generation = 0
        self.at: dict[int, list[Fault]] = {}
        skew = 0.0
        for f in faults:
            if f.kind == "skew":
                skew = float(f.arg)
            else:
                self.at.setdefault(f.step, []).append(f)
        self.skew = skew
        self.s: Session = None  # type: ignore[assignment]  # connected in run()
        self.held: dict[str, Any] | None = None
        self.timeouts: list[Fault] = []
        self.rng = random.Random(index)

    @property
    def lease(self) -> int:
        return self.env.scenario.lease_seconds

    def run(self, barrier: threading.Barrier) -> None:
        try:
            try:  # connect in parallel with the other workers, then wait for all
                self.s = Session(
                    f"w{self.index}", self.env.dsn, self.env.h, self.env.clock, self.skew
                )
            except Exception:
                barrier.abort()
                raise
            if self.skew:
                self.env.log.add("skew")
            barrier.wait(30)
            armed: dict[str, Fault] = {}  # a fault fires on the first step it applies to
            for i, step in enumerate(self.program):
                for f in self.at.get(i, ()):
                    armed[f.kind] = f
                for kind in ("statement_timeout", "lock_timeout"):
                    if kind in armed:
                        self._timeout(armed.pop(kind))
                if "kill_mid_work" in armed and self.held is not None:
                    armed.pop("kill_mid_work")
                    self.env.killer.terminate(self.s.pid)
                    self.env.log.add("kill_mid_work")
                    self._reconnect()
                if "zombie" in armed and step.kind != "pause":
                    self._zombie(armed.pop("zombie"))
                for kind in ("kill_in_commit", "rollback_complete"):
                    # these fire on a completion: hold a chunk (claim one) and complete it
                    if kind in armed and step.kind != "pause" and self._hold():
                        self._complete(step.kind != "complete_error", {kind: armed.pop(kind)})
                self._step(step, armed)
            if self.s.in_txn:
                self.s.finish(True, None)
        except Exception as exc:  # a runner bug must surface, not hang the run
            self.env.errors.append(f"w{self.index}: {type(exc).__name__}: {exc}")
        finally:
            if self.s is not None:
                self.s.close()

    def _timeout(self, fault: Fault) -> None:
        self.timeouts.append(fault)
        with contextlib.suppress(psycopg.Error):
            set_session_timeout(self.s.conn, fault.kind, fault.arg)
            self.env.log.add(fault.kind)

    def _reapply_timeouts(self) -> None:
        for f in self.timeouts:
            with contextlib.suppress(psycopg.Error):
                set_session_timeout(self.s.conn, f.kind, f.arg)

    def _reconnect(self) -> None:
        self.s.reconnect()
        self._reapply_timeouts()

    def _step(self, step: Step, faults: dict[str, Fault]) -> None:
        kind = step.kind
        if kind == "pause":
            time.sleep(step.arg / self.env.clock.scale)
        elif kind == "claim":
            if self.held is None:
                self._claim(faults)
        elif kind == "heartbeat":
            if self.held is not None:
                row = self.s.heartbeat(self.held, self.lease)
                if row is not None and row.get("expires") is None:
                    self.held = None  # the lease is gone: stop working on it
        elif kind in ("complete_ok", "complete_error"):
            if self.held is not None:
                self._complete(kind == "complete_ok", faults)
        elif kind == "complete_and_claim":
            if self.held is not None:
                done, nxt = self.s.complete_and_claim(self.held, self.lease, batch=step.arg == 1)
                if done is not None:
                    self.held = nxt
        elif kind == "crash":
            self.env.killer.terminate(self.s.pid)
            self.generation += 1
            self.s.name = f"w{self.index}.{self.generation}"
            self.held = None
            self._reconnect()
        elif kind == "cleanup":
            self.s.cleanup()
        elif kind == "observe":
            self.s.observe()
        elif kind == "enqueue":
            self.s.create(step.arg, 3, False)

    def _claim(self, faults: dict[str, Fault]) -> None:
        if "kill_in_claim" in faults:
            faults.pop("kill_in_claim")
            if not self.s.begin():
                return
            row = self.s.claim(self.lease)
            self.env.killer.terminate(self.s.pid)
            self.env.log.add("kill_in_claim")
            self.s.finish(True, row.get("txid") if row else None)
            self._reapply_timeouts()
            return  # whatever it returned was never committed
        if "idle_in_txn" in faults:
            idle = faults.pop("idle_in_txn")
            if not self.s.begin():
                return
            row = self.s.claim(self.lease)
            if row is None or not self.s.in_txn:
                if self.s.in_txn:
                    self.s.rollback_quietly()
                return
            self.env.log.add("idle_in_txn")
            time.sleep(idle.arg / self.env.clock.scale)
            if self.s.finish(True, row.get("txid")) == OK and row.get("chunk_id"):
                self.held = row
            return
        row = self.s.claim(self.lease)
        if row is not None and row.get("chunk_id"):
            self.held = row

    def _hold(self) -> bool:
        """Make sure the worker holds a chunk (claim one if needed); False if none is due."""
        if self.held is None:
            row = self.s.claim(self.lease)
            if row and row.get("chunk_id"):
                self.held = row
        return self.held is not None

    def _zombie(self, fault: Fault) -> None:
        """Hold a chunk (claiming one if needed), sleep past its lease while a rescuer
        reclaims it and takes it over (River #1302), then complete it anyway: the late
        completion must be rejected."""
        if not self._hold():
            return  # nothing due: no zombie this time
        held = self.held
        assert held is not None
        self.env.log.add("zombie")
        while self.s.now() <= held["lease_expires_at"] + timedelta(seconds=1):
            time.sleep(0.002)
        with self.env.janitor_lock:
            # the rescuer finishes other due chunks until it holds the zombie's one
            janitor = self.env.janitor()
            janitor.cleanup(self.s.now())
            for _ in range(12):
                got = janitor.claim(self.lease)
                if not got or not got.get("chunk_id") or got["chunk_id"] == held["chunk_id"]:
                    break
                janitor.complete(got, True)
        row = self.s.complete(held, True)
        if row is not None and row.get("outcome"):
            self.held = None

    def _complete(self, success: bool, faults: dict[str, Fault]) -> None:
        held = self.held
        assert held is not None
        if faults.pop("rollback_complete", None):
            if self.s.begin():
                row = self.s.complete(held, success)
                if self.s.in_txn:
                    self.s.finish(False, row.get("txid") if row else None)
                self.env.log.add("rollback_complete")
            return  # still held: a later step completes it for real
        if faults.pop("kill_in_commit", None):
            if not self.s.begin():
                return
            row = self.s.complete(held, success)
            if row is None or not self.s.in_txn:
                return
            self.env.killer.terminate_later(self.s.pid, self.rng.random() * 0.001)
            self.env.log.add("kill_in_commit")
            outcome = self.s.finish(True, row.get("txid"))
            self._reconnect()
            if outcome == OK:
                self.held = None
            return  # on info the worker keeps the chunk and may retry (idempotent)
        row = self.s.complete(held, success)
        if row is not None and row.get("outcome"):
            self.held = None


def _setup(env: _Env) -> None:
    s = Session("setup", env.dsn, env.h, env.clock)
    try:
        for job in env.scenario.jobs:
            s.create(job.chunks, job.max_attempts, job.rollback, T0 - timedelta(seconds=1))
            if job.rollback:
                env.log.add("rollback_create")
    finally:
        s.close()


def _drain(env: _Env) -> None:
    sc = env.scenario
    start = env.clock.latest + timedelta(seconds=1)
    drain(env.dsn, env.h, env.clock, start, sc.lease_seconds, sc.cleanup_interval)


def drain(
    dsn: str, history: History, clock: Clock, start: datetime, lease: int, interval: int
) -> None:
    """Finish everything on one connection, recorded as process ``drain``: from queue time
    ``start``, run cleanup, claim and complete all that is due, advance the queue clock by
    ``interval`` and repeat until every chunk is finished (or DRAIN_ROUNDS pass)."""
    s = Session("drain", dsn, history, clock)
    try:
        idx = history.invoke("drain", "drain", {"start": start, "interval": interval})
        t = start
        for _round in range(DRAIN_ROUNDS):
            s.cleanup(t)
            while True:
                row = s.claim(lease, t)
                if row is None:
                    break  # failed: try again next round
                if not row.get("chunk_id"):
                    due = s.conn.execute(
                        "SELECT count(*) FROM sync_jobs WHERE status IN ('pending','running')"
                        " AND active_queue_id IS NULL AND next_run_at <= %s",
                        (t,),
                    ).fetchone()
                    s.last_entry.value["due"] = int(due[0]) if due else 0
                    break
                s.complete(row, True, t)
            left = s.conn.execute(
                "SELECT count(*) FROM chunk_processing_queue"
                " WHERE status NOT IN ('completed', 'failed', 'cancelled')"
            ).fetchone()
            if left and left[0] == 0:
                history.complete(idx, OK, {"rounds": _round + 1, "end": t})
                return
            t += timedelta(seconds=interval)
        history.complete(
            idx, FAIL, {"reason": f"chunks left after {DRAIN_ROUNDS} rounds", "end": t}
        )
    finally:
        s.close()


def run_scenario(
    scenario: Scenario,
    dsn: str,
    *,
    restart: Callable[..., Any] | None = None,
    scale: float | None = None,
) -> RunResult:
    """Play ``scenario`` against the database at ``dsn`` (holding ``sql/``, no jobs yet).

    ``restart(on_down=callback)`` crashes and restarts the server, calling ``callback``
    once the old server is gone (for the ``restart`` fault; without it that fault is
    skipped), e.g. :meth:`ScenarioServer.restart`. Returns the history, the server state
    after the drain and the
    faults injected.
    """
    t0 = time.perf_counter()
    history = History()
    clock = Clock() if scale is None else Clock(scale)
    env = _Env(scenario, dsn, history, clock)
    _setup(env)
    listener = Listener(dsn).start()
    by_worker: dict[int, list[Fault]] = {}
    timed: list[tuple[float, str]] = []
    for f in scenario.faults:
        if f.kind in ("kill_listener", "restart"):
            if f.kind == "restart" and restart is None:
                continue
            timed.append((f.arg / clock.scale, f.kind))
        else:
            by_worker.setdefault(f.worker, []).append(f)
    workers = [_Worker(env, i, p, by_worker.get(i, [])) for i, p in enumerate(scenario.programs)]
    barrier = threading.Barrier(len(workers) + 1)
    threads = [
        threading.Thread(target=w.run, args=(barrier,), name=f"pgdrift-w{w.index}", daemon=True)
        for w in workers
    ]
    for t in threads:
        t.start()

    def _restart() -> None:
        idx = history.invoke("nemesis", "restart", {})
        assert restart is not None
        down: list[int] = []
        restart(on_down=lambda: down.append(len(history.entries)))
        # transaction ids are not WAL-logged until a transaction writes: ids handed out
        # before the crash and never logged are handed out again after it. The
        # end-of-recovery checkpoint records where recovery resumed numbering.
        with connect_retry(dsn) as conn:
            row = conn.execute("SELECT next_xid FROM pg_control_checkpoint()").fetchone()
        epoch, _, xid = str(row[0] if row else "").partition(":")
        nxt = (int(epoch) << 32 | int(xid)) if xid else None
        history.complete(idx, OK, {"next_txid": nxt, "down_at": down[0] if down else idx})

    def _kill_listener() -> None:
        idx = history.invoke("nemesis", "kill-listener", {"pid": listener.pid})
        env.killer.terminate(listener.pid)
        history.complete(idx, OK)

    stop = threading.Event()
    clock.start = time.perf_counter()
    barrier.wait(30)
    clock.start = time.perf_counter()
    nemesis = threading.Thread(
        target=run_timed,
        args=(timed, {"restart": _restart, "kill_listener": _kill_listener}, stop, env.log),
        daemon=True,
    )
    nemesis.start()
    for t in threads:
        t.join(120)
    stop.set()
    nemesis.join(60)
    if env._janitor is not None:
        env._janitor.close()
    _drain(env)
    _forget_crashed_txids(history)
    txids = [e.value["txid"] for e in history.entries if isinstance(e.value.get("txid"), int)]
    conn = connect_retry(dsn)
    try:
        expected = conn.execute("SELECT count(*) FROM chunk_webhook_outbox").fetchone()
        listener.settle(int(expected[0]) if expected else 0)
        listener.stop()
        state = fetch_server_state(conn, txids)
    finally:
        conn.close()
        env.killer.close()
    state.notifications = list(listener.payloads)
    state.listener_gapless = listener.gapless
    return RunResult(scenario, history, state, env.log, time.perf_counter() - t0, env.errors)


def _forget_crashed_txids(history: History) -> None:
    """A txid seen before a restart and not below the first txid after it was never
    logged: its transaction died in the crash, and the number may now belong to another
    transaction. Such values lose their txid and are marked ``crash_lost``."""
    restarts = [  # (history length when the old server was gone, first txid after recovery)
        (int(e.value.get("down_at", e.invoke_index or 0)), int(e.value["next_txid"]))
        for e in history.entries
        if e.f == "restart" and e.type == OK and e.value.get("next_txid") is not None
    ]
    if not restarts:
        return
    for e in history.entries:
        txid = e.value.get("txid")
        if not isinstance(txid, int):
            continue
        began = e.value.get("txn_began")  # a statement or COMMIT of an explicit transaction
        if began is None:
            began = e.invoke_index if e.invoke_index is not None else e.index
        if any(began < at and txid >= nxt for at, nxt in restarts):
            e.value["txid"] = None
            e.value["crash_lost"] = True
