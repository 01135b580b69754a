"""The reference worker of the Safe Chunk Processing System (the report's
background-sync-processor).

It claims a chunk with ``claim_next_chunk_job_safe``, runs a handler on it while a
heartbeat thread keeps the lease alive, reports the outcome with
``complete_chunk_job_safe`` and goes for the next one. When nothing is due it sleeps on
``LISTEN chunk_queue_ready, chunk_webhooks`` and falls back to polling every
``poll_interval`` seconds (also when the listening connection is lost). It runs
``cleanup_stuck_chunks()`` every ``cleanup_interval`` seconds. SIGTERM (and SIGINT) stop
it gracefully: the chunk in hand is finished and reported, then the worker exits.

>>> def handler(chunk, ctx):
...     print(chunk.chunk_index, chunk.estimated_emails)
>>> worker = QueueWorker(WorkerConfig(dsn="dbname=app"), handler)  # doctest: +SKIP
>>> worker.install_signal_handlers(); stats = worker.run()  # doctest: +SKIP

Run it as ``pgdrift worker --dsn ... --handler package.module:function`` or
``python -m pgdrift.harness.queue_worker --dsn ...``. The module-level functions
:func:`claim`, :func:`complete`, :func:`complete_and_claim`, :func:`heartbeat` and
:func:`cleanup` are the thin, typed client of the SQL API, usable on any connection.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import FrameType
from typing import Any

import psycopg

from pgdrift.harness.queue_client import (
    BatchCompleter,
    ClaimedChunk,
    Completion,
    claim,
    cleanup,
    complete,
    complete_and_claim,
    heartbeat,
)

log = logging.getLogger("pgdrift.worker")

__all__ = [
    "CHANNELS",
    "BatchCompleter",
    "ChunkContext",
    "ClaimedChunk",
    "Completion",
    "LeaseLost",
    "QueueWorker",
    "WorkerConfig",
    "WorkerStats",
    "claim",
    "cleanup",
    "complete",
    "complete_and_claim",
    "heartbeat",
    "load_handler",
    "main",
    "run_pool",
    "simulated_handler",
]

CHANNELS = ("chunk_queue_ready", "chunk_webhooks")


class LeaseLost(Exception):
    """Raised by :meth:`ChunkContext.check` when the chunk's lease is gone."""


@dataclass
class ChunkContext:
    """What a handler gets besides the chunk: cooperative cancellation signals."""

    lease_lost: threading.Event = field(default_factory=threading.Event)
    stopping: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        """Raise :class:`LeaseLost` if the lease was lost (call it between units of work)."""
        if self.lease_lost.is_set():
            raise LeaseLost("the lease on this chunk was lost; stop working on it")


Handler = Callable[[ClaimedChunk, ChunkContext], Any]


# --- the worker ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerConfig:
    """How a :class:`QueueWorker` runs."""

    dsn: str
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    lease_seconds: int = 300
    #: seconds between heartbeats; default a third of the lease
    heartbeat_interval: float | None = None
    #: longest sleep between two claim attempts when no notification arrives
    poll_interval: float = 5.0
    #: seconds between ``cleanup_stuck_chunks()`` calls; 0 disables
    cleanup_interval: float = 60.0
    backoff_base_ms: int = 1000
    backoff_max_ms: int = 300_000
    #: stop after this many chunks (None: run until stopped)
    max_chunks: int | None = None
    #: stop as soon as nothing is due (drain mode)
    exit_when_idle: bool = False
    #: report a chunk and claim the next one in one transaction
    chain: bool = True

    def __post_init__(self) -> None:
        if self.lease_seconds < 1:
            raise ValueError(f"lease_seconds must be >= 1, got {self.lease_seconds}")
        if self.poll_interval <= 0:
            raise ValueError(f"poll_interval must be > 0, got {self.poll_interval}")
        if self.cleanup_interval < 0:
            raise ValueError(f"cleanup_interval must be >= 0, got {self.cleanup_interval}")
        if not self.worker_id:
            raise ValueError("worker_id must not be empty")

    @property
    def heartbeat_every(self) -> float:
        if self.heartbeat_interval is not None:
            return self.heartbeat_interval
        return self.lease_seconds / 3


