CREATE OR REPLACE FUNCTION public.chunk_queue_cancel_remaining(p_sync_job_id bigint, p_reason text, p_now timestamp with time zone)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
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
$function$;
