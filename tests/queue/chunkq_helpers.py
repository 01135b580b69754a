"""Helpers (imported by conftest and the tests) for the functional tests of the Safe Chunk Processing System (``sql/``).

Every test gets a fresh database with ``sql/`` applied (the ``pgdrift_db`` fixture of the
pgdrift pytest plugin). Time is injected, never slept: the queue functions take ``p_now``,
and :data:`T0` is the fixed instant the tests start from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """The instant ``seconds`` after :data:`T0`."""
    return T0 + timedelta(seconds=seconds)


@dataclass(frozen=True)
class SyncJob:
    id: int
    chunk_ids: list[int]  # by chunk_index order of creation


class Queue:
    """A thin client of the SQL API over one autocommit connection, with injected time."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def q(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def one(self, sql: str, params: Any = None) -> dict[str, Any]:
        rows = self.q(sql, params)
        assert len(rows) == 1, rows
        return rows[0]

    def value(self, sql: str, params: Any = None) -> Any:
        return next(iter(self.one(sql, params).values()))

    def sync_job(
        self,
        chunks: int | list[int] = 3,
        *,
        max_attempts: int = 5,
        account: str = "acct",
        emails: int = 100,
        now: datetime | None = T0,
    ) -> SyncJob:
        """A sync job with chunks (a count, or explicit chunk_index values in insert order),
        enqueued at ``now`` (``None``: the server's real clock, for worker tests)."""
        indexes = list(range(chunks)) if isinstance(chunks, int) else chunks
        with self.conn.transaction():
            if now is not None:
                self.conn.execute("SELECT set_config('chunkq.now', %s, true)", (now.isoformat(),))
            job_id = self.value(
                "INSERT INTO sync_jobs (account_id, max_attempts) VALUES (%s, %s) RETURNING id",
                (account, max_attempts),
            )
            ids = [
                self.value(
                    "INSERT INTO chunked_sync_jobs (sync_job_id, chunk_index, estimated_emails)"
                    " VALUES (%s, %s, %s) RETURNING id",
                    (job_id, i, emails + i),
                )
                for i in indexes
            ]
        return SyncJob(job_id, ids)

    def claim(
        self, worker: str = "w1", now: datetime = T0, lease: int = 60
    ) -> dict[str, Any] | None:
        rows = self.q("SELECT * FROM claim_next_chunk_job_safe(%s, %s, %s)", (worker, lease, now))
        assert len(rows) <= 1
        return rows[0] if rows else None

    def complete(
        self,
        claimed: dict[str, Any],
        success: bool = True,
        now: datetime = T0,
        ms: int | None = 10,
        error: str | None = None,
        token: Any = None,
        base_ms: int = 1000,
        max_ms: int = 300_000,
    ) -> dict[str, Any]:
        return self.one(
            "SELECT * FROM complete_chunk_job_safe(p_chunk_id => %s, p_lease_token => %s,"
            " p_success => %s, p_processing_time_ms => %s, p_error_message => %s, p_now => %s,"
            " p_backoff_base_ms => %s, p_backoff_max_ms => %s)",
            (
                claimed["chunk_id"],
                token or claimed["lease_token"],
                success,
                ms,
                error,
                now,
                base_ms,
                max_ms,
            ),
        )

    def heartbeat(
        self, claimed: dict[str, Any], now: datetime, lease: int = 60, token: Any = None
    ) -> Any:
        return self.value(
            "SELECT heartbeat_chunk_job_safe(%s, %s, %s, %s)",
            (claimed["chunk_id"], token or claimed["lease_token"], lease, now),
        )

    def cleanup(self, now: datetime) -> int:
        return int(self.value("SELECT cleanup_stuck_chunks(%s)", (now,)))

    def chunk(self, chunk_id: int) -> dict[str, Any]:
        return self.one("SELECT * FROM chunked_sync_jobs WHERE id = %s", (chunk_id,))

    def queue_row(self, chunk_id: int) -> dict[str, Any]:
        return self.one("SELECT * FROM chunk_processing_queue WHERE chunk_id = %s", (chunk_id,))

    def job(self, job_id: int) -> dict[str, Any]:
        return self.one("SELECT * FROM sync_jobs WHERE id = %s", (job_id,))

    def events(self, chunk_id: int) -> list[dict[str, Any]]:
        return self.q(
            "SELECT * FROM chunk_processing_events WHERE chunk_id = %s ORDER BY id", (chunk_id,)
        )

    def transitions(self, chunk_id: int) -> list[str]:
        return [e["transition"] for e in self.events(chunk_id)]

    def drain(self, worker: str = "w1", now: datetime = T0) -> list[tuple[int, int]]:
        """Claim and complete everything due at ``now``; the (sync job, chunk_index) order."""
        order = []
        while (c := self.claim(worker, now)) is not None:
            order.append((c["sync_job_id"], c["chunk_index"]))
            assert self.complete(c, now=now)["outcome"] == "completed"
        return order
