"""The typed client of the Safe Chunk Processing System's SQL API (``sql/``).

:func:`claim`, :func:`complete`, :func:`complete_and_claim`, :func:`heartbeat` and
:func:`cleanup` wrap one SQL function each and work on any psycopg connection;
:class:`BatchCompleter` commits the completions of many worker threads in shared
transactions. The worker itself is :mod:`pgdrift.harness.queue_worker`.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg

log = logging.getLogger("pgdrift.worker")


@dataclass(frozen=True)
class ClaimedChunk:
    """One leased chunk, as returned by ``claim_next_chunk_job_safe``."""

    chunk_id: int
    sync_job_id: int
    chunk_index: int
    estimated_emails: int
    queue_id: int
    lease_token: UUID
    attempt: int
    max_attempts: int
    lease_expires_at: datetime
    account_id: str


@dataclass(frozen=True)
class Completion:
    """The answer of ``complete_chunk_job_safe``.

    ``outcome`` is one of ``completed``, ``retry_scheduled``, ``dead_lettered`` (accepted)
    or ``stale_lease``, ``lease_expired``, ``already_recorded``, ``unknown_chunk`` (nothing
    changed).
    """

    outcome: str
    chunk_status: str | None
    sync_job_status: str | None
    attempt: int | None
    retry_at: datetime | None
    outbox_id: int | None

    @property
    def accepted(self) -> bool:
        return self.outcome in {"completed", "retry_scheduled", "dead_lettered"}


# --- the SQL API, typed -------------------------------------------------------------------

_CLAIM = "SELECT * FROM claim_next_chunk_job_safe(p_worker_id => %s, p_lease_seconds => %s)"
_COMPLETE = (
    "SELECT * FROM complete_chunk_job_safe(p_chunk_id => %s, p_lease_token => %s,"
    " p_success => %s, p_processing_time_ms => %s, p_error_message => %s,"
    " p_backoff_base_ms => %s, p_backoff_max_ms => %s)"
)
_HEARTBEAT = (
    "SELECT heartbeat_chunk_job_safe(p_chunk_id => %s, p_lease_token => %s,"
    " p_lease_seconds => %s) AS lease_expires_at"
)
_CLEANUP = "SELECT cleanup_stuck_chunks() AS reclaimed"


def claim(
    conn: psycopg.Connection[Any], worker_id: str, lease_seconds: int = 300
) -> ClaimedChunk | None:
    """Lease the next due chunk for ``worker_id``; ``None`` when nothing is due."""
    row = conn.execute(_CLAIM, (worker_id, lease_seconds)).fetchone()
    return ClaimedChunk(*row) if row else None


def complete(
    conn: psycopg.Connection[Any],
    chunk: ClaimedChunk,
    success: bool,
    processing_time_ms: int | None = None,
    error_message: str | None = None,
    backoff_base_ms: int = 1000,
    backoff_max_ms: int = 300_000,
) -> Completion:
    """Report the outcome of ``chunk`` under its lease token."""
    params = (
        chunk.chunk_id,
        chunk.lease_token,
        success,
        processing_time_ms,
        error_message,
        backoff_base_ms,
        backoff_max_ms,
    )
    row = conn.execute(_COMPLETE, params).fetchone()
    assert row is not None  # the function always returns one row
    return Completion(*row)


_COMPLETE_AND_CLAIM = (
    "SELECT * FROM complete_and_claim_next_chunk_safe(p_chunk_id => %s, p_lease_token => %s,"
    " p_success => %s, p_worker_id => %s, p_processing_time_ms => %s, p_error_message => %s,"
    " p_lease_seconds => %s, p_backoff_base_ms => %s, p_backoff_max_ms => %s)"
)
_COMPLETE_BATCH = (
    "SELECT * FROM complete_and_claim_next_chunks_safe(p_chunk_ids => %s, p_lease_tokens => %s,"
    " p_success => %s, p_worker_ids => %s::text[], p_processing_time_ms => %s::integer[],"
    " p_error_messages => %s::text[], p_lease_seconds => %s, p_backoff_base_ms => %s,"
    " p_backoff_max_ms => %s)"
)
_N_COMPLETION = len(Completion.__dataclass_fields__)


def _split(row: tuple[Any, ...]) -> tuple[Completion, ClaimedChunk | None]:
    """A complete_and_claim_next_chunk_safe row: the completion, then the next_* columns
    (in ClaimedChunk's field order), all NULL when nothing was claimed."""
    done = Completion(*row[:_N_COMPLETION])
    nxt = row[_N_COMPLETION:]
    return done, (ClaimedChunk(*nxt) if nxt[0] is not None else None)


def complete_and_claim(
    conn: psycopg.Connection[Any],
    chunk: ClaimedChunk,
    success: bool,
    worker_id: str,
    lease_seconds: int = 300,
    processing_time_ms: int | None = None,
    error_message: str | None = None,
    backoff_base_ms: int = 1000,
    backoff_max_ms: int = 300_000,
) -> tuple[Completion, ClaimedChunk | None]:
    """Report ``chunk`` and lease the next one in one call, one transaction, one commit
    (``complete_and_claim_next_chunk_safe``). Both take effect together or not at all.
    """
    params = (
        chunk.chunk_id,
        chunk.lease_token,
        success,
        worker_id,
        processing_time_ms,
        error_message,
        lease_seconds,
        backoff_base_ms,
        backoff_max_ms,
    )
    row = conn.execute(_COMPLETE_AND_CLAIM, params).fetchone()
    assert row is not None  # the function always returns one row
    return _split(row)


def heartbeat(
    conn: psycopg.Connection[Any], chunk: ClaimedChunk, lease_seconds: int = 300
) -> datetime | None:
    """Extend the live lease of ``chunk``; ``None`` when the lease is no longer live."""
    row = conn.execute(_HEARTBEAT, (chunk.chunk_id, chunk.lease_token, lease_seconds)).fetchone()
    return row[0] if row else None


def cleanup(conn: psycopg.Connection[Any]) -> int:
    """Reclaim expired leases (``cleanup_stuck_chunks()``); returns how many."""
    row = conn.execute(_CLEANUP).fetchone()
    return int(row[0]) if row else 0


# --- shared completions ------------------------------------------------------------------


@dataclass
class _Pending:
    chunk: ClaimedChunk
    success: bool
    processing_time_ms: int | None
    error_message: str | None
    #: claim the next chunk for this worker in the same transaction (None: don't)
    claim_for: str | None = None
    lease_seconds: int = 300
    settled: threading.Event = field(default_factory=threading.Event)
    result: Completion | None = None
    next_chunk: ClaimedChunk | None = None
    error: BaseException | None = None


class BatchCompleter:
    """Reports the completions of many worker threads together, in one transaction per batch.

    A batch is one call of ``complete_and_claim_next_chunks_safe`` (one statement, one
    round trip): every completion in it keeps the guarantees of ``complete_chunk_job_safe``
    (its own lease token check, outbox row and notification, all in the transaction that
    commits it), followed by the worker's next claim; a batch only shares the statements
    and the COMMIT. That matters because Postgres serialises the commits of transactions
    that NOTIFY (a database-wide lock held through the WAL flush): one commit per batch
    instead of one per chunk is what lets several workers keep the per-completion
    notification. A batch waits (at most ``linger`` seconds) for the reports of the workers
    still busy with a chunk this completer leased them, so N busy workers share one commit.
    One connection by default: measured here (2 cores, bench/queue_throughput.py) it beats
    two, whose batches are smaller. Batches lock sync jobs in ``sync_job_id`` order (no
    deadlocks between completers); when a batch fails, each of its completions is retried
    on its own (completion is idempotent, so a batch whose COMMIT outcome was lost is
    settled correctly too).
    """

    def __init__(
        self,
        dsn: str,
        *,
        max_batch: int = 64,
        connections: int = 1,
        linger: float = 0.002,
        backoff_base_ms: int = 1000,
        backoff_max_ms: int = 300_000,
    ) -> None:
        if connections < 1 or max_batch < 1:
            raise ValueError("connections and max_batch must be >= 1")
        self.dsn = dsn
        self.max_batch = max_batch
        #: at most this many seconds a batch waits for the reports of workers still busy
        #: with a chunk this completer handed them (0: never wait)
        self.linger = linger
        self.backoff_base_ms = backoff_base_ms
        self.backoff_max_ms = backoff_max_ms
        self.batches = 0
        self.completions = 0
        self._pending: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._gathering = threading.Lock()
        # (chunk_id, lease_token) of the chunks this completer leased to workers that have
        # not reported them yet: a batch waits (up to ``linger``) until every one of them is
        # in some batch, so that N busy workers share a commit instead of trickling in
        self._handed: set[tuple[int, Any]] = set()
        # several connections: one batch executes while another waits for its commit
        self._threads = [
            threading.Thread(target=self._run, name=f"chunk-completer-{n}", daemon=True)
            for n in range(connections)
        ]

    def __enter__(self) -> BatchCompleter:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> BatchCompleter:
        return self.__enter__()

    def close(self) -> None:
        """Settle what is queued, then stop (idempotent)."""
        alive = [t for t in self._threads if t.is_alive()]
        for _ in alive:
            self._pending.put(None)
        for thread in alive:
            thread.join()

    def complete(
        self,
        chunk: ClaimedChunk,
        success: bool,
        processing_time_ms: int | None = None,
        error_message: str | None = None,
    ) -> Completion:
        """Report ``chunk``; returns once the completion is committed (or refused)."""
        item = _Pending(chunk, success, processing_time_ms, error_message)
        self._submit(item)
        assert item.result is not None
        return item.result

    def complete_and_claim(
        self,
        chunk: ClaimedChunk,
        success: bool,
        worker_id: str,
        lease_seconds: int = 300,
        processing_time_ms: int | None = None,
        error_message: str | None = None,
    ) -> tuple[Completion, ClaimedChunk | None]:
        """Report ``chunk`` and lease the next one for ``worker_id`` in the batch's
        transaction (``complete_and_claim_next_chunk_safe``)."""
        item = _Pending(chunk, success, processing_time_ms, error_message, worker_id, lease_seconds)
        self._submit(item)
        assert item.result is not None
        return item.result, item.next_chunk

    def _submit(self, item: _Pending) -> None:
        if not any(t.is_alive() for t in self._threads):
            raise RuntimeError("the completer is not running")
        with self._lock:
            self._handed.discard((item.chunk.chunk_id, item.chunk.lease_token))
        self._pending.put(item)
        item.settled.wait()
        if item.error is not None:
            raise item.error

    def _run(self) -> None:
        conns: list[psycopg.Connection[Any]] = []
        try:
            while True:
                # one completer gathers at a time (while the others execute and commit), so
                # the reports of all busy workers land in one batch, not split between two
                with self._gathering:
                    first = self._pending.get()
                    if first is None:
                        return
                    batch, stopping = self._gather(first)
                self._flush(batch, conns)
                if stopping:
                    return
        finally:
            for conn in conns:
                with contextlib.suppress(Exception):
                    conn.close()

    def _gather(self, first: _Pending) -> tuple[list[_Pending], bool]:
        """``first`` and what else is reported before the batch closes; and whether a stop
        was requested meanwhile."""
        batch = [first]
        deadline = time.monotonic() + self.linger
        while len(batch) < self.max_batch:
            try:
                item = self._pending.get_nowait()
            except queue.Empty:
                # wait a moment for the reports of the workers still busy with a chunk we
                # leased them: a bigger batch shares one commit (and one pass through the
                # NOTIFY lock)
                with self._lock:
                    busy = bool(self._handed)
                remaining = deadline - time.monotonic()
                if not busy or remaining <= 0:
                    break
                try:
                    item = self._pending.get(timeout=remaining)
                except queue.Empty:
                    break
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _connection(self, conns: list[psycopg.Connection[Any]]) -> psycopg.Connection[Any]:
        if not conns or conns[0].closed or conns[0].broken:
            conns[:] = [psycopg.connect(self.dsn, autocommit=True)]
        return conns[0]

    def _complete(self, conn: psycopg.Connection[Any], item: _Pending) -> Completion:
        if item.claim_for is not None:
            done, item.next_chunk = complete_and_claim(
                conn,
                item.chunk,
                item.success,
                item.claim_for,
                item.lease_seconds,
                item.processing_time_ms,
                item.error_message,
                self.backoff_base_ms,
                self.backoff_max_ms,
            )
            return done
        return complete(
            conn,
            item.chunk,
            item.success,
            item.processing_time_ms,
            item.error_message,
            self.backoff_base_ms,
            self.backoff_max_ms,
        )

    @staticmethod
    def _settle(item: _Pending, row: tuple[Any, ...]) -> None:
        # a batch row: the completion, then the next_* columns (NULL when no claim)
        item.result, item.next_chunk = _split(row)

    def _flush(self, batch: list[_Pending], conns: list[psycopg.Connection[Any]]) -> None:
        # one statement, one transaction, one commit for the whole batch; the function
        # handles the items in sync_job_id order (no deadlocks between completers)
        params = (
            [p.chunk.chunk_id for p in batch],
            [p.chunk.lease_token for p in batch],
            [p.success for p in batch],
            [p.claim_for for p in batch],
            [p.processing_time_ms for p in batch],
            [p.error_message for p in batch],
            [p.lease_seconds for p in batch],
            self.backoff_base_ms,
            self.backoff_max_ms,
        )
        try:
            conn = self._connection(conns)
            rows = conn.execute(_COMPLETE_BATCH, params).fetchall()
        except psycopg.Error as exc:
            log.warning("batch of %d completions failed (%s); settling each alone", len(batch), exc)
            for item in batch:
                self._flush_one(item, conns)
            return
        with self._lock:
            self.batches += 1
            self.completions += len(batch)
        if len(rows) != len(batch):  # cannot happen: one row per item
            raise RuntimeError(f"batch of {len(batch)} completions answered {len(rows)} rows")
        for row in rows:
            item = batch[row[0] - 1]
            self._settle(item, row[1:])
            if item.next_chunk is not None:
                with self._lock:
                    self._handed.add((item.next_chunk.chunk_id, item.next_chunk.lease_token))
            item.settled.set()

    def _flush_one(self, item: _Pending, conns: list[psycopg.Connection[Any]]) -> None:
        try:
            item.result = self._complete(self._connection(conns), item)
            with self._lock:
                self.batches += 1
                self.completions += 1
        except BaseException as exc:
            item.error = exc
        finally:
            item.settled.set()
