CREATE VIEW public.chunk_processing_status AS
SELECT j.id AS sync_job_id,
    j.account_id,
    j.status AS sync_job_status,
    count(q.id) AS total_chunks,
    count(q.id) FILTER (WHERE (q.status = 'pending'::text)) AS pending_chunks,
    count(q.id) FILTER (WHERE ((q.status = 'pending'::text) AND (q.attempts > 0))) AS retrying_chunks,
    count(q.id) FILTER (WHERE (q.status = 'processing'::text)) AS processing_chunks,
    count(q.id) FILTER (WHERE (q.status = 'completed'::text)) AS completed_chunks,
    count(q.id) FILTER (WHERE (q.status = 'failed'::text)) AS failed_chunks,
    count(q.id) FILTER (WHERE (q.status = 'cancelled'::text)) AS cancelled_chunks,
    COALESCE(round(((100.0 * (count(q.id) FILTER (WHERE (q.status = 'completed'::text)))::numeric) / (NULLIF(count(q.id), 0))::numeric), 1), (0)::numeric) AS progress_pct,
    COALESCE(sum(c.estimated_emails), (0)::bigint) AS estimated_emails,
    COALESCE(sum(c.estimated_emails) FILTER (WHERE (q.status = 'completed'::text)), (0)::bigint) AS completed_estimated_emails,
    round(avg(c.processing_time_ms) FILTER (WHERE (c.status = 'completed'::text)), 1) AS avg_processing_time_ms,
    max(c.processing_time_ms) FILTER (WHERE (c.status = 'completed'::text)) AS max_processing_time_ms,
    (public.chunk_queue_now() - min(q.claimed_at) FILTER (WHERE (q.status = 'processing'::text))) AS oldest_claim_age,
    count(q.id) FILTER (WHERE ((q.status = 'processing'::text) AND (q.lease_expires_at <= public.chunk_queue_now()))) AS expired_leases,
    COALESCE(sum(q.attempts), (0)::bigint) AS total_attempts,
    j.next_run_at,
    j.created_at,
    j.started_at,
    j.completed_at,
    j.error_message
   FROM ((public.sync_jobs j
     LEFT JOIN public.chunk_processing_queue q ON ((q.sync_job_id = j.id)))
     LEFT JOIN public.chunked_sync_jobs c ON ((c.id = q.chunk_id)))
  GROUP BY j.id;
