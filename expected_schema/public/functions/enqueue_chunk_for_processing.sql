CREATE OR REPLACE FUNCTION public.enqueue_chunk_for_processing()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
    v_job       sync_jobs%ROWTYPE;
    v_queue_id  bigint;
    v_now       timestamptz := chunk_queue_now();
BEGIN
    SELECT j.* INTO v_job
    FROM sync_jobs AS j
    WHERE j.id = NEW.sync_job_id
    FOR NO KEY UPDATE;

    IF v_job.status NOT IN ('pending', 'running') THEN
        RAISE EXCEPTION 'cannot add chunk % to sync job %: the sync job is %',
            NEW.chunk_index, NEW.sync_job_id, v_job.status
            USING ERRCODE = 'check_violation',
                  HINT = 'Chunks can only be added to pending or running sync jobs.';
    END IF;
    IF NEW.status <> 'pending' THEN
        RAISE EXCEPTION 'chunk % of sync job % must be inserted as pending, not %',
            NEW.chunk_index, NEW.sync_job_id, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;

    INSERT INTO chunk_processing_queue
        (chunk_id, sync_job_id, chunk_index, max_attempts, run_after, created_at, updated_at)
    VALUES
        (NEW.id, NEW.sync_job_id, NEW.chunk_index, v_job.max_attempts, v_now, v_now, v_now)
    ON CONFLICT ON CONSTRAINT chunk_processing_queue_chunk_id_key DO NOTHING
    RETURNING id INTO v_queue_id;

    IF v_queue_id IS NULL THEN
        RETURN NULL;  -- already queued: one queue row per chunk
    END IF;

    INSERT INTO chunk_processing_events
        (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status, to_status,
         attempt, event_at)
    VALUES
        (v_queue_id, NEW.id, NEW.sync_job_id, NEW.chunk_index, 'enqueued', NULL, 'pending',
         0, v_now);

    UPDATE sync_jobs AS j
    SET total_chunks = j.total_chunks + 1,
        head_chunk_index = least(j.head_chunk_index, NEW.chunk_index),
        next_run_at = chunk_queue_head_run_after(j.id, least(j.head_chunk_index, NEW.chunk_index)),
        updated_at = v_now
    WHERE j.id = NEW.sync_job_id;

    -- Wake idle workers; identical payloads within one transaction are folded into one.
    PERFORM pg_notify('chunk_queue_ready', NEW.sync_job_id::text);
    RETURN NULL;
END;
$function$;
