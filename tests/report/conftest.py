"""Hand-built diagnostics and sources for the renderer snapshot tests, and the snapshot
helper: expected outputs live in ``snapshots/``; ``PGDRIFT_UPDATE_SNAPSHOTS=1`` rewrites them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pgdrift.check import CheckStats
from pgdrift.diagnostic import Diagnostic, Severity
from pgdrift.source import SourceFile

SNAPSHOTS = Path(__file__).parent / "snapshots"

QUEUE_SQL = """\
CREATE FUNCTION public.claim_next_chunk_job_safe(p_worker text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_chunk chunked_sync_jobs%ROWTYPE;
BEGIN
    SELECT * INTO v_chunk FROM chunked_sync_jobs LIMIT 1;
    RETURN jsonb_build_object(
    'chunk_index', v_chunk.chunk_number,
\t'estimated_emails', v_chunk.email_count_estimate);
END $$;
UPDATE chunked_sync_jobs
   SET actual_duration_ms = 1,
       error = 'x'
 WHERE id = 1;
"""

VIEW_SQL = 'CREATE VIEW v AS SELECT naïve, "Weird, col" FROM t;\n'


def _span(src: SourceFile, needle: str, nth: int = 0, length: int | None = None):
    start = -1
    for _ in range(nth + 1):
        start = src.text.index(needle, start + 1)
    return src.span(start, start + (len(needle) if length is None else length))


@pytest.fixture
def sources() -> dict[str, SourceFile]:
    queue = SourceFile("sql/020_queue_functions.sql", QUEUE_SQL)
    view = SourceFile("sql/030_views.sql", VIEW_SQL)
    return {queue.path: queue, view.path: view}


@pytest.fixture
def diagnostics(sources: dict[str, SourceFile]) -> list[Diagnostic]:
    queue = sources["sql/020_queue_functions.sql"]
    view = sources["sql/030_views.sql"]
    ctx = "function public.claim_next_chunk_job_safe(text)"
    return [
        # deliberately out of order: renderers sort
        Diagnostic(
            "PGD101",
            "unknown-column",
            Severity.ERROR,
            'column "actual_duration_ms" of relation "public.chunked_sync_jobs" does not exist',
            _span(queue, "actual_duration_ms"),
            help='did you mean "processing_time_ms"?',
        ),
        Diagnostic(
            "PGD103",
            "unknown-record-field",
            Severity.ERROR,
            'record v_chunk (public.chunked_sync_jobs) has no field "chunk_number"',
            _span(queue, "v_chunk.chunk_number"),
            help='did you mean "chunk_index"?',
            notes=(f"in {ctx}, body line 7",),
            context=ctx,
        ),
        Diagnostic(
            "PGD103",
            "unknown-record-field",
            Severity.ERROR,
            'record v_chunk (public.chunked_sync_jobs) has no field "email_count_estimate"',
            _span(queue, "v_chunk.email_count_estimate"),
            help='did you mean "estimated_emails"?',
            context=ctx,
        ),
        Diagnostic(
            "PGD101",
            "unknown-column",
            Severity.ERROR,
            'column "naïve" does not exist',
            _span(view, "naïve"),
            context="view public.v",
        ),
        Diagnostic(
            "PGD001",
            "unanalysed-statement",
            Severity.WARNING,
            "statement could not be analysed: 100% opaque, with\nnewline, comma: colon",
            _span(queue, "UPDATE", length=len(QUEUE_SQL) - QUEUE_SQL.index("UPDATE") - 1),
        ),
        Diagnostic(
            "PGD201",
            "missing-relation",
            Severity.INFO,
            'relation "public.audit_log" exists in the live database only',
        ),
    ]


@pytest.fixture
def stats() -> CheckStats:
    return CheckStats(files=2, functions=1, views=1, statements=4, unanalysed=1)


def assert_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("PGDRIFT_UPDATE_SNAPSHOTS") or not path.exists():
        if not os.environ.get("PGDRIFT_UPDATE_SNAPSHOTS"):
            path.write_text(actual, encoding="utf-8")
            pytest.fail(f"snapshot {name} did not exist: written, check it and re-run")
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"output differs from snapshots/{name}"
