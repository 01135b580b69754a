CREATE OR REPLACE FUNCTION public.cleanup_stuck_chunks(p_now timestamp with time zone DEFAULT public.chunk_queue_now(), p_limit integer DEFAULT 1000)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
DECLARE
    v_candidate record;
    v_job       sync_jobs%ROWTYPE;
    v_queue     chunk_processing_queue%ROWTYPE;
    v_count     integer := 0;
    v_error     text;
BEGIN
    IF p_now IS NULL OR p_limit IS NULL OR p_limit < 1 THEN
        RAISE EXCEPTION 'cleanup_stuck_chunks: p_now must not be NULL and p_limit must be >= 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- A chunk in flight is its sync job's active_queue_id (every queue function keeps
    -- the two in step), so the scan starts from the few sync jobs with a chunk in flight.
    FOR v_candidate IN
        SELECT q.id, q.sync_job_id
        FROM sync_jobs AS j
        JOIN chunk_processing_queue AS q ON q.id = j.active_queue_id
        WHERE j.active_queue_id IS NOT NULL
          AND q.status = 'processing'
          AND q.lease_expires_at <= p_now
        ORDER BY q.lease_expires_at, q.id
        LIMIT p_limit
    LOOP
        SELECT j.* INTO v_job
        FROM sync_jobs AS j
        WHERE j.id = v_candidate.sync_job_id
        FOR NO KEY UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND;

        SELECT q.* INTO v_queue
        FROM chunk_processing_queue AS q
        WHERE q.id = v_candidate.id
        FOR NO KEY UPDATE;
        CONTINUE WHEN NOT FOUND
            OR v_queue.status <> 'processing'
            OR v_queue.lease_expires_at > p_now;

        IF v_queue.attempts >= v_queue.max_attempts THEN
            v_error := format('lease of worker %s expired at %s on attempt %s of %s',
                              v_queue.worker_id, v_queue.lease_expires_at, v_queue.attempts,
                              v_queue.max_attempts);
            PERFORM chunk_queue_dead_letter(v_queue.id, v_error, NULL, NULL, p_now);
        ELSE
            UPDATE chunk_processing_queue AS q
            SET status = 'pending',
                lease_token = NULL,
                lease_expires_at = NULL,
                run_after = v_queue.lease_expires_at,  -- due since the lease ended
                last_error = format('lease of worker %s expired at %s',
                                    v_queue.worker_id, v_queue.lease_expires_at),
                updated_at = p_now
            WHERE q.id = v_queue.id;

            UPDATE chunked_sync_jobs AS c
            SET status = 'pending',
                updated_at = p_now
            WHERE c.id = v_queue.chunk_id;

            INSERT INTO chunk_processing_events
                (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status,
                 to_status, attempt, worker_id, lease_token, lease_expires_at, detail,
                 event_at)
            VALUES
                (v_queue.id, v_queue.chunk_id, v_queue.sync_job_id, v_queue.chunk_index,
                 'lease_expired', 'processing', 'pending', v_queue.attempts,
                 v_queue.worker_id, v_queue.lease_token, v_queue.lease_expires_at,
                 'reclaimed by cleanup_stuck_chunks', p_now);

            UPDATE sync_jobs AS j
            SET active_queue_id = NULL,
                next_run_at = chunk_queue_head_run_after(j.id, j.head_chunk_index),
                updated_at = p_now
            WHERE j.id = v_job.id;

            PERFORM pg_notify('chunk_queue_ready', v_queue.sync_job_id::text);
        END IF;
        v_count := v_count + 1;
    END LOOP;

    RETURN v_count;
END;
$function$;
