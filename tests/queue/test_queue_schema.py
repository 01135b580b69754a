"""The schema of sql/: every object exists, migrations re-apply, CHECK constraints hold."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from chunkq_helpers import T0, Queue, at

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"

OBJECTS = [
    ("table", "sync_jobs"),
    ("table", "chunked_sync_jobs"),
    ("table", "chunk_processing_queue"),
    ("table", "chunk_processing_events"),
    ("table", "chunk_webhook_outbox"),
    ("view", "chunk_processing_status"),
    ("function", "claim_next_chunk_job_safe(text,integer,timestamptz)"),
    (
        "function",
        "complete_chunk_job_safe(bigint,uuid,boolean,integer,text,timestamptz,integer,integer)",
    ),
    ("function", "heartbeat_chunk_job_safe(bigint,uuid,integer,timestamptz)"),
    ("function", "cleanup_stuck_chunks(timestamptz,integer)"),
    ("function", "chunk_queue_now()"),
]


@pytest.mark.parametrize(("kind", "name"), OBJECTS)
def test_object_exists(queue: Queue, kind: str, name: str) -> None:
    lookup = "to_regprocedure" if kind == "function" else "to_regclass"
    assert queue.value(f"SELECT {lookup}(%s) IS NOT NULL", (name,))


def test_report_columns_exist_with_their_real_names(queue: Queue) -> None:
    cols = {
        r["column_name"]
        for r in queue.q(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'chunked_sync_jobs'"
        )
    }
    assert {
        "chunk_index",
        "estimated_emails",
        "status",
        "started_at",
        "completed_at",
        "processing_time_ms",
        "error_message",
    } <= cols
    assert not {"chunk_number", "email_count_estimate", "actual_duration_ms", "error"} & cols


def test_migrations_apply_again_idempotently(queue: Queue) -> None:
    files = sorted(SQL_DIR.glob("*.sql"))
    assert [f.name for f in files][:1] == ["001_schema.sql"]
    job = queue.sync_job(2)
    for path in files:
        queue.conn.execute(path.read_text())
    # data and behaviour survive the re-application
    assert queue.job(job.id)["total_chunks"] == 2
    assert queue.drain() == [(job.id, 0), (job.id, 1)]


def test_trigger_creates_exactly_one_queue_row_per_chunk(queue: Queue) -> None:
    job = queue.sync_job(4)
    rows = queue.q(
        "SELECT chunk_id, chunk_index, status, attempts FROM chunk_processing_queue"
        " WHERE sync_job_id = %s ORDER BY chunk_index",
        (job.id,),
    )
    assert [r["chunk_id"] for r in rows] == job.chunk_ids
    assert {(r["status"], r["attempts"]) for r in rows} == {("pending", 0)}
    assert queue.job(job.id)["total_chunks"] == 4
    assert all(queue.transitions(c) == ["enqueued"] for c in job.chunk_ids)
    with pytest.raises(psycopg.errors.UniqueViolation):
        queue.conn.execute(
            "INSERT INTO chunk_processing_queue (chunk_id, sync_job_id, chunk_index)"
            " SELECT id, sync_job_id, chunk_index FROM chunked_sync_jobs WHERE id = %s",
            (job.chunk_ids[0],),
        )


def test_queue_row_cannot_disagree_with_its_chunk(queue: Queue) -> None:
    job = queue.sync_job(1)
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        queue.conn.execute(
            "UPDATE chunk_processing_queue SET chunk_index = 7 WHERE chunk_id = %s",
            (job.chunk_ids[0],),
        )


def test_no_queue_row_survives_a_rolled_back_insert(queue: Queue) -> None:
    with pytest.raises(RuntimeError), queue.conn.transaction():
        queue.sync_job(3)
        raise RuntimeError("roll back")
    assert queue.value("SELECT count(*) FROM chunk_processing_queue") == 0
    assert queue.value("SELECT count(*) FROM chunk_processing_events") == 0


def test_chunks_cannot_be_added_to_a_finished_sync_job(queue: Queue) -> None:
    job = queue.sync_job(1)
    queue.drain()
    assert queue.job(job.id)["status"] == "completed"
    with pytest.raises(psycopg.errors.CheckViolation, match="sync job is completed"):
        queue.conn.execute(
            "INSERT INTO chunked_sync_jobs (sync_job_id, chunk_index) VALUES (%s, 5)", (job.id,)
        )


def test_chunks_must_be_inserted_pending(queue: Queue) -> None:
    job_id = queue.value("INSERT INTO sync_jobs (account_id) VALUES ('a') RETURNING id")
    with pytest.raises(psycopg.errors.CheckViolation, match="must be inserted as pending"):
        queue.conn.execute(
            "INSERT INTO chunked_sync_jobs (sync_job_id, chunk_index, status, started_at,"
            " completed_at, processing_time_ms) VALUES (%s, 0, 'completed', now(), now(), 1)",
            (job_id,),
        )


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("status = 'done'", "chunked_sync_jobs_status_check"),
        ("status = 'completed'", "chunked_sync_jobs_completed_check"),
        (
            "status = 'completed', started_at = now(), completed_at = now()",
            "chunked_sync_jobs_completed_check",
        ),
        ("processing_time_ms = -1", "chunked_sync_jobs_processing_time_check"),
        ("status = 'failed', completed_at = now()", "chunked_sync_jobs_failed_check"),
        ("status = 'processing'", "chunked_sync_jobs_processing_check"),
        ("completed_at = now()", "chunked_sync_jobs_pending_check"),
        ("estimated_emails = -5", "chunked_sync_jobs_estimated_emails_check"),
        (
            "status = 'completed', started_at = now(), completed_at = now() - interval '1 h',"
            " processing_time_ms = 1",
            "chunked_sync_jobs_times_check",
        ),
    ],
)
def test_chunk_states_and_fields_agree(queue: Queue, assignment: str, constraint: str) -> None:
    job = queue.sync_job(1)
    with pytest.raises(psycopg.errors.CheckViolation) as err:
        queue.conn.execute(
            f"UPDATE chunked_sync_jobs SET {assignment} WHERE id = %s", (job.chunk_ids[0],)
        )
    assert err.value.diag.constraint_name == constraint


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("status = 'processing'", "chunk_processing_queue_lease_check"),
        (
            "status = 'processing', lease_expires_at = now()",
            "chunk_processing_queue_processing_check",
        ),
        ("attempts = 6", "chunk_processing_queue_attempts_check"),
        ("lease_token = gen_random_uuid()", "chunk_processing_queue_pending_check"),
        ("status = 'completed'", "chunk_processing_queue_completed_check"),
        ("status = 'cancelled'", "chunk_processing_queue_finished_check"),
    ],
)
def test_queue_states_and_fields_agree(queue: Queue, assignment: str, constraint: str) -> None:
    job = queue.sync_job(1)
    with pytest.raises(psycopg.errors.CheckViolation) as err:
        queue.conn.execute(
            f"UPDATE chunk_processing_queue SET {assignment} WHERE chunk_id = %s",
            (job.chunk_ids[0],),
        )
    assert err.value.diag.constraint_name == constraint


def test_completed_chunk_has_completed_at_and_processing_time(queue: Queue) -> None:
    job = queue.sync_job(1)
    claimed = queue.claim(now=at(0))
    assert claimed is not None
    queue.complete(claimed, now=at(2), ms=None)
    chunk = queue.chunk(job.chunk_ids[0])
    assert chunk["status"] == "completed"
    assert chunk["completed_at"] == at(2)
    assert chunk["started_at"] == T0
    assert chunk["processing_time_ms"] == 2000  # defaulted from the lease's claim time
    with pytest.raises(psycopg.errors.CheckViolation):
        queue.conn.execute(
            "UPDATE chunked_sync_jobs SET processing_time_ms = NULL WHERE id = %s",
            (job.chunk_ids[0],),
        )


def test_sync_job_states_and_fields_agree(queue: Queue) -> None:
    job = queue.sync_job(2)
    with pytest.raises(psycopg.errors.CheckViolation):
        queue.conn.execute("UPDATE sync_jobs SET status = 'completed' WHERE id = %s", (job.id,))
    with pytest.raises(psycopg.errors.CheckViolation):
        queue.conn.execute("UPDATE sync_jobs SET active_queue_id = 1 WHERE id = %s", (job.id,))
    with pytest.raises(psycopg.errors.CheckViolation):
        queue.conn.execute("UPDATE sync_jobs SET max_attempts = 0 WHERE id = %s", (job.id,))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE chunk_processing_events SET detail = 'rewritten'",
        "DELETE FROM chunk_processing_events",
        "TRUNCATE chunk_processing_events",
    ],
)
def test_event_table_is_append_only(queue: Queue, statement: str) -> None:
    queue.sync_job(1)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        queue.conn.execute(statement)
    assert queue.value("SELECT count(*) FROM chunk_processing_events") == 1


def test_injected_clock(queue: Queue) -> None:
    assert queue.value("SELECT chunk_queue_now() = now()")
    queue.conn.execute("SET chunkq.now = '2030-01-01 00:00:00+00'")
    assert queue.value("SELECT chunk_queue_now()") == T0
    queue.conn.execute("RESET chunkq.now")
    assert queue.value("SELECT chunk_queue_now() = now()")


def _readme_sql_blocks() -> list[str]:
    text = (SQL_DIR.parent / "README.md").read_text()
    section = text[text.index("## The Safe Chunk Processing System") :]
    blocks = section.split("```sql\n")[1:]
    return [b.split("```", 1)[0] for b in blocks]


def test_readme_deployment_check_finds_every_object(queue: Queue) -> None:
    check = next(b for b in _readme_sql_blocks() if "MISSING" in b)
    rows = queue.q(check)
    assert len(rows) >= 14
    assert {r["state"] for r in rows} == {"ok"}


def test_readme_monitoring_queries_run(queue: Queue) -> None:
    queue.sync_job(2)
    claimed = queue.claim()
    assert claimed is not None
    queue.complete(claimed)
    for block in _readme_sql_blocks():
        for statement in filter(str.strip, block.split(";")):
            queue.q(statement)
