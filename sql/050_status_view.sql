-- The operators' view: one row per sync job with its chunks counted per status, progress,
-- processing times, the age of the oldest live claim and how many leases have expired.
CREATE OR REPLACE VIEW chunk_processing_status AS
SELECT
    j.id                                                          AS sync_job_id,
    j.account_id,
    j.status                                                      AS sync_job_status,
    count(q.id)                                                   AS total_chunks,
    count(q.id) FILTER (WHERE q.status = 'pending')               AS pending_chunks,
    count(q.id) FILTER (WHERE q.status = 'pending' AND q.attempts > 0) AS retrying_chunks,
    count(q.id) FILTER (WHERE q.status = 'processing')            AS processing_chunks,
    count(q.id) FILTER (WHERE q.status = 'completed')             AS completed_chunks,
    count(q.id) FILTER (WHERE q.status = 'failed')                AS failed_chunks,
    count(q.id) FILTER (WHERE q.status = 'cancelled')             AS cancelled_chunks,
    coalesce(round(100.0 * count(q.id) FILTER (WHERE q.status = 'completed')
                   / nullif(count(q.id), 0), 1), 0)               AS progress_pct,
    coalesce(sum(c.estimated_emails), 0)                          AS estimated_emails,
    coalesce(sum(c.estimated_emails) FILTER (WHERE q.status = 'completed'), 0)
                                                                  AS completed_estimated_emails,
    round(avg(c.processing_time_ms) FILTER (WHERE c.status = 'completed'), 1)
                                                                  AS avg_processing_time_ms,
    max(c.processing_time_ms) FILTER (WHERE c.status = 'completed')
                                                                  AS max_processing_time_ms,
    chunk_queue_now() - min(q.claimed_at) FILTER (WHERE q.status = 'processing')
                                                                  AS oldest_claim_age,
    count(q.id) FILTER (WHERE q.status = 'processing'
                        AND q.lease_expires_at <= chunk_queue_now()) AS expired_leases,
    coalesce(sum(q.attempts), 0)                                  AS total_attempts,
    j.next_run_at,
    j.created_at,
    j.started_at,
    j.completed_at,
    j.error_message
FROM sync_jobs AS j
LEFT JOIN chunk_processing_queue AS q ON q.sync_job_id = j.id
LEFT JOIN chunked_sync_jobs AS c ON c.id = q.chunk_id
GROUP BY j.id;

COMMENT ON VIEW chunk_processing_status IS
    'Per sync job: chunks per status, progress, processing times, oldest claim age, expired leases.';
