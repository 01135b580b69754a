-- Completing: complete_chunk_job_safe(chunk, lease token, success, ...).
--
-- Fencing: a completion is accepted only from the holder of the chunk's current, live
-- lease. A worker whose lease expired ('lease_expired') or was reclaimed and perhaps
-- handed to another worker ('stale_lease') changes nothing and is told so. A repeated call
-- with a lease token whose completion was already recorded changes nothing and answers
-- 'already_recorded' (idempotent retries after a lost COMMIT acknowledgement).
--
-- Every accepted completion writes exactly one chunk_webhook_outbox row (UNIQUE
-- lease_token) and one pg_notify on channel chunk_webhooks whose payload carries the
-- outbox id (so it is never folded into another notification), in the completing
-- transaction: nothing on rollback.

-- Whether completions send their pg_notify (default yes). Postgres serialises the commits
-- of all transactions that NOTIFY (a database-wide lock held through the WAL flush), so a
-- deployment where nothing LISTENs on chunk_webhooks may trade the notification for
-- throughput with `SET chunkq.notify = off` (per session or ALTER ROLE/DATABASE ... SET):
-- the outbox row is still written in the completing transaction.
CREATE OR REPLACE FUNCTION chunk_queue_notify_enabled() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(current_setting('chunkq.notify', true), '') <> 'off'
$$;

-- Writes one outbox row and its notification; returns the outbox id.
CREATE OR REPLACE FUNCTION chunk_queue_emit_webhook(
    p_event_type  text,
    p_sync_job_id bigint,
    p_chunk_id    bigint,
    p_lease_token uuid,
    p_payload     jsonb,
    p_now         timestamptz
)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_outbox_id bigint;
BEGIN
    INSERT INTO chunk_webhook_outbox
        (event_type, sync_job_id, chunk_id, lease_token, payload, created_at)
    VALUES
        (p_event_type, p_sync_job_id, p_chunk_id, p_lease_token, p_payload, p_now)
    RETURNING id INTO v_outbox_id;

    IF chunk_queue_notify_enabled() THEN
        PERFORM pg_notify(
            'chunk_webhooks',
            json_build_object(
                'outbox_id', v_outbox_id,
                'event_type', p_event_type,
                'sync_job_id', p_sync_job_id,
                'chunk_id', p_chunk_id,
                'next_chunk_id', p_payload -> 'next_chunk_id'
            )::text
        );
    END IF;
    RETURN v_outbox_id;
END;
$$;

-- Cancels every pending chunk of a sync job (after one of its chunks was dead-lettered).
-- The caller holds the sync job's row lock. Returns how many chunks were cancelled.
CREATE OR REPLACE FUNCTION chunk_queue_cancel_remaining(
    p_sync_job_id bigint,
    p_reason      text,
    p_now         timestamptz
)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    WITH cancelled AS (
        UPDATE chunk_processing_queue AS q
        SET status = 'cancelled',
            finished_at = p_now,
            updated_at = p_now
        WHERE q.sync_job_id = p_sync_job_id
          AND q.status = 'pending'
        RETURNING q.id, q.chunk_id, q.sync_job_id, q.chunk_index, q.attempts
    ), cancelled_chunks AS (
        UPDATE chunked_sync_jobs AS c
        SET status = 'cancelled',
            completed_at = p_now,
            updated_at = p_now
        FROM cancelled AS x
        WHERE c.id = x.chunk_id
        RETURNING c.id
    ), events AS (
        INSERT INTO chunk_processing_events
            (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status,
             to_status, attempt, detail, event_at)
        SELECT x.id, x.chunk_id, x.sync_job_id, x.chunk_index, 'cancelled', 'pending',
               'cancelled', x.attempts, p_reason, p_now
        FROM cancelled AS x
        RETURNING 1
    )
    SELECT count(*) INTO v_count FROM events;
    RETURN v_count;
END;
$$;

