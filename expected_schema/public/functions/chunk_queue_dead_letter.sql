CREATE OR REPLACE FUNCTION public.chunk_queue_dead_letter(p_queue_id bigint, p_error_message text, p_processing_time_ms integer, p_outbox_lease_token uuid, p_now timestamp with time zone)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
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
$function$;
