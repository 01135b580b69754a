CREATE OR REPLACE FUNCTION public.complete_and_claim_next_chunks_safe(p_chunk_ids bigint[], p_lease_tokens uuid[], p_success boolean[], p_worker_ids text[], p_processing_time_ms integer[], p_error_messages text[], p_lease_seconds integer[], p_now timestamp with time zone DEFAULT public.chunk_queue_now(), p_backoff_base_ms integer DEFAULT 1000, p_backoff_max_ms integer DEFAULT 300000)
 RETURNS TABLE(item integer, outcome text, chunk_status text, sync_job_status text, attempt integer, retry_at timestamp with time zone, outbox_id bigint, next_chunk_id bigint, next_sync_job_id bigint, next_chunk_index integer, next_estimated_emails integer, next_queue_id bigint, next_lease_token uuid, next_attempt integer, next_max_attempts integer, next_lease_expires_at timestamp with time zone, next_account_id text)
 LANGUAGE plpgsql
AS $function$
DECLARE
    v_n    integer := coalesce(cardinality(p_chunk_ids), 0);
    v_i    integer;
    v_done record;
    v_next record;
BEGIN
    IF coalesce(cardinality(p_lease_tokens), 0) <> v_n
       OR coalesce(cardinality(p_success), 0) <> v_n
       OR coalesce(cardinality(p_worker_ids), 0) <> v_n
       OR coalesce(cardinality(p_processing_time_ms), 0) <> v_n
       OR coalesce(cardinality(p_error_messages), 0) <> v_n
       OR coalesce(cardinality(p_lease_seconds), 0) <> v_n THEN
        RAISE EXCEPTION 'complete_and_claim_next_chunks_safe: the seven arrays must have the same length'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    FOR v_i IN
        SELECT x.i
        FROM unnest(p_chunk_ids) WITH ORDINALITY AS x (chunk_id, i)
        LEFT JOIN chunk_processing_queue AS q ON q.chunk_id = x.chunk_id
        ORDER BY q.sync_job_id, x.chunk_id, x.i
    LOOP
        SELECT * INTO v_done
        FROM complete_chunk_job_safe(p_chunk_ids[v_i], p_lease_tokens[v_i], p_success[v_i],
                                     p_processing_time_ms[v_i], p_error_messages[v_i], p_now,
                                     p_backoff_base_ms, p_backoff_max_ms);
        -- no row (all next_* NULL) when the item claims nothing; the condition is a
        -- one-time filter, so the claim does not even run then
        SELECT * INTO v_next
        FROM claim_next_chunk_job_safe(p_worker_ids[v_i], p_lease_seconds[v_i], p_now)
        WHERE p_worker_ids[v_i] IS NOT NULL;
        item := v_i;
        outcome := v_done.outcome;
        chunk_status := v_done.chunk_status;
        sync_job_status := v_done.sync_job_status;
        attempt := v_done.attempt;
        retry_at := v_done.retry_at;
        outbox_id := v_done.outbox_id;
        next_chunk_id := v_next.chunk_id;
        next_sync_job_id := v_next.sync_job_id;
        next_chunk_index := v_next.chunk_index;
        next_estimated_emails := v_next.estimated_emails;
        next_queue_id := v_next.queue_id;
        next_lease_token := v_next.lease_token;
        next_attempt := v_next.attempt;
        next_max_attempts := v_next.max_attempts;
        next_lease_expires_at := v_next.lease_expires_at;
        next_account_id := v_next.account_id;
        RETURN NEXT;
    END LOOP;
END;
$function$;