-- Dead-letters a processing chunk whose attempts are used up: the chunk fails, the sync
-- job fails, its remaining chunks are cancelled. The caller holds the sync job's and the
-- queue row's locks. p_outbox_lease_token is the lease token for the outbox row (the
-- completing worker's), or NULL when no worker completed the chunk (expired lease).
CREATE OR REPLACE FUNCTION chunk_queue_dead_letter(
    p_queue_id           bigint,
    p_error_message      text,
    p_processing_time_ms integer,
    p_outbox_lease_token uuid,
    p_now                timestamptz
)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_queue     chunk_processing_queue%ROWTYPE;
    v_cancelled integer;
    v_job_error text;
BEGIN
    SELECT q.* INTO v_queue
    FROM chunk_processing_queue AS q
    WHERE q.id = p_queue_id;

    UPDATE chunk_processing_queue AS q
    SET status = 'failed',
        lease_expires_at = NULL,
        last_error = p_error_message,
        finished_at = p_now,
        updated_at = p_now
    WHERE q.id = p_queue_id;

    UPDATE chunked_sync_jobs AS c
    SET status = 'failed',
        completed_at = p_now,
        processing_time_ms = coalesce(p_processing_time_ms, c.processing_time_ms),
        error_message = p_error_message,
        updated_at = p_now
    WHERE c.id = v_queue.chunk_id;

    INSERT INTO chunk_processing_events
        (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status, to_status,
         attempt, worker_id, lease_token, detail, event_at)
    VALUES
        (v_queue.id, v_queue.chunk_id, v_queue.sync_job_id, v_queue.chunk_index,
         'dead_lettered', 'processing', 'failed', v_queue.attempts, v_queue.worker_id,
         v_queue.lease_token, p_error_message, p_now);

    v_job_error := format('chunk %s (chunk_index %s) failed after %s attempt(s): %s',
                          v_queue.chunk_id, v_queue.chunk_index, v_queue.attempts,
                          p_error_message);
    v_cancelled := chunk_queue_cancel_remaining(
        v_queue.sync_job_id,
        format('sync job failed: chunk_index %s was dead-lettered', v_queue.chunk_index),
        p_now);

    UPDATE sync_jobs AS j
    SET status = 'failed',
        active_queue_id = NULL,
        next_run_at = NULL,
        completed_at = p_now,
        error_message = v_job_error,
        updated_at = p_now
    WHERE j.id = v_queue.sync_job_id;

    RETURN chunk_queue_emit_webhook(
        'sync_job.failed', v_queue.sync_job_id, v_queue.chunk_id, p_outbox_lease_token,
        jsonb_build_object(
            'outcome', 'dead_lettered',
            'sync_job_id', v_queue.sync_job_id,
            'sync_job_status', 'failed',
            'chunk_id', v_queue.chunk_id,
            'chunk_index', v_queue.chunk_index,
            'attempt', v_queue.attempts,
            'worker_id', v_queue.worker_id,
            'lease_token', v_queue.lease_token,
            'processing_time_ms', p_processing_time_ms,
            'error_message', p_error_message,
            'cancelled_chunks', v_cancelled,
            'next_chunk_id', NULL,
            'at', p_now
        ),
        p_now);
END;
$$;

CREATE OR REPLACE FUNCTION complete_chunk_job_safe(
    p_chunk_id           bigint,
    p_lease_token        uuid,
    p_success            boolean,
    p_processing_time_ms integer DEFAULT NULL,
    p_error_message      text DEFAULT NULL,
    p_now                timestamptz DEFAULT chunk_queue_now(),
    p_backoff_base_ms    integer DEFAULT 1000,
    p_backoff_max_ms     integer DEFAULT 300000
)
RETURNS TABLE (
    outcome         text,
    chunk_status    text,
    sync_job_status text,
    attempt         integer,
    retry_at        timestamptz,
    outbox_id       bigint
)
LANGUAGE plpgsql
AS $$
DECLARE
    v_job       sync_jobs%ROWTYPE;
    v_queue     chunk_processing_queue%ROWTYPE;
    v_prior     chunk_webhook_outbox%ROWTYPE;
    v_ms        integer;
    v_error     text;
    v_delay_ms  double precision;
    v_retry_at  timestamptz;
    v_outbox_id bigint;
    v_event     text;
    v_job_status text;
    v_next_chunk jsonb;
