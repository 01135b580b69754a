CREATE OR REPLACE FUNCTION public.claim_next_chunk_job_safe(p_worker_id text, p_lease_seconds integer DEFAULT 300, p_now timestamp with time zone DEFAULT public.chunk_queue_now())
 RETURNS TABLE(chunk_id bigint, sync_job_id bigint, chunk_index integer, estimated_emails integer, queue_id bigint, lease_token uuid, attempt integer, max_attempts integer, lease_expires_at timestamp with time zone, account_id text)
 LANGUAGE plpgsql
AS $function$
DECLARE
    v_job     sync_jobs%ROWTYPE;
    v_queue   chunk_processing_queue%ROWTYPE;
    v_attempt integer;
    v_emails  integer;
    v_account text;
    v_token   uuid;
    v_expires timestamptz;
    v_found   boolean := false;
BEGIN
    IF p_worker_id IS NULL OR p_worker_id = '' THEN
        RAISE EXCEPTION 'claim_next_chunk_job_safe: p_worker_id must be a non-empty text'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_lease_seconds IS NULL OR p_lease_seconds < 1 THEN
        RAISE EXCEPTION 'claim_next_chunk_job_safe: p_lease_seconds must be >= 1, got %',
            p_lease_seconds
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_now IS NULL THEN
        RAISE EXCEPTION 'claim_next_chunk_job_safe: p_now must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- A few rounds at most: a round only repeats after repairing a stale next_run_at.
    FOR v_round IN 1..8 LOOP
        SELECT j.* INTO v_job
        FROM sync_jobs AS j
        WHERE j.status IN ('pending', 'running')
          AND j.active_queue_id IS NULL
          AND j.next_run_at IS NOT NULL
          AND j.next_run_at <= p_now
        ORDER BY j.next_run_at, j.id
        LIMIT 1
        FOR NO KEY UPDATE SKIP LOCKED;

        IF NOT FOUND THEN
            RETURN;  -- nothing due, or every due sync job is being claimed right now
        END IF;

        -- The sync job is locked by us, and every change to a pending chunk takes that lock
        -- first: this statement's fresh snapshot is the truth, no row lock needed.
        SELECT q.* INTO v_queue
        FROM chunk_processing_queue AS q
        WHERE q.sync_job_id = v_job.id
          AND q.chunk_index >= v_job.head_chunk_index
          AND q.status = 'pending'
        ORDER BY q.chunk_index
        LIMIT 1;

        IF FOUND AND v_queue.run_after <= p_now THEN
            v_found := true;
            EXIT;
        END IF;

        -- next_run_at was stale (e.g. set by hand): repair it and look again.
        UPDATE sync_jobs AS j
        SET next_run_at = chunk_queue_head_run_after(j.id, j.head_chunk_index),
            updated_at = p_now
        WHERE j.id = v_job.id;
    END LOOP;

    IF NOT v_found THEN
        RETURN;
    END IF;

    v_token := gen_random_uuid();
    v_expires := p_now + make_interval(secs => p_lease_seconds);

    -- One statement for the four writes of a claim (each plpgsql statement costs an
    -- executor round; this is the queue's hottest path).
    WITH claimed_queue AS (
        UPDATE chunk_processing_queue AS q
        SET status = 'processing',
            attempts = q.attempts + 1,
            worker_id = p_worker_id,
            lease_token = v_token,
            claimed_at = p_now,
            lease_expires_at = v_expires,
            heartbeat_at = p_now,
            updated_at = p_now
        WHERE q.id = v_queue.id
        RETURNING q.attempts
    ), claimed_chunk AS (
        UPDATE chunked_sync_jobs AS c
        SET status = 'processing',
            started_at = p_now,
            updated_at = p_now
        WHERE c.id = v_queue.chunk_id
        RETURNING c.estimated_emails
    ), claimed_job AS (
        UPDATE sync_jobs AS j
        SET status = 'running',
            active_queue_id = v_queue.id,
            started_at = coalesce(j.started_at, p_now),
            updated_at = p_now
        WHERE j.id = v_job.id
        RETURNING j.account_id
    ), claim_event AS (
        INSERT INTO chunk_processing_events
            (queue_id, chunk_id, sync_job_id, chunk_index, transition, from_status, to_status,
             attempt, worker_id, lease_token, lease_expires_at, event_at)
        SELECT v_queue.id, v_queue.chunk_id, v_queue.sync_job_id, v_queue.chunk_index,
               'claimed', 'pending', 'processing', cq.attempts, p_worker_id, v_token,
               v_expires, p_now
        FROM claimed_queue AS cq
        RETURNING 1
    )
    SELECT cq.attempts, cc.estimated_emails, cj.account_id
    INTO v_attempt, v_emails, v_account
    FROM claimed_queue AS cq, claimed_chunk AS cc, claimed_job AS cj;

    chunk_id := v_queue.chunk_id;
    sync_job_id := v_queue.sync_job_id;
    chunk_index := v_queue.chunk_index;
    estimated_emails := v_emails;
    queue_id := v_queue.id;
    lease_token := v_token;
    attempt := v_attempt;
    max_attempts := v_queue.max_attempts;
    lease_expires_at := v_expires;
    account_id := v_account;
    RETURN NEXT;
END;
$function$;
