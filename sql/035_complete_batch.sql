-- Batched completions: complete_and_claim_next_chunks_safe(arrays) reports many chunks (and
-- leases the next chunk for each reporting worker) in one statement and one transaction.
--
-- This is what a pool of workers sharing one connection does (pgdrift worker
-- --concurrency N, via BatchCompleter). A batch is exactly complete_chunk_job_safe(
-- p_chunk_ids[i], p_lease_tokens[i], ...) for each item, in the order the rows are returned
-- (sync job, chunk, item), followed by claim_next_chunk_job_safe(p_worker_ids[i],
-- p_lease_seconds[i]) for each item whose p_worker_ids[i] is not NULL, in that same order
-- (tests/queue/test_queue_batch_differential.py holds it to those functions): every
-- guarantee of those two functions holds per item (lease token fencing, attempts, order and
-- one-at-a-time per sync job, event rows, one outbox row and one pg_notify per accepted
-- completion). What the batch shares is the statements and the COMMIT: Postgres serialises
-- the commits of transactions that NOTIFY (a database-wide lock held through the WAL
-- flush), so one commit per batch instead of one per chunk is what lets a notifying queue
-- keep up.
--
-- How, set-based (a fixed number of statements per batch, not two function calls per item):
--   1. the sync jobs of every item are locked in sync_job_id order (FOR NO KEY UPDATE), the
--      order every completer locks in, so two concurrent batches cannot deadlock;
--   2. the common case -- a success reported with the chunk's current, live lease token,
--      its chunk appearing once in the batch -- is completed for all such items by one
--      statement (queue rows, chunk rows, event rows, sync job rows, outbox rows and the
--      notifications), decided on a snapshot taken after those locks;
--   3. every other item (failures, stale or expired leases, repeats, unknown chunks) is
--      handed to complete_chunk_job_safe() itself, one by one, in (sync job, chunk) order;
--   4. the claims: the claiming items' workers, in that same order, lease the due sync jobs
--      (locked FOR NO KEY UPDATE SKIP LOCKED, oldest next_run_at first) and each sync job's
--      lowest pending chunk, read by a later statement than the lock; a sync job whose
--      next_run_at was stale is repaired and the remaining workers look again (a few
--      rounds at most), exactly as claim_next_chunk_job_safe() does.
-- All items take effect together or, if one raises, none does (the caller then reports each
-- alone).
-- Step 2's statement is complete_chunk_job_safe()'s success statement made set-based. It is
-- repeated rather than shared on purpose: moving it into a function both call cost ~15% more
-- server CPU per chunk on both paths (measured with bench/queue_throughput.py and
-- pg_stat_statements), and tests/queue/test_queue_batch_differential.py holds the two paths
-- to the same results.
CREATE OR REPLACE FUNCTION complete_and_claim_next_chunks_safe(
    p_chunk_ids          bigint[],
    p_lease_tokens       uuid[],
    p_success            boolean[],
    p_worker_ids         text[],
    p_processing_time_ms integer[],
    p_error_messages     text[],
    p_lease_seconds      integer[],
    p_now                timestamptz DEFAULT chunk_queue_now(),
    p_backoff_base_ms    integer DEFAULT 1000,
    p_backoff_max_ms     integer DEFAULT 300000
)
RETURNS TABLE (
    item                  integer,
    outcome               text,
    chunk_status          text,
    sync_job_status       text,
    attempt               integer,
    retry_at              timestamptz,
    outbox_id             bigint,
    next_chunk_id         bigint,
    next_sync_job_id      bigint,
    next_chunk_index      integer,
    next_estimated_emails integer,
    next_queue_id         bigint,
    next_lease_token      uuid,
    next_attempt          integer,
    next_max_attempts     integer,
    next_lease_expires_at timestamptz,
    next_account_id       text
)
LANGUAGE plpgsql
-- Plan each statement once per session: its custom plans cost more to make (~1 ms per call,
-- measured) than the generic plans (index lookups driven by the arrays) cost to run.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_n          integer := coalesce(cardinality(p_chunk_ids), 0);
    v_order      integer[];
    v_claimers   integer[];
    v_fast       integer[];
    v_slow       integer[];
    v_i          integer;
    v_k          integer;
    v_done       record;
    v_jobs       bigint[];
    v_want       integer;
    v_got        integer := 0;
    v_repaired   integer;
    -- per item (index = item): the completion's answer and the claimed chunk
    r_outcome    text[];
    r_chunk      text[];
    r_job        text[];
    r_attempt    integer[];
    r_retry      timestamptz[];
    r_outbox     bigint[];
    r_outboxes   bigint[];
    r_jobs       text[];
    r_attempts   integer[];
    n_items      integer[];
    n_chunk      bigint[];
    n_sync_job   bigint[];
    n_index      integer[];
    n_emails     integer[];
    n_queue      bigint[];
    n_token      uuid[];
    n_attempt    integer[];
    n_max        integer[];
    n_expires    timestamptz[];
    n_account    text[];