BEGIN
    IF p_chunk_id IS NULL OR p_lease_token IS NULL OR p_success IS NULL OR p_now IS NULL THEN
        RAISE EXCEPTION 'complete_chunk_job_safe: p_chunk_id, p_lease_token, p_success and p_now must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_processing_time_ms IS NOT NULL AND p_processing_time_ms < 0 THEN
        RAISE EXCEPTION 'complete_chunk_job_safe: p_processing_time_ms must be >= 0, got %',
            p_processing_time_ms
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_backoff_base_ms IS NULL OR p_backoff_base_ms < 0
       OR p_backoff_max_ms IS NULL OR p_backoff_max_ms < p_backoff_base_ms THEN
        RAISE EXCEPTION 'complete_chunk_job_safe: need 0 <= p_backoff_base_ms <= p_backoff_max_ms, got % and %',
            p_backoff_base_ms, p_backoff_max_ms
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- The sync job's lock first (as in claim and cleanup). A queue row never changes its
    -- sync_job_id, so the sub-select finds the right sync job to lock.
    SELECT j.* INTO v_job
    FROM sync_jobs AS j
    WHERE j.id = (SELECT q.sync_job_id FROM chunk_processing_queue AS q
                  WHERE q.chunk_id = p_chunk_id)
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'unknown_chunk'::text, NULL::text, NULL::text, NULL::integer,
                            NULL::timestamptz, NULL::bigint;
        RETURN;
    END IF;

    -- With the sync job locked, nothing but a heartbeat can change this queue row, and a
    -- heartbeat only moves lease_expires_at later: a plain read (fresh snapshot, taken after
    -- the lock was granted) is enough for the checks below.
    SELECT q.* INTO v_queue
    FROM chunk_processing_queue AS q
    WHERE q.chunk_id = p_chunk_id;

    IF v_queue.status <> 'processing' OR v_queue.lease_token IS DISTINCT FROM p_lease_token THEN
        SELECT o.* INTO v_prior
        FROM chunk_webhook_outbox AS o
        WHERE o.lease_token = p_lease_token
          AND o.chunk_id = p_chunk_id;
        IF FOUND THEN
            RETURN QUERY SELECT 'already_recorded'::text, v_queue.status, v_job.status,
                                (v_prior.payload ->> 'attempt')::integer,
                                (v_prior.payload ->> 'retry_at')::timestamptz, v_prior.id;
        ELSE
            RETURN QUERY SELECT 'stale_lease'::text, v_queue.status, v_job.status,
                                v_queue.attempts, NULL::timestamptz, NULL::bigint;
        END IF;
        RETURN;
    END IF;

    IF v_queue.lease_expires_at <= p_now THEN
        RETURN QUERY SELECT 'lease_expired'::text, v_queue.status, v_job.status,
                            v_queue.attempts, NULL::timestamptz, NULL::bigint;
        RETURN;
    END IF;

    v_ms := coalesce(
        p_processing_time_ms,
        greatest(0, floor(extract(epoch FROM p_now - v_queue.claimed_at) * 1000))::integer);

    IF NOT p_success THEN
        v_error := coalesce(nullif(p_error_message, ''), 'unspecified error');
        IF v_queue.attempts >= v_queue.max_attempts THEN
            v_outbox_id := chunk_queue_dead_letter(v_queue.id, v_error, v_ms, p_lease_token, p_now);
            RETURN QUERY SELECT 'dead_lettered'::text, 'failed'::text, 'failed'::text,
                                v_queue.attempts, NULL::timestamptz, v_outbox_id;
            RETURN;
        END IF;

        -- Exponential backoff with "equal jitter": half the delay fixed, half random.
        v_delay_ms := least(p_backoff_max_ms::double precision,
                            p_backoff_base_ms * power(2, v_queue.attempts - 1));
        v_delay_ms := v_delay_ms / 2 + random() * v_delay_ms / 2;
        v_retry_at := p_now + make_interval(secs => v_delay_ms / 1000.0);

        UPDATE chunk_processing_queue AS q
        SET status = 'pending',
            lease_token = NULL,
            lease_expires_at = NULL,
            run_after = v_retry_at,
            last_error = v_error,
            updated_at = p_now
        WHERE q.id = v_queue.id;

        UPDATE chunked_sync_jobs AS c
        SET status = 'pending',
            processing_time_ms = v_ms,
            error_message = v_error,
            updated_at = p_now
        WHERE c.id = v_queue.chunk_id;

        INSERT INTO chunk_processing_events
            (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status, to_status,
             attempt, worker_id, lease_token, detail, event_at)
        VALUES
            (v_queue.id, v_queue.chunk_id, v_queue.sync_job_id, v_queue.chunk_index,
             'retry_scheduled', 'processing', 'pending', v_queue.attempts, v_queue.worker_id,
             p_lease_token, v_error, p_now);

        UPDATE sync_jobs AS j
        SET active_queue_id = NULL,
            next_run_at = chunk_queue_head_run_after(j.id, j.head_chunk_index),
            updated_at = p_now
        WHERE j.id = v_job.id;

        v_outbox_id := chunk_queue_emit_webhook(
            'chunk.retry_scheduled', v_queue.sync_job_id, v_queue.chunk_id, p_lease_token,
            jsonb_build_object(
                'outcome', 'retry_scheduled',
                'sync_job_id', v_queue.sync_job_id,
                'sync_job_status', v_job.status,
                'chunk_id', v_queue.chunk_id,
                'chunk_index', v_queue.chunk_index,
                'attempt', v_queue.attempts,
                'max_attempts', v_queue.max_attempts,
                'worker_id', v_queue.worker_id,
                'lease_token', p_lease_token,
                'processing_time_ms', v_ms,
                'error_message', v_error,
                'retry_at', v_retry_at,
                'next_chunk_id', v_queue.chunk_id,
                'at', p_now
            ),
            p_now);
        RETURN QUERY SELECT 'retry_scheduled'::text, 'pending'::text, v_job.status,
                            v_queue.attempts, v_retry_at, v_outbox_id;
        RETURN;
    END IF;

    -- Success: one statement for the five writes (this is the queue's hottest path). The
    -- next chunk is read in the same snapshot, where the completing chunk is 'processing'.
    WITH done_queue AS (
        UPDATE chunk_processing_queue AS q
        SET status = 'completed',
            lease_expires_at = NULL,
            finished_at = p_now,
            updated_at = p_now
        WHERE q.id = v_queue.id
        RETURNING q.id
    ), done_chunk AS (
        UPDATE chunked_sync_jobs AS c
        SET status = 'completed',
            completed_at = p_now,
            processing_time_ms = v_ms,
            error_message = NULL,
            updated_at = p_now
        WHERE c.id = v_queue.chunk_id
        RETURNING c.id
    ), done_event AS (
        INSERT INTO chunk_processing_events
            (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status, to_status,
             attempt, worker_id, lease_token, event_at)
        SELECT dq.id, v_queue.chunk_id, v_queue.sync_job_id, v_queue.chunk_index, 'completed',
               'processing', 'completed', v_queue.attempts, v_queue.worker_id, p_lease_token,
               p_now
        FROM done_queue AS dq
        RETURNING 1
    ), next_chunk AS (
        SELECT q.chunk_id, q.chunk_index, q.run_after
        FROM chunk_processing_queue AS q
        WHERE q.sync_job_id = v_job.id
          AND q.chunk_index >= v_job.head_chunk_index
          AND q.status = 'pending'
        ORDER BY q.chunk_index
        LIMIT 1
    ), done_job AS (
        -- the last chunk completes the sync job
        UPDATE sync_jobs AS j
        SET active_queue_id = NULL,
            completed_chunks = j.completed_chunks + 1,
            head_chunk_index = coalesce(n.chunk_index, j.head_chunk_index),
            next_run_at = n.run_after,
            status = CASE WHEN n.chunk_id IS NULL THEN 'completed' ELSE j.status END,
            completed_at = CASE WHEN n.chunk_id IS NULL THEN p_now END,
            updated_at = p_now
        FROM (SELECT 1) AS one
        LEFT JOIN next_chunk AS n ON true
        WHERE j.id = v_job.id
        RETURNING j.status, n.chunk_id, n.chunk_index, n.run_after
    ), done_outbox AS (
        INSERT INTO chunk_webhook_outbox
            (event_type, sync_job_id, chunk_id, lease_token, payload, created_at)
        SELECT CASE WHEN dj.status = 'completed' THEN 'sync_job.completed'
                    ELSE 'chunk.completed' END,
               v_queue.sync_job_id, v_queue.chunk_id, p_lease_token,
               jsonb_build_object(
                   'outcome', 'completed',
                   'sync_job_id', v_queue.sync_job_id,
                   'sync_job_status', dj.status,
                   'chunk_id', v_queue.chunk_id,
                   'chunk_index', v_queue.chunk_index,
                   'attempt', v_queue.attempts,
                   'worker_id', v_queue.worker_id,
                   'lease_token', p_lease_token,
                   'processing_time_ms', v_ms,
                   'next_chunk_id', dj.chunk_id,
                   'next_chunk_index', dj.chunk_index,
                   'next_run_at', dj.run_after,
                   'at', p_now),
               p_now
        FROM done_job AS dj, done_chunk AS dc
        RETURNING id, event_type, payload
    )
    SELECT o.id, o.event_type, o.payload -> 'next_chunk_id', dj.status
    INTO v_outbox_id, v_event, v_next_chunk, v_job_status
    FROM done_outbox AS o, done_job AS dj;

    -- The webhook's notification; its payload carries the outbox id, so it is distinct.
    IF chunk_queue_notify_enabled() THEN
        PERFORM pg_notify('chunk_webhooks', json_build_object(
            'outbox_id', v_outbox_id, 'event_type', v_event, 'sync_job_id', v_queue.sync_job_id,
            'chunk_id', v_queue.chunk_id, 'next_chunk_id', v_next_chunk)::text);
    END IF;

    outcome := 'completed';
    chunk_status := 'completed';
    sync_job_status := v_job_status;
    attempt := v_queue.attempts;
    retry_at := NULL;
    outbox_id := v_outbox_id;
    RETURN NEXT;
END;
$$;

-- Reports a chunk and leases the next one in one call and one transaction: what a busy
-- worker does after each chunk (one round trip and one commit instead of two). Exactly
-- complete_chunk_job_safe() followed by claim_next_chunk_job_safe(); the next_* columns
-- are NULL when nothing is due.
CREATE OR REPLACE FUNCTION complete_and_claim_next_chunk_safe(
    p_chunk_id           bigint,
    p_lease_token        uuid,
    p_success            boolean,
    p_worker_id          text,
    p_processing_time_ms integer DEFAULT NULL,
    p_error_message      text DEFAULT NULL,
    p_lease_seconds      integer DEFAULT 300,
    p_now                timestamptz DEFAULT chunk_queue_now(),
    p_backoff_base_ms    integer DEFAULT 1000,
    p_backoff_max_ms     integer DEFAULT 300000
)
RETURNS TABLE (
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
AS $$
DECLARE
    v_done record;
    v_next record;
BEGIN
    SELECT * INTO v_done
    FROM complete_chunk_job_safe(p_chunk_id, p_lease_token, p_success, p_processing_time_ms,
                                 p_error_message, p_now, p_backoff_base_ms, p_backoff_max_ms);
    SELECT * INTO v_next
    FROM claim_next_chunk_job_safe(p_worker_id, p_lease_seconds, p_now);
    RETURN QUERY
    SELECT v_done.outcome, v_done.chunk_status, v_done.sync_job_status, v_done.attempt,
           v_done.retry_at, v_done.outbox_id, v_next.chunk_id, v_next.sync_job_id,
           v_next.chunk_index, v_next.estimated_emails, v_next.queue_id, v_next.lease_token,
           v_next.attempt, v_next.max_attempts, v_next.lease_expires_at, v_next.account_id;
END;
$$;
