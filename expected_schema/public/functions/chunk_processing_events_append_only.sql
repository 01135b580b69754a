CREATE OR REPLACE FUNCTION public.chunk_processing_events_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    RAISE EXCEPTION 'chunk_processing_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The event history of chunk status transitions is never rewritten.';
END;
$function$;
