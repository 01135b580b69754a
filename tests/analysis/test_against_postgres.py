"""Differential check: for every statement case of test_resolve.py that plain SQL can run,
Postgres' own parse analysis (PREPARE) must fail exactly when resolve() reports an error
that Postgres raises at parse time (unknown column/relation/function, ambiguity, arity)."""

from __future__ import annotations

import re

import psycopg

from pgdrift.analysis.env import Env
from pgdrift.analysis.resolve import resolve
from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.source import SourceFile

from .test_resolve import STATEMENTS

DDL = """
CREATE SCHEMA audit;
CREATE TYPE job_state AS ENUM ('queued', 'running', 'done');
CREATE TABLE chunked_sync_jobs (
    id bigint CONSTRAINT pk PRIMARY KEY, job_id bigint, chunk_index integer,
    status text CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    estimated_emails integer, processing_time_ms integer, error_message text,
    started_at timestamptz, completed_at timestamptz, created_at timestamptz, payload jsonb);
CREATE TABLE sync_jobs (id bigint PRIMARY KEY, account_id bigint, state job_state,
    total_chunks integer, created_at timestamptz);
CREATE TABLE accounts (id bigint PRIMARY KEY, email text, "Name" text);
CREATE TYPE address AS (street text, city text);
CREATE TABLE people (id bigint, home address);
CREATE TABLE audit.events (id bigint, what text);
CREATE VIEW active_jobs AS SELECT j.id, count(c.id) AS chunks
    FROM sync_jobs j JOIN chunked_sync_jobs c ON c.job_id = j.id GROUP BY j.id;
CREATE FUNCTION claim_chunk(p_worker text) RETURNS SETOF chunked_sync_jobs
    LANGUAGE sql AS $$ SELECT * FROM chunked_sync_jobs $$;
CREATE FUNCTION job_stats(p_job bigint, OUT done integer, OUT failed integer)
    LANGUAGE sql AS $$ SELECT 1, 2 $$;
CREATE FUNCTION list_chunks(p_job bigint, p_limit integer DEFAULT 10)
    RETURNS TABLE (chunk_id bigint, idx integer) LANGUAGE sql AS $$ SELECT 1::bigint, 2 $$;
CREATE FUNCTION next_id() RETURNS bigint LANGUAGE sql AS $$ SELECT 1::bigint $$;
CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$;
"""

# Codes Postgres raises while analysing a statement (PGD107 on a CHECK is not an error).
PARSE_TIME = {"PGD101", "PGD102", "PGD104", "PGD105", "PGD108", "PGD109", "PGD110"}
PREPARABLE = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|VALUES|TABLE)\b", re.I)
PLPGSQL_NAMES = re.compile(r"\b(p_\w+|v_\w+)\b")
# Cases where pgdrift deliberately accepts what it cannot know.
KNOWN_UNKNOWABLE = {
    "SELECT id FROM nowhere.t",
    "SELECT other_schema.fn()",
    "SELECT 'x'::nowhere.t",
}


def test_statement_cases_agree_with_postgres(pgdrift_make_db) -> None:
    db = pgdrift_make_db(sql=DDL)
    catalog, diags = catalog_from_files([SourceFile("schema.sql", DDL)])
    assert diags == []
    env = Env(catalog, plpgsql=False)
    mismatches = []
    checked = 0
    with db.connect(autocommit=True) as conn:
        for text, _expected in STATEMENTS:
            if not PREPARABLE.match(text) or PLPGSQL_NAMES.search(text):
                continue
            if text in KNOWN_UNKNOWABLE:
                continue
            res = resolve(text, env)
            ours = sorted({f.rule.code for f in res.findings} & PARSE_TIME)
            try:
                conn.execute(f"PREPARE s AS {text}")
                conn.execute("DEALLOCATE s")
                theirs = None
            except psycopg.Error as err:
                theirs = (err.diag.message_primary or "").strip()
            checked += 1
            if theirs and theirs.startswith("invalid input value for enum") and res.findings:
                ours = sorted({f.rule.code for f in res.findings} & {"PGD107"})
            if bool(ours) != (theirs is not None):
                mismatches.append((text, ours, theirs))
    assert checked > 100
    assert mismatches == [], "\n".join(map(repr, mismatches))