@dataclass
class WorkerStats:
    """What a worker did (outcomes as reported by the database)."""

    claimed: int = 0
    completed: int = 0
    retry_scheduled: int = 0
    dead_lettered: int = 0
    rejected: int = 0  # stale_lease / lease_expired / already_recorded / unknown_chunk
    handler_errors: int = 0
    lease_lost: int = 0
    heartbeats: int = 0
    reclaimed: int = 0
    notifications: int = 0
    polls: int = 0
    connection_errors: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def record(self, done: Completion) -> None:
        self.outcomes[done.outcome] = self.outcomes.get(done.outcome, 0) + 1
        if done.outcome == "completed":
            self.completed += 1
        elif done.outcome == "retry_scheduled":
            self.retry_scheduled += 1
        elif done.outcome == "dead_lettered":
            self.dead_lettered += 1
        else:
            self.rejected += 1


class _Heartbeater:
    """Extends one chunk's lease from its own connection until stopped."""

    def __init__(self, worker: QueueWorker, chunk: ClaimedChunk, ctx: ChunkContext) -> None:
        self._worker = worker
        self._chunk = chunk
        self._ctx = ctx
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{chunk.chunk_id}", daemon=True
        )

    def __enter__(self) -> _Heartbeater:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        cfg = self._worker.config
        while not self._done.wait(cfg.heartbeat_every):
            try:
                conn = self._worker._heartbeat_connection()
                expires = heartbeat(conn, self._chunk, cfg.lease_seconds)
            except psycopg.Error as exc:
                log.warning("heartbeat of chunk %s failed: %s", self._chunk.chunk_id, exc)
                self._worker._drop_heartbeat_connection()
                continue
            self._worker.stats.heartbeats += 1
            if expires is None:
                log.warning(
                    "lease of chunk %s (sync job %s) is lost",
                    self._chunk.chunk_id,
                    self._chunk.sync_job_id,
                )
                self._ctx.lease_lost.set()
                return


