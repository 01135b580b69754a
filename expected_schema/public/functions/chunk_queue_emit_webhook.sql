CREATE OR REPLACE FUNCTION public.chunk_queue_emit_webhook(p_event_type text, p_sync_job_id bigint, p_chunk_id bigint, p_lease_token uuid, p_payload jsonb, p_now timestamp with time zone)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
    v_outbox_id bigint;
BEGIN
    INSERT INTO chunk_webhook_outbox
        (event_type, sync_job_id, chunk_id, lease_token, payload, created_at)
    VALUES
        (p_event_type, p_sync_job_id, p_chunk_id, p_lease_token, p_payload, p_now)
    RETURNING id INTO v_outbox_id;

    IF chunk_queue_notify_enabled() THEN
        PERFORM pg_notify(
            'chunk_webhooks',
            json_build_object(
                'outbox_id', v_outbox_id,
                'event_type', p_event_type,
                'sync_job_id', p_sync_job_id,
                'chunk_id', p_chunk_id,
                'next_chunk_id', p_payload -> 'next_chunk_id'
            )::text
        );
    END IF;
    RETURN v_outbox_id;
END;
$function$;
