CREATE OR REPLACE FUNCTION public.chunk_queue_now()
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
    SELECT coalesce(nullif(current_setting('chunkq.now', true), '')::timestamptz, now())
$function$;
