-- Operator cancel: cancel_sync_job_safe(sync job, reason) stops a sync job for good.
--
-- Under the sync job's row lock (taken first, as everywhere), the chunk in flight (if any)
-- and every pending chunk become 'cancelled' (one 'cancelled' event each), and the sync job
-- becomes 'cancelled' with the reason as its error_message. Chunks already completed stay
-- completed. The worker holding the cancelled chunk learns it from its next heartbeat (NULL:
-- the lease is gone) and its completion changes nothing ('stale_lease'), exactly as when a
-- lease is reclaimed. A finished sync job (completed, failed, cancelled) is left as it is:
-- a repeated cancel answers 'already_finished' and changes nothing.
CREATE OR REPLACE FUNCTION cancel_sync_job_safe(
    p_sync_job_id bigint,
    p_reason      text DEFAULT 'cancelled by an operator',
    p_now         timestamptz DEFAULT chunk_queue_now()
)
RETURNS TABLE (
    outcome          text,
    sync_job_status  text,
    cancelled_chunks integer
)
LANGUAGE plpgsql
AS $$
DECLARE
    v_job       sync_jobs%ROWTYPE;
    v_reason    text := coalesce(nullif(p_reason, ''), 'cancelled by an operator');
    v_in_flight integer := 0;
    v_pending   integer;
BEGIN
    IF p_sync_job_id IS NULL OR p_now IS NULL THEN
        RAISE EXCEPTION 'cancel_sync_job_safe: p_sync_job_id and p_now must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    SELECT j.* INTO v_job
    FROM sync_jobs AS j
    WHERE j.id = p_sync_job_id
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'unknown_sync_job'::text, NULL::text, 0;
        RETURN;
    END IF;
    IF v_job.status IN ('completed', 'failed', 'cancelled') THEN
        RETURN QUERY SELECT 'already_finished'::text, v_job.status, 0;
        RETURN;
    END IF;

    -- the chunk in flight: its lease ends here
    WITH stopped AS (
        UPDATE chunk_processing_queue AS q
        SET status = 'cancelled',
            lease_expires_at = NULL,
            last_error = v_reason,
            finished_at = p_now,
            updated_at = p_now
        WHERE q.sync_job_id = v_job.id
          AND q.status = 'processing'
        RETURNING q.id, q.chunk_id, q.sync_job_id, q.chunk_index, q.attempts, q.worker_id,
                  q.lease_token
    ), stopped_chunks AS (
        UPDATE chunked_sync_jobs AS c
        SET status = 'cancelled',
            completed_at = p_now,
            error_message = v_reason,
            updated_at = p_now
        FROM stopped AS x
        WHERE c.id = x.chunk_id
        RETURNING c.id
    ), events AS (
        INSERT INTO chunk_processing_events
            (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status,
             to_status, attempt, worker_id, lease_token, detail, event_at)
        SELECT x.id, x.chunk_id, x.sync_job_id, x.chunk_index, 'cancelled', 'processing',
               'cancelled', x.attempts, x.worker_id, x.lease_token, v_reason, p_now
        FROM stopped AS x
        JOIN stopped_chunks AS sc ON sc.id = x.chunk_id
        RETURNING 1
    )
    SELECT count(*) INTO v_in_flight FROM events;

    v_pending := chunk_queue_cancel_remaining(v_job.id, v_reason, p_now);

    UPDATE sync_jobs AS j
    SET status = 'cancelled',
        active_queue_id = NULL,
        next_run_at = NULL,
        completed_at = p_now,
        error_message = v_reason,
        updated_at = p_now
    WHERE j.id = v_job.id;

    RETURN QUERY SELECT 'cancelled'::text, 'cancelled'::text, v_in_flight + v_pending;
END;
$$;

COMMENT ON FUNCTION cancel_sync_job_safe(bigint, text, timestamptz) IS
    'Cancel a sync job: its chunk in flight and its pending chunks become cancelled, the sync job cancelled (error_message = reason); already finished sync jobs are left as they are.';
