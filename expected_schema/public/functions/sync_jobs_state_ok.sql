CREATE OR REPLACE FUNCTION public.sync_jobs_state_ok(p_status text, p_account_id text, p_max_attempts integer, p_total_chunks integer, p_completed_chunks integer, p_active_queue_id bigint, p_next_run_at timestamp with time zone, p_started_at timestamp with time zone, p_completed_at timestamp with time zone, p_error_message text)
 RETURNS boolean
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
DECLARE
    v_rule text;
    v_why  text;
BEGIN
    IF p_status NOT IN ('pending', 'running', 'completed', 'failed', 'cancelled') THEN
        v_rule := 'sync_jobs_status_check';
        v_why := format('unknown status %L', p_status);
    ELSIF p_account_id = '' THEN
        v_rule := 'sync_jobs_account_id_check';
        v_why := 'account_id is empty';
    ELSIF p_max_attempts NOT BETWEEN 1 AND 100 THEN
        v_rule := 'sync_jobs_max_attempts_check';
        v_why := 'max_attempts must be between 1 and 100';
    ELSIF NOT (p_total_chunks >= 0 AND p_completed_chunks BETWEEN 0 AND p_total_chunks) THEN
        v_rule := 'sync_jobs_chunk_counts_check';
        v_why := 'need 0 <= completed_chunks <= total_chunks';
    ELSIF p_active_queue_id IS NOT NULL AND p_status <> 'running' THEN
        v_rule := 'sync_jobs_active_chunk_check';
        v_why := 'only a running sync job has a chunk in flight';
    ELSIF p_status = 'pending' AND (p_started_at IS NOT NULL OR p_completed_at IS NOT NULL) THEN
        v_rule := 'sync_jobs_pending_check';
        v_why := 'a pending sync job has neither started_at nor completed_at';
    ELSIF p_status = 'running' AND (p_started_at IS NULL OR p_completed_at IS NOT NULL) THEN
        v_rule := 'sync_jobs_running_check';
        v_why := 'a running sync job has started_at and no completed_at';
    ELSIF p_status IN ('completed', 'failed', 'cancelled')
          AND (p_completed_at IS NULL OR p_active_queue_id IS NOT NULL
               OR p_next_run_at IS NOT NULL) THEN
        v_rule := 'sync_jobs_finished_check';
        v_why := 'a finished sync job has completed_at, nothing in flight and nothing due';
    ELSIF p_status = 'completed'
          AND (p_completed_chunks <> p_total_chunks OR p_error_message IS NOT NULL) THEN
        v_rule := 'sync_jobs_completed_check';
        v_why := 'a completed sync job completed every chunk and has no error_message';
    ELSIF p_status = 'failed' AND p_error_message IS NULL THEN
        v_rule := 'sync_jobs_failed_check';
        v_why := 'a failed sync job has an error_message';
    ELSIF p_completed_at < p_started_at THEN
        v_rule := 'sync_jobs_times_check';
        v_why := 'completed_at is before started_at';
    ELSE
        RETURN true;
    END IF;
    RAISE EXCEPTION 'sync_jobs row violates %: %', v_rule, v_why
        USING ERRCODE = 'check_violation', CONSTRAINT = v_rule, TABLE = 'sync_jobs';
END;
$function$;
