CREATE OR REPLACE FUNCTION public.chunk_queue_notify_enabled()
 RETURNS boolean
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
    SELECT coalesce(current_setting('chunkq.notify', true), '') <> 'off'
$function$;
