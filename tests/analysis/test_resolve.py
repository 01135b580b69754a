"""Direct tests of resolve(): each construct clean and broken.

A case is ``(text, expected)`` where ``expected`` lists ``(code, snippet)``: the rule code
and the exact text the finding's span covers. An empty list means no findings.
"""

from __future__ import annotations

import pytest

from pgdrift.analysis.resolve import resolve

from .schema import plpgsql_env

Case = tuple[str, list[tuple[str, str]]]

STATEMENTS: list[Case] = [
    # -- the incident ------------------------------------------------------------------
    (
        "UPDATE chunked_sync_jobs SET actual_duration_ms = p_ms, error = p_error "
        "WHERE id = v_chunk.id",
        [("PGD101", "actual_duration_ms"), ("PGD101", "error")],
    ),
    (
        "UPDATE chunked_sync_jobs SET processing_time_ms = p_ms, error_message = p_error "
        "WHERE id = v_chunk.id",
        [],
    ),
    # -- plain SELECT, aliases, joins ----------------------------------------------------
    ("SELECT id, status FROM chunked_sync_jobs", []),
    ("SELECT id, stats FROM chunked_sync_jobs", [("PGD101", "stats")]),
    ("SELECT c.id FROM chunked_sync_jobs AS c", []),
    ("SELECT c.idx FROM chunked_sync_jobs AS c", [("PGD101", "c.idx")]),
    ("SELECT chunked_sync_jobs.id FROM chunked_sync_jobs c", [("PGD102", "chunked_sync_jobs.id")]),
    ("SELECT id FROM chunked_sync_jobs c JOIN sync_jobs j ON j.id = c.job_id", [("PGD105", "id")]),
    (
        "SELECT c.id, j.total_chunks FROM chunked_sync_jobs c JOIN sync_jobs j ON j.id = c.job_id",
        [],
    ),
    (
        "SELECT c.id FROM chunked_sync_jobs c LEFT JOIN sync_jobs j ON j.ident = c.job_id",
        [("PGD101", "j.ident")],
    ),
    ("SELECT id FROM chunked_sync_jobs JOIN sync_jobs USING (id)", []),
    ("SELECT chunk_index FROM chunked_sync_jobs JOIN sync_jobs USING (idd)", [("PGD101", "idd")]),
    ("SELECT created_at FROM chunked_sync_jobs NATURAL JOIN sync_jobs", []),
    (
        "SELECT c.id, j.state, a.email FROM ((chunked_sync_jobs c JOIN sync_jobs j "
        "ON ((j.id = c.job_id))) LEFT JOIN accounts a ON a.id = j.account_id)",
        [],
    ),
    (
        "SELECT c.idd FROM ((chunked_sync_jobs c JOIN sync_jobs j ON j.idd = c.job_id) "
        "LEFT JOIN accounts a ON a.id = j.account_id) JOIN audit.events e ON e.id = a.id",
        [("PGD101", "c.idd"), ("PGD101", "j.idd")],
    ),
    ("SELECT x.state, x.id FROM (chunked_sync_jobs JOIN sync_jobs USING (id)) AS x", []),
    (
        "SELECT c.id FROM ((chunked_sync_jobs c JOIN sync_jobs j ON j.id = c.job_id) "
        "LEFT JOIN accounts a ON a.id = c.job_id) JOIN accounts a2 ON a2.id = c.id",
        [],
    ),
    (
        "SELECT 1 FROM accounts x, (chunked_sync_jobs c JOIN sync_jobs j ON j.id = x.id)",
        [("PGD102", "x.id")],
    ),
    # ON sees only its own join tree; USING/NATURAL merge groups
    (
        "SELECT 1 FROM accounts a, chunked_sync_jobs c JOIN sync_jobs j ON j.account_id = a.id",
        [("PGD102", "a.id")],
    ),
    (
        "SELECT 1 FROM accounts a CROSS JOIN chunked_sync_jobs c JOIN sync_jobs j "
        "ON j.account_id = a.id",
        [],
    ),
    (
        "SELECT 1 FROM chunked_sync_jobs c JOIN sync_jobs j ON j.id = x.id JOIN accounts x ON true",
        [("PGD102", "x.id")],
    ),
    ("SELECT id FROM chunked_sync_jobs JOIN sync_jobs USING (id) JOIN accounts USING (id)", []),
    ("SELECT 1 FROM accounts a JOIN sync_jobs a ON true", [("PGD105", "a")]),
    ("UPDATE accounts SET email = 'x' FROM accounts", [("PGD105", "accounts")]),
    (
        "SELECT 1 FROM public.chunked_sync_jobs, audit.events, public.sync_jobs events",
        [("PGD105", "events")],
    ),
    (
        "SELECT created_at FROM chunked_sync_jobs c, sync_jobs j NATURAL JOIN accounts a",
        [("PGD105", "created_at")],
    ),
    (
        "SELECT 1 FROM chunked_sync_jobs c JOIN sync_jobs j ON j.id = c.job_id JOIN accounts USING (id)",
        [("PGD105", "id")],
    ),
    (
        "SELECT x.nope FROM (chunked_sync_jobs JOIN sync_jobs USING (id)) AS x",
        [("PGD101", "x.nope")],
    ),
    ("SELECT x.a FROM chunked_sync_jobs", [("PGD102", "x.a")]),
    ("SELECT id FROM chunk_sync_jobs", [("PGD102", "chunk_sync_jobs")]),
    ("SELECT id FROM public.chunked_sync_jobs", []),
    ("SELECT id FROM audit.chunked_sync_jobs", [("PGD102", "audit.chunked_sync_jobs")]),
    ("SELECT what FROM audit.events", []),
    (
        "SELECT what FROM events",
        [
            ("PGD102", "events"),
        ],
    ),
    ("SELECT public.chunked_sync_jobs.id FROM public.chunked_sync_jobs", []),
    ("SELECT id FROM nowhere.t", []),  # a schema never seen: cannot know
    # -- quoting and case folding ------------------------------------------------------
    ('SELECT "Name", email FROM accounts', []),
    ("SELECT Name FROM accounts", [("PGD101", "Name")]),
    ('SELECT "ID" FROM accounts', [("PGD101", '"ID"')]),
    ("SELECT ID, EMAIL FROM ACCOUNTS", []),
    ('SELECT a."email" FROM "accounts" a', []),
    # -- system columns, whole rows, stars ---------------------------------------------
    ("SELECT ctid, xmin, c.xmax FROM chunked_sync_jobs c", []),
    ("SELECT ctid FROM active_jobs", [("PGD101", "ctid")]),
    ("SELECT c FROM chunked_sync_jobs c", []),
    ("SELECT row_to_json(c) FROM chunked_sync_jobs c", []),
    ("SELECT c.* FROM chunked_sync_jobs c", []),
    ("SELECT d.* FROM chunked_sync_jobs c", [("PGD102", "d.*")]),
    ("SELECT (c).status FROM chunked_sync_jobs c", []),
    ("SELECT (c).stat FROM chunked_sync_jobs c", [("PGD101", "(c).stat")]),
    ("SELECT (home).city, (p.home).street FROM people p", []),
    ("SELECT (home).town FROM people p", [("PGD101", "(home).town")]),
    ("SELECT (p.home).zip FROM people p", [("PGD101", "(p.home).zip")]),
    ("UPDATE people SET home.city = 'x'", []),
    # -- subqueries and derived tables --------------------------------------------------
    ("SELECT s.n FROM (SELECT count(*) AS n FROM chunked_sync_jobs) s", []),
    ("SELECT s.m FROM (SELECT count(*) AS n FROM chunked_sync_jobs) s", [("PGD101", "s.m")]),
    ("SELECT s.x FROM (SELECT id, status FROM chunked_sync_jobs) s(x, y)", []),
    ("SELECT s.id FROM (SELECT id, status FROM chunked_sync_jobs) s(x, y)", [("PGD101", "s.id")]),
    (
        "SELECT id FROM chunked_sync_jobs c WHERE EXISTS "
        "(SELECT 1 FROM sync_jobs j WHERE j.id = c.job_id AND j.total_chunks > c.chunk_index)",
        [],
    ),
    (
        "SELECT id FROM chunked_sync_jobs c WHERE job_id IN (SELECT id FROM sync_jobs WHERE stat = 1)",
        [("PGD101", "stat")],
    ),
    ("SELECT (SELECT max(chunk_index) FROM chunked_sync_jobs) AS m", []),
    # -- CTEs ------------------------------------------------------------------------
    ("WITH c AS (SELECT id, status FROM chunked_sync_jobs) SELECT id FROM c", []),
    ("WITH c AS (SELECT id FROM chunked_sync_jobs) SELECT status FROM c", [("PGD101", "status")]),
    ("WITH c(a, b) AS (SELECT id, status FROM chunked_sync_jobs) SELECT a, b FROM c", []),
    (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) "
        "SELECT n FROM r",
        [],
    ),
    (
        "WITH RECURSIVE r AS (SELECT id, job_id FROM chunked_sync_jobs UNION ALL "
        "SELECT c.id, c.job_id FROM chunked_sync_jobs c JOIN r ON r.id = c.job_id) SELECT id FROM r",
        [],
    ),
    (
        "WITH d AS (DELETE FROM chunked_sync_jobs WHERE status = 'failed' RETURNING id, job_id) "
        "SELECT job_id, count(*) FROM d GROUP BY job_id",
        [],
    ),
    (
        "WITH d AS (UPDATE chunked_sync_jobs SET status = 'pending' RETURNING id) "
        "SELECT job_id FROM d",
        [("PGD101", "job_id")],
    ),
    # -- set operations ----------------------------------------------------------------
    ("SELECT id FROM chunked_sync_jobs UNION SELECT id FROM sync_jobs ORDER BY id", []),
    ("SELECT id FROM chunked_sync_jobs INTERSECT SELECT idd FROM sync_jobs", [("PGD101", "idd")]),
    ("SELECT id FROM chunked_sync_jobs EXCEPT SELECT account_id FROM sync_jobs", []),
    # -- ORDER BY / GROUP BY output names -----------------------------------------------
    ("SELECT status AS s, count(*) AS n FROM chunked_sync_jobs GROUP BY s ORDER BY n DESC", []),
    ("SELECT status FROM chunked_sync_jobs ORDER BY 1", []),
    ("SELECT DISTINCT ON (j) job_id AS j, id FROM chunked_sync_jobs ORDER BY j, id", []),
    (
        "SELECT DISTINCT ON (jj) job_id AS j FROM chunked_sync_jobs ORDER BY jj",
        [("PGD101", "jj"), ("PGD101", "jj")],
    ),
    ("SELECT status AS s FROM chunked_sync_jobs WHERE s = 'x'", [("PGD101", "s")]),
    (
        "SELECT * FROM chunked_sync_jobs c, sync_jobs j ORDER BY created_at",
        [("PGD105", "created_at")],
    ),
    ("SELECT c.id, j.id FROM chunked_sync_jobs c, sync_jobs j ORDER BY id", [("PGD105", "id")]),
    ("SELECT id, c.id FROM chunked_sync_jobs c ORDER BY id", []),
    ("SELECT * FROM chunked_sync_jobs JOIN sync_jobs USING (id) ORDER BY id", []),
    ("SELECT status FROM chunked_sync_jobs ORDER BY priority", [("PGD101", "priority")]),
    # -- FOR UPDATE, jsonb operators ------------------------------------------------------
    (
        "SELECT * FROM chunked_sync_jobs WHERE status = 'pending' ORDER BY created_at "
        "LIMIT 1 FOR UPDATE SKIP LOCKED",
        [],
    ),
    (
        "SELECT payload->>'a', payload->'b'->>'c', payload #> '{a,b}', payload #>> '{a}' "
        "FROM chunked_sync_jobs WHERE payload ? 'k' AND payload @> '{}' AND payload ?| array['a']",
        [],
    ),
    ("SELECT paylod->>'a' FROM chunked_sync_jobs", [("PGD101", "paylod")]),
    # -- LATERAL and set-returning functions ----------------------------------------------
    (
        "SELECT j.id, x.n FROM sync_jobs j, LATERAL (SELECT count(*) AS n FROM chunked_sync_jobs c "
        "WHERE c.job_id = j.id) x",
        [],
    ),
    (
        "SELECT j.id FROM sync_jobs j CROSS JOIN LATERAL (SELECT c.id FROM chunked_sync_jobs c "
        "WHERE c.jobid = j.id) x",
        [("PGD101", "c.jobid")],
    ),
    ("SELECT g FROM generate_series(1, 10) g", []),
    ("SELECT g.i FROM generate_series(1, 10) AS g(i)", []),
    ("SELECT generate_series FROM generate_series(1, 3)", []),
    ("SELECT x, n FROM unnest(ARRAY[1,2]) WITH ORDINALITY AS u(x, n)", []),
    ("SELECT u FROM unnest(ARRAY[1,2]) u", []),
    ("SELECT r.a, r.b FROM jsonb_to_recordset('[]'::jsonb) AS r(a int, b text)", []),
    ("SELECT r.c FROM jsonb_to_recordset('[]'::jsonb) AS r(a int, b text)", [("PGD101", "r.c")]),
    ("SELECT key, value FROM jsonb_each('{}'::jsonb)", []),
    ("SELECT e.kee FROM jsonb_each('{}'::jsonb) e", [("PGD101", "e.kee")]),
    ("SELECT value FROM jsonb_array_elements('[]'::jsonb)", []),
    ("SELECT e.v, e.n FROM jsonb_array_elements('[]') WITH ORDINALITY AS e(v, n)", []),
    ("SELECT g, g.ordinality FROM generate_series(1, 2) WITH ORDINALITY g", []),
    ("SELECT c.chunk_index FROM claim_chunk('w1') c", []),
    ("SELECT c.chunk_number FROM claim_chunk('w1') c", [("PGD101", "c.chunk_number")]),
    ("SELECT done, failed FROM job_stats(1)", []),
    ("SELECT s.done, s.skipped FROM job_stats(1) s", [("PGD101", "s.skipped")]),
    ("SELECT chunk_id, idx FROM list_chunks(1)", []),
    ("SELECT chunk_id, idx FROM list_chunks(1, 5)", []),
    ("SELECT i FROM next_id() i", []),
    ("SELECT next_id FROM next_id()", []),
    ("SELECT anything FROM some_unknown_srf() f", [("PGD104", "some_unknown_srf")]),
    # -- INSERT --------------------------------------------------------------------------
    ("INSERT INTO chunked_sync_jobs (job_id, chunk_index, status) VALUES (1, 0, 'pending')", []),
    (
        "INSERT INTO chunked_sync_jobs (job_id, chunk_number, state) VALUES (1, 0, 'pending')",
        [("PGD101", "chunk_number"), ("PGD101", "state")],
    ),
    (
        "INSERT INTO chunked_sync_jobs (job_id, status) VALUES (1, 'complete')",
        [("PGD107", "'complete'")],
    ),
    (
        "INSERT INTO chunked_sync_jobs (job_id, chunk_index) "
        "SELECT id, generate_series(0, total_chunks - 1) FROM sync_jobs WHERE id = p_job_id",
        [],
    ),
    (
        "INSERT INTO chunked_sync_jobs (job_id, chunk_index) SELECT id, chunks FROM sync_jobs",
        [("PGD101", "chunks")],
    ),
    (
        "INSERT INTO chunked_sync_jobs AS c (id, status) VALUES (1, 'pending') "
        "ON CONFLICT (id) DO UPDATE SET status = excluded.status, "
        "chunk_index = c.chunk_index + 1 WHERE c.status <> 'completed' RETURNING c.id, status",
        [],
    ),
    (
        "INSERT INTO chunked_sync_jobs (id) VALUES (1) ON CONFLICT (idx) DO UPDATE "
        "SET statos = excluded.statuss",
        [("PGD101", "idx"), ("PGD101", "statos"), ("PGD101", "excluded.statuss")],
    ),
    (
        "INSERT INTO chunked_sync_jobs (id) VALUES (1) ON CONFLICT ON CONSTRAINT pk DO NOTHING",
        [],
    ),
    ("INSERT INTO chunked_sync_jobs (id) VALUES (1) RETURNING idd", [("PGD101", "idd")]),
    ("INSERT INTO chunked_sync_jobs (id) VALUES (DEFAULT)", []),
    # -- UPDATE --------------------------------------------------------------------------
    (
        "UPDATE chunked_sync_jobs c SET status = 'completed', completed_at = now() "
        "FROM sync_jobs j WHERE j.id = c.job_id AND j.state = 'running' RETURNING c.id",
        [],
    ),
    (
        "UPDATE chunked_sync_jobs c SET status = 'done' FROM sync_jobs j "
        "WHERE j.id = c.job_id AND j.state = 'runing'",
        [("PGD107", "'done'"), ("PGD107", "'runing'")],
    ),
    ("UPDATE chunked_sync_jobs SET (status, chunk_index) = ('pending', 0)", []),
    (
        "UPDATE sync_jobs AS j SET total_chunks = coalesce(n.chunk_index, 0) FROM (SELECT 1) AS one "
        "LEFT JOIN chunked_sync_jobs AS n ON n.job_id = j.id WHERE j.id = 1 RETURNING n.id",
        [("PGD102", "j.id")],  # Postgres: invalid reference to FROM-clause entry for table "j"
    ),
    (
        "UPDATE sync_jobs AS j SET total_chunks = coalesce(n.chunk_index, 0) FROM (SELECT 1) AS one "
        "LEFT JOIN chunked_sync_jobs AS n ON true WHERE n.job_id = j.id RETURNING n.id",
        [],
    ),
    (
        "DELETE FROM sync_jobs j USING accounts a JOIN chunked_sync_jobs c ON c.job_id = a.id "
        "WHERE j.account_id = a.id AND c.stat = 'x'",
        [("PGD101", "c.stat")],
    ),
    ("UPDATE chunked_sync_jobs SET payload = payload || '{}' WHERE id = 1", []),
    ("UPDATE chunked_sync_jobs SET status = 'pending' RETURNING nope", [("PGD101", "nope")]),
    # -- DELETE --------------------------------------------------------------------------
    (
        "DELETE FROM chunked_sync_jobs c USING sync_jobs j WHERE j.id = c.job_id "
        "AND j.state = 'done' RETURNING c.*",
        [],
    ),
    ("DELETE FROM chunked_sync_jobs WHERE stat = 'x'", [("PGD101", "stat")]),
    # -- MERGE ---------------------------------------------------------------------------
    (
        "MERGE INTO chunked_sync_jobs t USING sync_jobs s ON t.job_id = s.id "
        "WHEN MATCHED THEN UPDATE SET status = 'pending' "
        "WHEN NOT MATCHED THEN INSERT (job_id, chunk_index) VALUES (s.id, 0)",
        [],
    ),
    (
        "MERGE INTO chunked_sync_jobs t USING sync_jobs s ON t.job_id = s.idd "
        "WHEN MATCHED THEN UPDATE SET stat = 'pending' "
        "WHEN NOT MATCHED THEN INSERT (job_id, chunk_nr) VALUES (s.id, 0)",
        [("PGD101", "s.idd"), ("PGD101", "stat"), ("PGD101", "chunk_nr")],
    ),
    # -- functions -----------------------------------------------------------------------
    (
        "SELECT coalesce(max(chunk_index), 0), count(*), nullif(max(status), ''), "
        "greatest(1, 2), extract(epoch FROM now() - max(started_at)), min(started_at)::date, "
        "CAST(max(id) AS text), jsonb_build_object('a', 1), to_char(now(), 'YYYY') "
        "FROM chunked_sync_jobs",
        [],
    ),
    (
        "SELECT jsonb_build_objekt('a', id) FROM chunked_sync_jobs",
        [("PGD104", "jsonb_build_objekt")],
    ),
    ("SELECT claim_chunk('a', 'b')", [("PGD108", "claim_chunk")]),
    ("SELECT public.next_id(1)", [("PGD108", "public.next_id")]),
    ("SELECT public.nope()", [("PGD104", "public.nope")]),
    ("SELECT pg_catalog.lower('A'), pg_catalog.nope()", [("PGD104", "pg_catalog.nope")]),
    ("SELECT other_schema.fn()", []),  # a schema never seen: cannot know
    ("SELECT uuid_generate_v4()", [("PGD104", "uuid_generate_v4")]),
    # other dialects' functions that sqlglot rewrites silently
    (
        "SELECT ifnull(error_message, ''), len(status), group_concat(status), 'nvl(x)' "
        "FROM chunked_sync_jobs -- iif(a)",
        [("PGD104", "ifnull"), ("PGD104", "len"), ("PGD104", "group_concat")],
    ),
    (
        "SELECT coalesce(max(error_message), ''), length(max(status)), string_agg(status, ',') FROM chunked_sync_jobs",
        [],
    ),
    ("SELECT count(*) FILTER (WHERE status = 'failed') FROM chunked_sync_jobs AS space", []),
    ("SELECT left('abc', 1), right('abc', 1), repeat('a', 2), split_part('a,b', ',', 1)", []),
    ("SELECT pg_advisory_xact_lock(hashtext('a')), gen_random_uuid(), clock_timestamp()", []),
    ("SELECT string_agg(status, ',' ORDER BY id) FILTER (WHERE id > 1) FROM chunked_sync_jobs", []),
    (
        "SELECT row_number() OVER (PARTITION BY job_id ORDER BY chunk_index) FROM chunked_sync_jobs",
        [],
    ),
    # -- literals against CHECK / enum ---------------------------------------------------
    ("SELECT id FROM chunked_sync_jobs WHERE status = 'complete'", [("PGD107", "'complete'")]),
    ("SELECT id FROM chunked_sync_jobs WHERE 'complete' = status", [("PGD107", "'complete'")]),
    (
        "SELECT id FROM chunked_sync_jobs WHERE status IN ('pending', 'procesing')",
        [("PGD107", "'procesing'")],
    ),
    ("SELECT id FROM chunked_sync_jobs WHERE status <> 'failed'", []),
    ("SELECT id FROM sync_jobs WHERE state = 'queued'", []),
    ("SELECT id FROM sync_jobs WHERE state = 'queue'", [("PGD107", "'queue'")]),
    ("SELECT id FROM chunked_sync_jobs WHERE error_message = 'anything'", []),
    (
        "UPDATE chunked_sync_jobs SET status = CASE WHEN id > 1 THEN 'completed' "
        "ELSE 'faild' END, error_message = 'x'",
        [("PGD107", "'faild'")],
    ),
    ("UPDATE chunked_sync_jobs SET status = coalesce(NULL, 'pendng')", [("PGD107", "'pendng'")]),
    (
        "INSERT INTO chunked_sync_jobs (id, status) SELECT id, 'queued' FROM sync_jobs",
        [("PGD107", "'queued'")],
    ),
    (
        "SELECT 1 FROM chunked_sync_jobs WHERE status = ANY(ARRAY['pending', 'bad'])",
        [("PGD107", "'bad'")],
    ),
    ("SELECT CASE status WHEN 'done' THEN 1 END FROM chunked_sync_jobs", [("PGD107", "'done'")]),
    ("SELECT CASE status WHEN 'failed' THEN 1 END FROM chunked_sync_jobs", []),
    # -- typed built-ins with a wrong argument count, CALL ----------------------------------
    ("SELECT lower('a', 'b'), upper('x')", [("PGD108", "lower")]),
    ("SELECT length(), lower(')')", [("PGD108", "length")]),
    (
        "SELECT round(1.5, 2, 3), to_char(now()), split_part('a', ',')",
        [("PGD108", "round"), ("PGD108", "to_char"), ("PGD108", "split_part")],
    ),
    (
        "SELECT lower('a'), count(*), string_agg(status, ',' ORDER BY id), "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY id), lag(id, 1, 0) OVER (ORDER BY id), "
        "make_interval(days => 1), trim(both ' ' from status), 'round(1, 2, 3)' FROM chunked_sync_jobs GROUP BY id",
        [],
    ),
    ("SELECT date_trunc(created_at) FROM chunked_sync_jobs", [("PGD108", "date_trunc")]),
    ("CALL do_something(1)", [("PGD104", "do_something")]),
    ("CALL next_id()", []),
    ("CALL next_id(1, 2)", [("PGD108", "next_id")]),
    # -- populate_record shapes, SET target qualification ----------------------------------
    (
        "SELECT r.chunk_index, r.chunk_nr FROM "
        "jsonb_populate_recordset(NULL::chunked_sync_jobs, '[]') r",
        [("PGD101", "r.chunk_nr")],
    ),
    ("UPDATE chunked_sync_jobs c SET c.status = 'pending'", [("PGD101", "c")]),
    # -- syntax sqlglot lacks, blanked on a retry ----------------------------------------
    ("INSERT INTO chunked_sync_jobs (id) OVERRIDING SYSTEM VALUE VALUES (1)", []),
    ("INSERT INTO chunked_sync_jobs (idd) OVERRIDING USER VALUE VALUES (1)", [("PGD101", "idd")]),
    ("SELECT id FROM chunked_sync_jobs ORDER BY id USING <", []),
    ("SELECT id FROM chunked_sync_jobs ORDER BY idx USING >", [("PGD101", "idx")]),
    ("UPDATE chunked_sync_jobs SET chunk_index = chunk_index + 1 WHERE CURRENT OF cur", []),
    ("UPDATE chunked_sync_jobs SET chunk_idx = 1 WHERE CURRENT OF cur", [("PGD101", "chunk_idx")]),
    # -- lists that must line up (PGD109) ------------------------------------------------
    (
        "INSERT INTO chunked_sync_jobs (job_id, chunk_index, status) VALUES (1, 0)",
        [("PGD109", "status")],
    ),
    ("INSERT INTO chunked_sync_jobs (job_id) VALUES (1, 0)", [("PGD109", "0")]),
    ("INSERT INTO accounts VALUES (1, 'a@b', 'n', 'extra')", [("PGD109", "'extra'")]),
    ("INSERT INTO accounts VALUES (1, 'a@b')", []),
    ("INSERT INTO accounts (id, email) SELECT id FROM sync_jobs", [("PGD109", "email")]),
    ("INSERT INTO accounts (id) SELECT id, account_id FROM sync_jobs", [("PGD109", "account_id")]),
    ("INSERT INTO accounts (id, email) SELECT * FROM (VALUES (1, 'x')) v", []),
    ("UPDATE accounts SET (email, \"Name\") = ('a', 'b', 'c')", [("PGD109", "'a', 'b', 'c'")]),
    (
        'UPDATE accounts a SET (email, "Name") = (SELECT s.email, s."Name" FROM accounts s WHERE s.id = a.id)',
        [],
    ),
    ("SELECT id, email FROM accounts UNION SELECT id FROM sync_jobs", [("PGD109", "id")]),
    ("SELECT 1 FROM (VALUES (1, 2), (3)) v", [("PGD109", "3")]),
    ("SELECT x.a FROM (SELECT 1) AS x(a, b)", [("PGD109", "x")]),
    ("SELECT c.a FROM chunked_sync_jobs c(a, b)", []),
    ("WITH k(a, b) AS (SELECT 1) SELECT a FROM k", [("PGD109", "k")]),
    ("SELECT g.n FROM generate_series(1, 3) AS g(n, m)", [("PGD109", "g")]),
    # -- types (PGD110) ------------------------------------------------------------------
    (
        "SELECT 'queued'::job_state, 'done'::public.job_state, NULL::address, NULL::chunked_sync_jobs",
        [],
    ),
    (
        "SELECT 'pg_class'::regclass, 'x'::tsvector, 1::oid, '{}'::jsonb, '{queued}'::job_state[]",
        [],
    ),
    ("SELECT 'queue'::job_state", [("PGD107", "'queue'")]),
    ("SELECT 'queued'::job_stat", [("PGD110", "job_stat")]),
    ("SELECT CAST('x' AS public.job_stat)", [("PGD110", "public.job_stat")]),
    ("SELECT 'x'::nowhere.t", []),
    ("SELECT 'a'::citext", [("PGD110", "citext")]),
    ("SELECT r.a FROM jsonb_to_recordset('[]') AS r(a job_stat)", [("PGD110", "job_stat")]),
    # -- DDL and others ------------------------------------------------------------------
    ("DROP TABLE IF EXISTS nothing_here", []),
    ("TRUNCATE chunked_sync_jobs", []),
    ("TRUNCATE chunk_jobs", [("PGD102", "chunk_jobs")]),
    ("LOCK TABLE chunked_sync_jobs IN SHARE ROW EXCLUSIVE MODE", []),
    ("ALTER TABLE chunked_sync_jobs RENAME TO cj2", []),
    ("ALTER TABLE IF EXISTS gone ADD COLUMN x int", []),
    ("ALTER TABLE gone ADD COLUMN x int", [("PGD102", "gone")]),
    ("NOTIFY chan, 'x'", []),
    ("EXPLAIN (ANALYZE, BUFFERS) SELECT idd FROM chunked_sync_jobs", [("PGD101", "idd")]),
    ("EXPLAIN SELECT id FROM chunked_sync_jobs", []),
    ("LOCK chunked_sync_jobs, public.sync_jobs NOWAIT", []),
    (
        "LOCK TABLE ONLY chunk_jobs, audit.evnts IN ACCESS EXCLUSIVE MODE",
        [("PGD102", "chunk_jobs"), ("PGD102", "audit.evnts")],
    ),
    ("REFRESH MATERIALIZED VIEW CONCURRENTLY active_jobs", []),
    ("ALTER TABLE chunked_sync_jobs DISABLE TRIGGER ALL", []),
    ("ALTER TABLE chunk_jobs ENABLE TRIGGER trg", [("PGD102", "chunk_jobs")]),
    ("ALTER TABLE IF EXISTS chunk_jobs ENABLE TRIGGER trg", []),
    ("ALTER SEQUENCE chunked_sync_jobs_id_seq RESTART WITH 1", []),
    ("REINDEX TABLE CONCURRENTLY chunked_sync_jobs", []),
    ("REFRESH MATERIALIZED VIEW job_totals WITH NO DATA", [("PGD102", "job_totals")]),
    ("SELECT 1", []),
    ("SELECT id FROM pg_class", [("PGD101", "id")]),
    ("SELECT relname FROM pg_class WHERE relkind = 'r'", []),
    ("SELECT table_name FROM information_schema.tables", []),
]


def _ids(cases: list[Case]) -> list[str]:
    return [c[0][:60] for c in cases]


def _found(text: str, mode: str = "statement") -> list[tuple[str, str]]:
    res = resolve(text, plpgsql_env(), mode)
    assert res.unanalysed is None, res.unanalysed
    return [(f.rule.code, text[f.start : f.end]) for f in res.findings]


@pytest.mark.parametrize(("text", "expected"), STATEMENTS, ids=_ids(STATEMENTS))
def test_statement(text: str, expected: list[tuple[str, str]]) -> None:
    assert sorted(_found(text)) == sorted(expected)
