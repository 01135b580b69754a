CREATE OR REPLACE FUNCTION public.heartbeat_chunk_job_safe(p_chunk_id bigint, p_lease_token uuid, p_lease_seconds integer DEFAULT 300, p_now timestamp with time zone DEFAULT public.chunk_queue_now())
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
AS $function$
DECLARE
    v_expires timestamptz;
BEGIN
    IF p_lease_seconds IS NULL OR p_lease_seconds < 1 THEN
        RAISE EXCEPTION 'heartbeat_chunk_job_safe: p_lease_seconds must be >= 1, got %',
            p_lease_seconds
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    UPDATE chunk_processing_queue AS q
    SET lease_expires_at = greatest(q.lease_expires_at,
                                    p_now + make_interval(secs => p_lease_seconds)),
        heartbeat_at = p_now,
        updated_at = p_now
    WHERE q.chunk_id = p_chunk_id
      AND q.lease_token = p_lease_token
      AND q.status = 'processing'
      AND q.lease_expires_at > p_now
    RETURNING q.lease_expires_at INTO v_expires;

    RETURN v_expires;
END;
$function$;