class QueueWorker:
    """Claims, handles, heartbeats and completes chunks until stopped."""

    def __init__(
        self, config: WorkerConfig, handler: Handler, completer: BatchCompleter | None = None
    ) -> None:
        self.config = config
        self.handler = handler
        #: shared by the workers of one process: completions committed in batches
        self.completer = completer
        self.stats = WorkerStats()
        self._stop = threading.Event()
        self._conn: psycopg.Connection[Any] | None = None
        self._listen: psycopg.Connection[Any] | None = None
        self._hb_conn: psycopg.Connection[Any] | None = None
        self._hb_lock = threading.Lock()
        self._last_cleanup = float("-inf")

    # -- lifecycle -------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the worker to stop after the chunk in hand (thread- and signal-safe)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def install_signal_handlers(self) -> None:
        """Stop gracefully on SIGTERM and SIGINT (call from the main thread)."""

        def _on_signal(signum: int, frame: FrameType | None) -> None:
            log.info("received %s; finishing the chunk in hand", signal.Signals(signum).name)
            self.stop()

        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGINT, _on_signal)

    def run(self) -> WorkerStats:
        """Process chunks until stopped, drained (``exit_when_idle``) or ``max_chunks``."""
        log.info("worker %s starting", self.config.worker_id)
        try:
            self._loop()
        finally:
            self._close()
        log.info("worker %s stopped: %s", self.config.worker_id, self.stats)
        return self.stats

    # -- main loop -------------------------------------------------------------------------

    def _loop(self) -> None:
        cfg = self.config
        chunk: ClaimedChunk | None = None
        while not self._stop.is_set():
            if cfg.max_chunks is not None and self.stats.claimed >= cfg.max_chunks:
                return
            try:
                self._maybe_cleanup()
                if chunk is None:
                    chunk = claim(self._connection(), cfg.worker_id, cfg.lease_seconds)
                    if chunk is not None:
                        self.stats.claimed += 1
                if chunk is None:
                    if cfg.exit_when_idle:
                        return
                    self._wait_for_work()
                    continue
                chunk = self._process(chunk)
            except psycopg.Error as exc:
                # A lost connection, a timeout, a statement that failed: whatever chunk we
                # held is recovered by lease expiry; keep going on a fresh connection.
                self.stats.connection_errors += 1
                log.warning("database error (%s): %s; retrying", type(exc).__name__, exc)
                chunk = None
                self._drop_connection()
                self._stop.wait(min(1.0, cfg.poll_interval))

    def _process(self, chunk: ClaimedChunk) -> ClaimedChunk | None:
        """Run the handler on ``chunk``, report it; return the next chunk if chained."""
        cfg = self.config
        ctx = ChunkContext(stopping=self._stop)
        started = time.monotonic()
        success, error = True, None
        with _Heartbeater(self, chunk, ctx):
            try:
                self.handler(chunk, ctx)
            except LeaseLost:
                self.stats.lease_lost += 1
                log.warning("abandoned chunk %s: lease lost", chunk.chunk_id)
                return None
            except Exception as exc:
                self.stats.handler_errors += 1
                success, error = False, f"{type(exc).__name__}: {exc}"
                log.info("chunk %s failed: %s", chunk.chunk_id, error)
        elapsed_ms = int((time.monotonic() - started) * 1000)
        conn = self._connection()
        more = cfg.max_chunks is None or self.stats.claimed < cfg.max_chunks
        nxt: ClaimedChunk | None = None
        chain = cfg.chain and more and not self._stop.is_set()
        if self.completer is not None and chain:
            done, nxt = self.completer.complete_and_claim(
                chunk, success, cfg.worker_id, cfg.lease_seconds, elapsed_ms, error
            )
            if nxt is not None:
                self.stats.claimed += 1
        elif self.completer is not None:
            done = self.completer.complete(chunk, success, elapsed_ms, error)
        elif chain:
            done, nxt = complete_and_claim(
                conn,
                chunk,
                success,
                cfg.worker_id,
                cfg.lease_seconds,
                elapsed_ms,
                error,
                cfg.backoff_base_ms,
                cfg.backoff_max_ms,
            )
            if nxt is not None:
                self.stats.claimed += 1
        else:
            done = complete(
                conn, chunk, success, elapsed_ms, error, cfg.backoff_base_ms, cfg.backoff_max_ms
            )
        self.stats.record(done)
        if not done.accepted:
            log.warning("completion of chunk %s rejected: %s", chunk.chunk_id, done.outcome)
        return nxt

    def _maybe_cleanup(self) -> None:
        cfg = self.config
        if cfg.cleanup_interval <= 0:
            return
        now = time.monotonic()
        if now - self._last_cleanup < cfg.cleanup_interval:
            return
        self._last_cleanup = now
        reclaimed = cleanup(self._connection())
        self.stats.reclaimed += reclaimed
        if reclaimed:
            log.info("reclaimed %d chunk(s) with expired leases", reclaimed)

    def _wait_for_work(self) -> None:
        """Sleep until a notification, the poll interval, or a stop request."""
        deadline = time.monotonic() + self.config.poll_interval
        self.stats.polls += 1
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            step = min(remaining, 0.5)  # stay responsive to stop() and signals
            listen = self._listener()
            if listen is None:
                self._stop.wait(step)
                continue
            try:
                got = sum(1 for _ in listen.notifies(timeout=step, stop_after=1))
            except psycopg.Error as exc:
                log.warning("LISTEN connection lost (%s); polling", exc)
                self._drop_listener()
                continue
            if got:
                self.stats.notifications += got
                return

    # -- connections -----------------------------------------------------------------------

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.config.dsn, autocommit=True)
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def _listener(self) -> psycopg.Connection[Any] | None:
        if self._listen is not None and not self._listen.closed:
            return self._listen
        try:
            conn = psycopg.connect(self.config.dsn, autocommit=True)
            for channel in CHANNELS:
                conn.execute(f"LISTEN {channel}")
        except psycopg.Error as exc:
            log.warning("cannot LISTEN (%s); polling every %ss", exc, self.config.poll_interval)
            self._listen = None
            return None
        self._listen = conn
        return conn

    def _drop_listener(self) -> None:
        if self._listen is not None:
            with contextlib.suppress(Exception):
                self._listen.close()
        self._listen = None

    def _heartbeat_connection(self) -> psycopg.Connection[Any]:
        with self._hb_lock:
            if self._hb_conn is None or self._hb_conn.closed:
                self._hb_conn = psycopg.connect(self.config.dsn, autocommit=True)
            return self._hb_conn

    def _drop_heartbeat_connection(self) -> None:
        with self._hb_lock:
            if self._hb_conn is not None:
                with contextlib.suppress(Exception):
                    self._hb_conn.close()
            self._hb_conn = None

    def _close(self) -> None:
        self._drop_connection()
        self._drop_listener()
        self._drop_heartbeat_connection()


