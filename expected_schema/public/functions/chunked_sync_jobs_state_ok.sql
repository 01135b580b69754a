CREATE OR REPLACE FUNCTION public.chunked_sync_jobs_state_ok(p_status text, p_chunk_index integer, p_estimated_emails integer, p_started_at timestamp with time zone, p_completed_at timestamp with time zone, p_processing_time_ms integer, p_error_message text)
 RETURNS boolean
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
DECLARE
    v_rule text;
    v_why  text;
BEGIN
    IF p_status NOT IN ('pending', 'processing', 'completed', 'failed', 'cancelled') THEN
        v_rule := 'chunked_sync_jobs_status_check';
        v_why := format('unknown status %L', p_status);
    ELSIF p_chunk_index < 0 THEN
        v_rule := 'chunked_sync_jobs_chunk_index_check';
        v_why := 'chunk_index is negative';
    ELSIF p_estimated_emails < 0 THEN
        v_rule := 'chunked_sync_jobs_estimated_emails_check';
        v_why := 'estimated_emails is negative';
    ELSIF p_processing_time_ms < 0 THEN
        v_rule := 'chunked_sync_jobs_processing_time_check';
        v_why := 'processing_time_ms is negative';
    ELSIF p_status = 'pending' AND p_completed_at IS NOT NULL THEN
        v_rule := 'chunked_sync_jobs_pending_check';
        v_why := 'a pending chunk has no completed_at';
    ELSIF p_status = 'processing' AND (p_started_at IS NULL OR p_completed_at IS NOT NULL) THEN
        v_rule := 'chunked_sync_jobs_processing_check';
        v_why := 'a processing chunk has started_at and no completed_at';
    ELSIF p_status = 'completed'
          AND (p_started_at IS NULL OR p_completed_at IS NULL
               OR p_processing_time_ms IS NULL OR p_error_message IS NOT NULL) THEN
        v_rule := 'chunked_sync_jobs_completed_check';
        v_why := 'a completed chunk has started_at, completed_at, processing_time_ms and no error_message';
    ELSIF p_status = 'failed' AND (p_completed_at IS NULL OR p_error_message IS NULL) THEN
        v_rule := 'chunked_sync_jobs_failed_check';
        v_why := 'a failed chunk has completed_at and an error_message';
    ELSIF p_status = 'cancelled' AND p_completed_at IS NULL THEN
        v_rule := 'chunked_sync_jobs_cancelled_check';
        v_why := 'a cancelled chunk has completed_at';
    ELSIF p_completed_at < p_started_at THEN
        v_rule := 'chunked_sync_jobs_times_check';
        v_why := 'completed_at is before started_at';
    ELSE
        RETURN true;
    END IF;
    RAISE EXCEPTION 'chunked_sync_jobs row violates %: %', v_rule, v_why
        USING ERRCODE = 'check_violation', CONSTRAINT = v_rule, TABLE = 'chunked_sync_jobs';
END;
$function$;