BEGIN
    IF coalesce(cardinality(p_lease_tokens), 0) <> v_n
       OR coalesce(cardinality(p_success), 0) <> v_n
       OR coalesce(cardinality(p_worker_ids), 0) <> v_n
       OR coalesce(cardinality(p_processing_time_ms), 0) <> v_n
       OR coalesce(cardinality(p_error_messages), 0) <> v_n
       OR coalesce(cardinality(p_lease_seconds), 0) <> v_n THEN
        RAISE EXCEPTION 'complete_and_claim_next_chunks_safe: the seven arrays must have the same length'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_n = 0 THEN
        RETURN;
    END IF;
    IF p_now IS NULL THEN
        RAISE EXCEPTION 'complete_and_claim_next_chunks_safe: p_now must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_backoff_base_ms IS NULL OR p_backoff_base_ms < 0
       OR p_backoff_max_ms IS NULL OR p_backoff_max_ms < p_backoff_base_ms THEN
        RAISE EXCEPTION 'complete_chunk_job_safe: need 0 <= p_backoff_base_ms <= p_backoff_max_ms, got % and %',
            p_backoff_base_ms, p_backoff_max_ms
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- 1. every item's sync job, locked in sync_job_id order; and the items in (sync job,
    --    chunk, item) order, the order the per-item steps below follow
    PERFORM 1
    FROM sync_jobs AS j
    WHERE j.id IN (SELECT q.sync_job_id
                   FROM chunk_processing_queue AS q
                   WHERE q.chunk_id = ANY (p_chunk_ids))
    ORDER BY j.id
    FOR NO KEY UPDATE OF j;

    SELECT array_agg(x.i ORDER BY q.sync_job_id, x.chunk_id, x.i),
           coalesce(array_agg(x.i ORDER BY q.sync_job_id, x.chunk_id, x.i)
                        FILTER (WHERE p_worker_ids[x.i] IS NOT NULL), '{}'),
           -- the first item whose claim cannot be made (an invalid worker or lease)
           min(x.i) FILTER (WHERE p_worker_ids[x.i] = '' OR (p_worker_ids[x.i] IS NOT NULL
                            AND coalesce(p_lease_seconds[x.i], 0) < 1))
    INTO v_order, v_claimers, v_i
    FROM unnest(p_chunk_ids) WITH ORDINALITY AS x (chunk_id, i)
    LEFT JOIN chunk_processing_queue AS q ON q.chunk_id = x.chunk_id;
    IF v_i IS NOT NULL THEN
        IF p_worker_ids[v_i] = '' THEN
            RAISE EXCEPTION 'claim_next_chunk_job_safe: p_worker_id must be a non-empty text'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RAISE EXCEPTION 'claim_next_chunk_job_safe: p_lease_seconds must be >= 1, got %',
            p_lease_seconds[v_i]
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- 2. the common case, set-based: successes under the current, live lease
    WITH items AS (
        -- repeats counts every item of the chunk, whatever it reports
        SELECT x.*
        FROM (
            SELECT x.i, x.chunk_id, x.lease_token, x.success, x.ms,
                   count(*) OVER (PARTITION BY x.chunk_id) AS repeats
            FROM unnest(p_chunk_ids, p_lease_tokens, p_success, p_processing_time_ms)
                     WITH ORDINALITY AS x (chunk_id, lease_token, success, ms, i)
        ) AS x
        WHERE x.chunk_id IS NOT NULL
          AND x.lease_token IS NOT NULL
          AND x.success
          AND (x.ms IS NULL OR x.ms >= 0)
    ), fast AS MATERIALIZED (
        SELECT x.i, q.id AS queue_id, q.chunk_id, q.sync_job_id, q.chunk_index, q.attempts,
               q.worker_id, x.lease_token,
               coalesce(x.ms, greatest(0, floor(extract(epoch FROM p_now - q.claimed_at)
                                                * 1000))::integer) AS ms,
               count(*) OVER (PARTITION BY q.sync_job_id) AS per_job
        FROM items AS x
        JOIN chunk_processing_queue AS q ON q.chunk_id = x.chunk_id
        WHERE x.repeats = 1
          AND q.status = 'processing'
          AND q.lease_token = x.lease_token
          AND q.lease_expires_at > p_now
    ), f AS MATERIALIZED (
        SELECT fast.* FROM fast WHERE fast.per_job = 1
    ), done_queue AS (
        UPDATE chunk_processing_queue AS q
        SET status = 'completed',
            lease_expires_at = NULL,
            finished_at = p_now,
            updated_at = p_now
        FROM f
        WHERE q.id = f.queue_id
        RETURNING q.id
    ), done_chunk AS (
        UPDATE chunked_sync_jobs AS c
        SET status = 'completed',
            completed_at = p_now,
            processing_time_ms = f.ms,
            error_message = NULL,
            updated_at = p_now
        FROM f
        WHERE c.id = f.chunk_id
        RETURNING c.id
    ), done_event AS (
        INSERT INTO chunk_processing_events
            (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status, to_status,
             attempt, worker_id, lease_token, event_at)
        SELECT f.queue_id, f.chunk_id, f.sync_job_id, f.chunk_index, 'completed',
               'processing', 'completed', f.attempts, f.worker_id, f.lease_token, p_now
        FROM f
        JOIN done_queue AS dq ON dq.id = f.queue_id
        ORDER BY f.sync_job_id
        RETURNING 1
    ), next_chunk AS (
        SELECT f.i, n.chunk_id, n.chunk_index, n.run_after
        FROM f
        JOIN sync_jobs AS j ON j.id = f.sync_job_id
        LEFT JOIN LATERAL (
            SELECT q.chunk_id, q.chunk_index, q.run_after
            FROM chunk_processing_queue AS q
            WHERE q.sync_job_id = f.sync_job_id
              AND q.chunk_index >= j.head_chunk_index
              AND q.status = 'pending'
            ORDER BY q.chunk_index
            LIMIT 1
        ) AS n ON true
    ), done_job AS (
        UPDATE sync_jobs AS j
        SET active_queue_id = NULL,
            completed_chunks = j.completed_chunks + 1,
            head_chunk_index = coalesce(n.chunk_index, j.head_chunk_index),
            next_run_at = n.run_after,
            status = CASE WHEN n.chunk_id IS NULL THEN 'completed' ELSE j.status END,
            completed_at = CASE WHEN n.chunk_id IS NULL THEN p_now END,
            updated_at = p_now
        FROM f
        JOIN next_chunk AS n ON n.i = f.i
        WHERE j.id = f.sync_job_id
        RETURNING f.i, j.status, n.chunk_id, n.chunk_index, n.run_after
    ), done_outbox AS (
        INSERT INTO chunk_webhook_outbox
            (event_type, sync_job_id, chunk_id, lease_token, payload, created_at)
        SELECT CASE WHEN dj.status = 'completed' THEN 'sync_job.completed'
                    ELSE 'chunk.completed' END,
               f.sync_job_id, f.chunk_id, f.lease_token,
               jsonb_build_object(
                   'outcome', 'completed',
                   'sync_job_id', f.sync_job_id,
                   'sync_job_status', dj.status,
                   'chunk_id', f.chunk_id,
                   'chunk_index', f.chunk_index,
                   'attempt', f.attempts,
                   'worker_id', f.worker_id,
                   'lease_token', f.lease_token,
                   'processing_time_ms', f.ms,
                   'next_chunk_id', dj.chunk_id,
                   'next_chunk_index', dj.chunk_index,
                   'next_run_at', dj.run_after,
                   'at', p_now),
               p_now
        FROM done_job AS dj
        JOIN f ON f.i = dj.i
        JOIN done_chunk AS dc ON dc.id = f.chunk_id
        ORDER BY f.sync_job_id
        RETURNING id, event_type, sync_job_id, chunk_id, lease_token, payload
    ), notified AS (
        SELECT pg_notify('chunk_webhooks', json_build_object(
                   'outbox_id', o.id, 'event_type', o.event_type,
                   'sync_job_id', o.sync_job_id, 'chunk_id', o.chunk_id,
                   'next_chunk_id', o.payload -> 'next_chunk_id')::text)
        FROM done_outbox AS o
        WHERE chunk_queue_notify_enabled()
    )
    SELECT coalesce(array_agg(f.i), '{}'), array_agg(o.id), array_agg(dj.status),
           array_agg(f.attempts)
    INTO v_fast, r_outboxes, r_jobs, r_attempts
    FROM done_outbox AS o
    JOIN f ON f.lease_token = o.lease_token
    JOIN done_job AS dj ON dj.i = f.i
    WHERE (SELECT count(*) FROM notified) >= 0;

    r_outcome := array_fill(NULL::text, ARRAY[v_n]);
    r_chunk := array_fill(NULL::text, ARRAY[v_n]);
    r_job := array_fill(NULL::text, ARRAY[v_n]);
    r_attempt := array_fill(NULL::integer, ARRAY[v_n]);
    r_retry := array_fill(NULL::timestamptz, ARRAY[v_n]);
    r_outbox := array_fill(NULL::bigint, ARRAY[v_n]);
    FOR v_k IN 1 .. cardinality(v_fast) LOOP
        v_i := v_fast[v_k];
        r_outcome[v_i] := 'completed';
        r_chunk[v_i] := 'completed';
        r_job[v_i] := r_jobs[v_k];
        r_attempt[v_i] := r_attempts[v_k];
        r_outbox[v_i] := r_outboxes[v_k];
    END LOOP;

    -- 3. every other item, one by one, by complete_chunk_job_safe() itself
    v_slow := '{}';
    IF cardinality(v_fast) < v_n THEN
        SELECT coalesce(array_agg(o.i ORDER BY o.pos), '{}') INTO v_slow
        FROM unnest(v_order) WITH ORDINALITY AS o (i, pos)
        WHERE o.i <> ALL (v_fast);
    END IF;
    FOREACH v_i IN ARRAY v_slow LOOP
        SELECT * INTO v_done
        FROM complete_chunk_job_safe(p_chunk_ids[v_i], p_lease_tokens[v_i], p_success[v_i],
                                     p_processing_time_ms[v_i], p_error_messages[v_i], p_now,
                                     p_backoff_base_ms, p_backoff_max_ms);
        r_outcome[v_i] := v_done.outcome;
        r_chunk[v_i] := v_done.chunk_status;
        r_job[v_i] := v_done.sync_job_status;
        r_attempt[v_i] := v_done.attempt;
        r_retry[v_i] := v_done.retry_at;
        r_outbox[v_i] := v_done.outbox_id;
    END LOOP;

    -- 4. the claims, set-based: the claiming items' workers in order take the due sync jobs
    v_want := cardinality(v_claimers);
    n_items := '{}';
    FOR v_round IN 1..8 LOOP
        EXIT WHEN v_got >= v_want;

        SELECT coalesce(array_agg(c.id ORDER BY c.next_run_at, c.id), '{}') INTO v_jobs
        FROM (
            SELECT j.id, j.next_run_at
            FROM sync_jobs AS j
            WHERE j.status IN ('pending', 'running')
              AND j.active_queue_id IS NULL
              AND j.next_run_at IS NOT NULL
              AND j.next_run_at <= p_now
            ORDER BY j.next_run_at, j.id
            LIMIT v_want - v_got
            FOR NO KEY UPDATE SKIP LOCKED
        ) AS c;

        EXIT WHEN cardinality(v_jobs) = 0;

        -- A later statement than the lock: its snapshot is the truth about those sync jobs'
        -- chunks (every change to a pending chunk takes the sync job's lock first).
        WITH heads AS MATERIALIZED (
            SELECT s.ord, s.job_id, h.queue_id, h.chunk_id, h.chunk_index, h.run_after,
                   h.max_attempts
            FROM unnest(v_jobs) WITH ORDINALITY AS s (job_id, ord)
            JOIN sync_jobs AS j ON j.id = s.job_id
            LEFT JOIN LATERAL (
                SELECT q.id AS queue_id, q.chunk_id, q.chunk_index, q.run_after,
                       q.max_attempts
                FROM chunk_processing_queue AS q
                WHERE q.sync_job_id = s.job_id
                  AND q.chunk_index >= j.head_chunk_index
                  AND q.status = 'pending'
                ORDER BY q.chunk_index
                LIMIT 1
            ) AS h ON true
        ), due AS MATERIALIZED (
            SELECT heads.*, row_number() OVER (ORDER BY heads.ord) AS slot
            FROM heads
            WHERE heads.queue_id IS NOT NULL AND heads.run_after <= p_now
        ), assigned AS MATERIALIZED (
            SELECT due.*, w.i, p_worker_ids[w.i] AS worker_id, gen_random_uuid() AS token,
                   p_now + make_interval(secs => p_lease_seconds[w.i]) AS expires
            FROM due
            JOIN unnest(v_claimers[v_got + 1 :]) WITH ORDINALITY AS w (i, slot)
              ON w.slot = due.slot
        ), repaired AS (
            UPDATE sync_jobs AS j
            SET next_run_at = chunk_queue_head_run_after(j.id, j.head_chunk_index),
                updated_at = p_now
            FROM heads
            WHERE j.id = heads.job_id
              AND (heads.queue_id IS NULL OR heads.run_after > p_now)
            RETURNING j.id
        ), claimed_queue AS (
            UPDATE chunk_processing_queue AS q
            SET status = 'processing',
                attempts = q.attempts + 1,
                worker_id = a.worker_id,
                lease_token = a.token,
                claimed_at = p_now,
                lease_expires_at = a.expires,
                heartbeat_at = p_now,
                updated_at = p_now
            FROM assigned AS a
            WHERE q.id = a.queue_id
            RETURNING q.id, q.attempts
        ), claimed_chunk AS (
            UPDATE chunked_sync_jobs AS c
            SET status = 'processing',
                started_at = p_now,
                updated_at = p_now
            FROM assigned AS a
            WHERE c.id = a.chunk_id
            RETURNING c.id, c.estimated_emails
        ), claimed_job AS (
            UPDATE sync_jobs AS j
            SET status = 'running',
                active_queue_id = a.queue_id,
                started_at = coalesce(j.started_at, p_now),
                updated_at = p_now
            FROM assigned AS a
            WHERE j.id = a.job_id
            RETURNING j.id, j.account_id
        ), claim_event AS (
            INSERT INTO chunk_processing_events
                (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status,
                 to_status, attempt, worker_id, lease_token, lease_expires_at, event_at)
            SELECT a.queue_id, a.chunk_id, a.job_id, a.chunk_index, 'claimed', 'pending',
                   'processing', cq.attempts, a.worker_id, a.token, a.expires, p_now
            FROM assigned AS a
            JOIN claimed_queue AS cq ON cq.id = a.queue_id
            ORDER BY a.slot
            RETURNING 1
        )
        -- this round's claims, appended to the earlier rounds' (in claimer order)
        SELECT n_items || coalesce(array_agg(a.i ORDER BY a.slot), '{}'),
               n_chunk || array_agg(a.chunk_id ORDER BY a.slot),
               n_sync_job || array_agg(a.job_id ORDER BY a.slot),
               n_index || array_agg(a.chunk_index ORDER BY a.slot),
               n_emails || array_agg(cc.estimated_emails ORDER BY a.slot),
               n_queue || array_agg(a.queue_id ORDER BY a.slot),
               n_token || array_agg(a.token ORDER BY a.slot),
               n_attempt || array_agg(cq.attempts ORDER BY a.slot),
               n_max || array_agg(a.max_attempts ORDER BY a.slot),
               n_expires || array_agg(a.expires ORDER BY a.slot),
               n_account || array_agg(cj.account_id ORDER BY a.slot),
               (SELECT count(*) FROM repaired)
        INTO n_items, n_chunk, n_sync_job, n_index, n_emails, n_queue, n_token, n_attempt,
             n_max, n_expires, n_account, v_repaired
        FROM assigned AS a
        JOIN claimed_queue AS cq ON cq.id = a.queue_id
        JOIN claimed_chunk AS cc ON cc.id = a.chunk_id
        JOIN claimed_job AS cj ON cj.id = a.job_id;

        v_got := cardinality(n_items);

        -- only a repaired next_run_at is worth another look
        EXIT WHEN v_repaired = 0;
    END LOOP;

    RETURN QUERY
    SELECT o.i, r_outcome[o.i], r_chunk[o.i], r_job[o.i], r_attempt[o.i], r_retry[o.i],
           r_outbox[o.i], n_chunk[c.k], n_sync_job[c.k], n_index[c.k], n_emails[c.k],
           n_queue[c.k], n_token[c.k], n_attempt[c.k], n_max[c.k], n_expires[c.k],
           n_account[c.k]
    FROM unnest(v_order) WITH ORDINALITY AS o (i, pos)
    LEFT JOIN unnest(n_items) WITH ORDINALITY AS c (i, k) ON c.i = o.i
    ORDER BY o.pos;
END;
$$;

COMMENT ON FUNCTION complete_and_claim_next_chunks_safe(bigint[], uuid[], boolean[], text[], integer[], text[], integer[], timestamptz, integer, integer) IS
    'complete_chunk_job_safe() for each item, in the order of the returned rows, then claim_next_chunk_job_safe() for each item whose p_worker_ids[i] is not NULL, in one statement and one transaction; one row per item (item = its array position).';
