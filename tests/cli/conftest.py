"""A small project with the incident's two broken functions, for end-to-end CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SCHEMA_SQL = """\
CREATE TABLE chunked_sync_jobs (
    id                 bigint PRIMARY KEY,
    sync_job_id        bigint NOT NULL,
    chunk_index        integer NOT NULL,
    estimated_emails   integer,
    status             text NOT NULL DEFAULT 'pending',
    processing_time_ms integer,
    error_message      text
);
"""

FUNCTIONS_SQL = """\
CREATE FUNCTION claim_next_chunk_job_safe(p_worker text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_chunk chunked_sync_jobs%ROWTYPE;
BEGIN
    SELECT * INTO v_chunk FROM chunked_sync_jobs WHERE status = 'pending' LIMIT 1;
    RETURN jsonb_build_object(
        'chunk_index', v_chunk.chunk_number,
        'estimated_emails', v_chunk.email_count_estimate);
END $$;

CREATE FUNCTION complete_chunk_job_safe(p_id bigint, p_ms integer, p_error text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chunked_sync_jobs
       SET actual_duration_ms = p_ms,
           error = p_error
     WHERE id = p_id;
END $$;
"""

FIXED_SQL = (
    FUNCTIONS_SQL.replace("v_chunk.chunk_number", "v_chunk.chunk_index")
    .replace("v_chunk.email_count_estimate", "v_chunk.estimated_emails")
    .replace("actual_duration_ms =", "processing_time_ms =")
    .replace("error = p_error", "error_message = p_error")
)

PYPROJECT = """\
[project]
name = "demo"
version = "0"

[tool.pgdrift]
paths = ["sql"]
"""


def make_project(root: Path, functions: str = FUNCTIONS_SQL) -> Path:
    (root / "sql").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "sql" / "001_schema.sql").write_text(SCHEMA_SQL)
    (root / "sql" / "020_functions.sql").write_text(functions)
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "proj")
    monkeypatch.chdir(root)
    return root
