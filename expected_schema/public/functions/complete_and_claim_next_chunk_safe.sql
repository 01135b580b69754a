CREATE OR REPLACE FUNCTION public.complete_and_claim_next_chunk_safe(p_chunk_id bigint, p_lease_token uuid, p_success boolean, p_worker_id text, p_processing_time_ms integer DEFAULT NULL::integer, p_error_message text DEFAULT NULL::text, p_lease_seconds integer DEFAULT 300, p_now timestamp with time zone DEFAULT public.chunk_queue_now(), p_backoff_base_ms integer DEFAULT 1000, p_backoff_max_ms integer DEFAULT 300000)
 RETURNS TABLE(outcome text, chunk_status text, sync_job_status text, attempt integer, retry_at timestamp with time zone, outbox_id bigint, next_chunk_id bigint, next_sync_job_id bigint, next_chunk_index integer, next_estimated_emails integer, next_queue_id bigint, next_lease_token uuid, next_attempt integer, next_max_attempts integer, next_lease_expires_at timestamp with time zone, next_account_id text)
 LANGUAGE plpgsql
AS $function$
DECLARE
    v_done record;
    v_next record;
BEGIN
    SELECT * INTO v_done
    FROM complete_chunk_job_safe(p_chunk_id, p_lease_token, p_success, p_processing_time_ms,
                                 p_error_message, p_now, p_backoff_base_ms, p_backoff_max_ms);
    SELECT * INTO v_next
    FROM claim_next_chunk_job_safe(p_worker_id, p_lease_seconds, p_now);
    RETURN QUERY
    SELECT v_done.outcome, v_done.chunk_status, v_done.sync_job_status, v_done.attempt,
           v_done.retry_at, v_done.outbox_id, v_next.chunk_id, v_next.sync_job_id,
           v_next.chunk_index, v_next.estimated_emails, v_next.queue_id, v_next.lease_token,
           v_next.attempt, v_next.max_attempts, v_next.lease_expires_at, v_next.account_id;
END;
$function$;
