CREATE OR REPLACE FUNCTION public.chunk_queue_head_run_after(p_sync_job_id bigint, p_from_index integer)
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE
AS $function$
    SELECT q.run_after
    FROM chunk_processing_queue AS q
    WHERE q.sync_job_id = p_sync_job_id
      AND q.chunk_index >= p_from_index
      AND q.status = 'pending'
    ORDER BY q.chunk_index
    LIMIT 1
$function$;
