CREATE OR REPLACE FUNCTION public.complete_chunk_job_safe(p_chunk_id bigint, p_lease_token uuid, p_success boolean, p_processing_time_ms integer DEFAULT NULL::integer, p_error_message text DEFAULT NULL::text, p_now timestamp with time zone DEFAULT public.chunk_queue_now(), p_backoff_base_ms integer DEFAULT 1000, p_backoff_max_ms integer DEFAULT 300000)
 RETURNS TABLE(outcome text, chunk_status text, sync_job_status text, attempt integer, retry_at timestamp with time zone, outbox_id bigint)
 LANGUAGE plpgsql
AS $function$
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
$function$;
