"""Fault injection for queue scenarios: kills, timeouts, skew, a lost listener, a crash.

The faults a scenario can carry (:data:`STEP_FAULTS` ride on one step of one worker's
program, :data:`TIMED_FAULTS` fire from the controller thread at a moment of the run):

=====================  ===================================================================
``kill_in_claim``      the claim runs in a transaction; its backend is terminated
                       (``pg_terminate_backend``) before COMMIT: the claim must vanish
``kill_mid_work``      the worker's backend is terminated while it holds a chunk; it
                       reconnects and carries on with the same lease
``kill_in_commit``     the completion's COMMIT is in flight when the backend is
                       terminated: the outcome is unknown (``info``)
``zombie``             the worker (claiming a chunk if it holds none) sleeps past its lease,
                       a rescuer reclaims and takes the chunk, then the worker completes:
                       the late completion must be rejected
``skew``               the worker's clock is off by ``arg`` seconds for the whole run, so
                       its cleanups race other workers' completions
``statement_timeout``  ``SET statement_timeout = arg ms`` on the worker's session
``lock_timeout``       ``SET lock_timeout = arg ms`` on the worker's session
``idle_in_txn``        the claim's transaction stays open (holding the claim and its
                       locks) for ``arg`` ms before COMMIT
``rollback_complete``  the completion runs in a transaction that is rolled back
``rollback_create``    (on a job, not a step) the creating transaction is rolled back
``kill_listener``      the LISTEN connection is terminated; work continues by polling
``restart``            immediate server restart (SIGQUIT to the postmaster)
=====================  ===================================================================
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import psycopg

STEP_FAULTS = (
    "kill_in_claim",
    "kill_mid_work",
    "kill_in_commit",
    "zombie",
    "skew",
    "statement_timeout",
    "lock_timeout",
    "idle_in_txn",
    "rollback_complete",
)
TIMED_FAULTS = ("kill_listener", "restart")
JOB_FAULTS = ("rollback_create",)


def connect_retry(dsn: str, timeout: float = 20.0) -> psycopg.Connection[Any]:
    """An autocommit connection, retried while the server restarts."""
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        try:
            return psycopg.connect(dsn, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


class FaultLog:
    """Counts the faults actually injected in a run (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def add(self, kind: str) -> None:
        with self._lock:
            self.counts[kind] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Killer:
    """Terminates backends from its own connection (reconnecting across restarts)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None

    def terminate(self, pid: int | None) -> bool:
        """``pg_terminate_backend(pid)`` and wait (up to 1 s) until the backend is gone."""
        if not pid:
            return False
        with self._lock:
            for _ in range(2):
                try:
                    if self._conn is None or self._conn.closed:
                        self._conn = connect_retry(self.dsn)
                    row = self._conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
                    if not (row and row[0]):
                        return False
                    # pg_terminate_backend(pid, timeout) polls in 100 ms steps: poll faster
                    deadline = time.monotonic() + 1.0
                    while time.monotonic() < deadline:
                        gone = self._conn.execute(
                            "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = %s)",
                            (pid,),
                        ).fetchone()
                        if gone and gone[0]:
                            break
                        time.sleep(0.0005)
                    return True
                except psycopg.Error:
                    with contextlib.suppress(Exception):
                        if self._conn is not None:
                            self._conn.close()
                    self._conn = None
            return False

    def terminate_later(self, pid: int | None, delay: float) -> threading.Thread:
        """Terminate ``pid`` from another thread after ``delay`` seconds (to hit a COMMIT)."""

        def fire() -> None:
            time.sleep(delay)
            self.terminate(pid)

        t = threading.Thread(target=fire, name="pgdrift-killer", daemon=True)
        t.start()
        return t

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    self._conn.close()
            self._conn = None


class Listener:
    """LISTENs on ``chunk_webhooks`` in a thread and keeps every payload received.

    When its connection is lost (killed, or a restart) it reconnects and listens again,
    and :attr:`gapless` becomes False: notifications sent meanwhile are missed.
    """

    CHANNEL = "chunk_webhooks"

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.payloads: list[dict[str, Any]] = []
        self.gapless = True
        self.pid: int | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._conn: psycopg.Connection[Any] | None = None
        self._thread = threading.Thread(target=self._run, name="pgdrift-listener", daemon=True)

    def start(self) -> Listener:
        self._thread.start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn = connect_retry(self.dsn)
            except psycopg.Error:
                self.gapless = False
                continue
            self._conn = conn
            try:
                conn.execute(f"LISTEN {self.CHANNEL}")
                self.pid = conn.info.backend_pid
                self._ready.set()
                while not self._stop.is_set():
                    for note in conn.notifies(timeout=0.02):
                        with contextlib.suppress(ValueError):
                            self.payloads.append(json.loads(note.payload))
            except psycopg.Error:
                self.gapless = False
            finally:
                with contextlib.suppress(Exception):
                    conn.close()

    def settle(self, expected: int, timeout: float = 2.0) -> None:
        """Wait until ``expected`` payloads arrived (at most ``timeout`` s); when the
        connection was lost some never will, so then only until nothing arrived for 30 ms."""
        deadline = time.monotonic() + timeout
        last, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline and len(self.payloads) < expected:
            if len(self.payloads) != last:
                last, quiet_since = len(self.payloads), time.monotonic()
            elif not self.gapless and time.monotonic() - quiet_since > 0.03:
                break
            time.sleep(0.002)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def set_session_timeout(conn: psycopg.Connection[Any], kind: str, ms: int) -> None:
    """``SET statement_timeout`` / ``SET lock_timeout`` to ``ms`` on the session."""
    if kind not in ("statement_timeout", "lock_timeout"):
        raise ValueError(f"not a session timeout: {kind}")
    conn.execute(f"SET {kind} = {int(ms)}")


def run_timed(
    faults: list[tuple[float, str]],
    actions: dict[str, Callable[[], None]],
    stop: threading.Event,
    log: FaultLog,
) -> None:
    """Fire ``(at_seconds, kind)`` faults in time order (from the controller thread)."""
    t0 = time.monotonic()
    for at, kind in sorted(faults):
        while not stop.is_set() and time.monotonic() - t0 < at:
            time.sleep(0.001)
        if stop.is_set():
            return
        actions[kind]()
        log.add(kind)
