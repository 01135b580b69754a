CREATE TABLE chunked_sync_jobs (
    id                 bigserial PRIMARY KEY,
    parent_job_id      uuid NOT NULL,
    chunk_index        integer NOT NULL,
    estimated_emails   integer,
    status             text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    started_at         timestamptz,
    completed_at       timestamptz,
    processing_time_ms integer,
    error_message      text,
    worker_id          text
);

CREATE OR REPLACE FUNCTION claim_next_chunk_job_safe(p_worker_id text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_chunk chunked_sync_jobs%ROWTYPE;
BEGIN
    SELECT * INTO v_chunk
      FROM chunked_sync_jobs
     WHERE status = 'pending'
     ORDER BY chunk_index
     LIMIT 1
       FOR UPDATE SKIP LOCKED;

    IF NOT FOUND THEN
        RETURN NULL;
    END IF;

    UPDATE chunked_sync_jobs
       SET status = 'processing', started_at = now(), worker_id = p_worker_id
     WHERE id = v_chunk.id;

    RETURN jsonb_build_object(
        'chunk_id', v_chunk.id,
        'chunk_index', v_chunk.chunk_number,             -- expect: PGD103@24(chunk_index)
        'estimated_emails', v_chunk.email_count_estimate -- expect: PGD103@29(estimated_emails)
    );
END;
$$;

CREATE OR REPLACE FUNCTION complete_chunk_job_safe(
    p_chunk_id bigint,
    p_success boolean,
    p_processing_time_ms integer DEFAULT NULL,
    p_error_message text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE chunked_sync_jobs
       SET status = CASE WHEN p_success THEN 'completed' ELSE 'failed' END,
           completed_at = now(),
           actual_duration_ms = p_processing_time_ms,   -- expect: PGD101@12(processing_time_ms)
           error = p_error_message                      -- expect: PGD101@12(error_message)
     WHERE id = p_chunk_id;
END;
$$;