def run_pool(
    config: WorkerConfig,
    handler: Handler,
    concurrency: int = 1,
    *,
    install_signals: bool = True,
) -> list[WorkerStats]:
    """Run ``concurrency`` workers as threads of this process and return their stats.

    With more than one, they share a :class:`BatchCompleter` (completions committed in
    batches), are named ``<worker_id>/<n>``, and only the first runs the periodic cleanup.
    SIGTERM/SIGINT stop them all gracefully.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    if concurrency == 1:
        single = QueueWorker(config, handler)
        if install_signals:
            single.install_signal_handlers()
        return [single.run()]
    with BatchCompleter(
        config.dsn, backoff_base_ms=config.backoff_base_ms, backoff_max_ms=config.backoff_max_ms
    ) as completer:
        workers = [
            QueueWorker(
                replace(
                    config,
                    worker_id=f"{config.worker_id}/{n}",
                    cleanup_interval=config.cleanup_interval if n == 0 else 0,
                ),
                handler,
                completer,
            )
            for n in range(concurrency)
        ]
        if install_signals:

            def _on_signal(signum: int, frame: FrameType | None) -> None:
                log.info("received %s; finishing the chunks in hand", signal.Signals(signum).name)
                for w in workers:
                    w.stop()

            signal.signal(signal.SIGTERM, _on_signal)
            signal.signal(signal.SIGINT, _on_signal)
        threads = [threading.Thread(target=w.run, name=w.config.worker_id) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return [w.stats for w in workers]


# --- handlers and the command line --------------------------------------------------------


def simulated_handler(ms_per_email: float = 0.0) -> Handler:
    """A stand-in for sync-emails: sleeps ``estimated_emails * ms_per_email`` ms."""

    def handle(chunk: ClaimedChunk, ctx: ChunkContext) -> None:
        remaining = chunk.estimated_emails * ms_per_email / 1000.0
        while remaining > 0:
            ctx.check()
            step = min(remaining, 0.1)
            time.sleep(step)
            remaining -= step

    return handle


def load_handler(spec: str) -> Handler:
    """Import ``package.module:function`` (a handler, called with the chunk and context)."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"handler must look like 'package.module:function', got {spec!r}")
    module = importlib.import_module(module_name)
    try:
        handler = getattr(module, attr)
    except AttributeError:
        raise ValueError(f"module {module_name!r} has no attribute {attr!r}") from None
    if not callable(handler):
        raise ValueError(f"{spec!r} is not callable")
    return handler  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    """``python -m pgdrift.harness.queue_worker``: the same options as ``pgdrift worker``."""
    from pgdrift.cli.worker import worker as worker_command

    try:
        worker_command.main(args=argv, prog_name="python -m pgdrift.harness.queue_worker")
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
