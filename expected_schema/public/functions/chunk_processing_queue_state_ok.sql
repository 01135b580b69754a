CREATE OR REPLACE FUNCTION public.chunk_processing_queue_state_ok(p_status text, p_attempts integer, p_max_attempts integer, p_worker_id text, p_lease_token uuid, p_claimed_at timestamp with time zone, p_lease_expires_at timestamp with time zone, p_finished_at timestamp with time zone)
 RETURNS boolean
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
DECLARE
    v_rule text;
    v_why  text;
BEGIN
    IF p_status NOT IN ('pending', 'processing', 'completed', 'failed', 'cancelled') THEN
        v_rule := 'chunk_processing_queue_status_check';
        v_why := format('unknown status %L', p_status);
    ELSIF NOT (p_max_attempts BETWEEN 1 AND 100 AND p_attempts BETWEEN 0 AND p_max_attempts) THEN
        v_rule := 'chunk_processing_queue_attempts_check';
        v_why := 'need 1 <= max_attempts <= 100 and 0 <= attempts <= max_attempts';
    ELSIF (p_status = 'processing') <> (p_lease_expires_at IS NOT NULL) THEN
        v_rule := 'chunk_processing_queue_lease_check';
        v_why := 'a lease (lease_expires_at) exists exactly while the chunk is processing';
    ELSIF p_status = 'processing'
          AND (p_lease_token IS NULL OR p_worker_id IS NULL OR p_worker_id = ''
               OR p_claimed_at IS NULL OR p_lease_expires_at <= p_claimed_at
               OR p_attempts < 1) THEN
        v_rule := 'chunk_processing_queue_processing_check';
        v_why := 'a processing chunk has a lease token, a worker, a claim time before its expiry and an attempt';
    ELSIF p_status = 'pending' AND (p_lease_token IS NOT NULL OR p_attempts >= p_max_attempts) THEN
        v_rule := 'chunk_processing_queue_pending_check';
        v_why := 'a pending chunk holds no lease token and has attempts left';
    ELSIF p_status = 'completed' AND p_lease_token IS NULL THEN
        v_rule := 'chunk_processing_queue_completed_check';
        v_why := 'a completed chunk keeps the lease token that completed it';
    ELSIF (p_status IN ('completed', 'failed', 'cancelled')) <> (p_finished_at IS NOT NULL) THEN
        v_rule := 'chunk_processing_queue_finished_check';
        v_why := 'finished_at is set exactly when the chunk is finished';
    ELSE
        RETURN true;
    END IF;
    RAISE EXCEPTION 'chunk_processing_queue row violates %: %', v_rule, v_why
        USING ERRCODE = 'check_violation', CONSTRAINT = v_rule,
              TABLE = 'chunk_processing_queue';
END;
$function$;
