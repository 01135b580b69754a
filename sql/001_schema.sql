-- The Safe Chunk Processing System: tables, constraints and indexes.
--
-- An email sync is one row of sync_jobs; it is split into chunks (chunked_sync_jobs, one
-- row per chunk, with the column names the deployment report confirmed: chunk_index,
-- estimated_emails, status, started_at, completed_at, processing_time_ms, error_message).
-- Every chunk gets exactly one row in chunk_processing_queue (the enqueue trigger in
-- 010_enqueue.sql), which carries the lease: who holds the chunk, until when, with which
-- lease token, and how many attempts were made. Every status transition of a chunk is
-- appended to chunk_processing_events; every accepted completion writes one row to
-- chunk_webhook_outbox (the "webhook for the next chunk") in the completing transaction.
--
-- Idempotent: every statement can be re-applied to a database that already has it.

-- Injectable clock. Every queue function takes p_now DEFAULT chunk_queue_now(); tests set
-- `SET chunkq.now = '2030-01-01 00:00:00+00'` (or pass p_now) instead of sleeping.
CREATE OR REPLACE FUNCTION chunk_queue_now() RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(nullif(current_setting('chunkq.now', true), '')::timestamptz, now())
$$;

COMMENT ON FUNCTION chunk_queue_now() IS
    'The queue''s clock: the setting chunkq.now when set (tests), else now().';

-- One email synchronisation, split into chunks processed strictly in chunk_index order.
CREATE TABLE IF NOT EXISTS sync_jobs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    total_chunks    integer     NOT NULL DEFAULT 0,
    completed_chunks integer    NOT NULL DEFAULT 0,
    max_attempts    integer     NOT NULL DEFAULT 5,
    -- queue row of the chunk currently leased (at most one per sync job), else NULL
    active_queue_id bigint,
    -- when the next chunk in chunk_index order becomes due; NULL when none is pending
    next_run_at     timestamptz,
    -- no pending chunk of this sync job has a lower chunk_index (where head searches start)
    head_chunk_index integer    NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT chunk_queue_now(),
    started_at      timestamptz,
    completed_at    timestamptz,
    error_message   text,
    updated_at      timestamptz NOT NULL DEFAULT chunk_queue_now(),
    CONSTRAINT sync_jobs_status_check
        CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    CONSTRAINT sync_jobs_account_id_check CHECK (account_id <> ''),
    CONSTRAINT sync_jobs_max_attempts_check CHECK (max_attempts BETWEEN 1 AND 100),
    CONSTRAINT sync_jobs_chunk_counts_check
        CHECK (total_chunks >= 0 AND completed_chunks BETWEEN 0 AND total_chunks),
    -- only a running sync job has a chunk in flight
    CONSTRAINT sync_jobs_active_chunk_check
        CHECK (active_queue_id IS NULL OR status = 'running'),
    CONSTRAINT sync_jobs_pending_check
        CHECK (status <> 'pending' OR (started_at IS NULL AND completed_at IS NULL)),
    CONSTRAINT sync_jobs_running_check
        CHECK (status <> 'running' OR (started_at IS NOT NULL AND completed_at IS NULL)),
    -- finished sync jobs have nothing in flight, nothing due, and a completion time
    CONSTRAINT sync_jobs_finished_check
        CHECK (status NOT IN ('completed', 'failed', 'cancelled')
               OR (completed_at IS NOT NULL AND active_queue_id IS NULL
                   AND next_run_at IS NULL)),
    CONSTRAINT sync_jobs_completed_check
        CHECK (status <> 'completed'
               OR (completed_chunks = total_chunks AND error_message IS NULL)),
    CONSTRAINT sync_jobs_failed_check
        CHECK (status <> 'failed' OR error_message IS NOT NULL),
    CONSTRAINT sync_jobs_times_check
        CHECK (completed_at IS NULL OR started_at IS NULL OR completed_at >= started_at)
) WITH (fillfactor = 70);

-- What the dispatcher scans: sync jobs with nothing in flight whose next chunk is due.
CREATE INDEX IF NOT EXISTS sync_jobs_claimable_idx
    ON sync_jobs (next_run_at, id)
    WHERE active_queue_id IS NULL AND next_run_at IS NOT NULL
      AND status IN ('pending', 'running');

-- What cleanup_stuck_chunks() scans: the sync jobs with a chunk in flight.
CREATE INDEX IF NOT EXISTS sync_jobs_active_idx
    ON sync_jobs (active_queue_id)
    WHERE active_queue_id IS NOT NULL;

-- One row per chunk of a sync job (the report's table, with its real column names).
CREATE TABLE IF NOT EXISTS chunked_sync_jobs (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sync_job_id        bigint      NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
    chunk_index        integer     NOT NULL,
    estimated_emails   integer     NOT NULL DEFAULT 0,
    status             text        NOT NULL DEFAULT 'pending',
    started_at         timestamptz,
    completed_at       timestamptz,
    processing_time_ms integer,
    error_message      text,
    created_at         timestamptz NOT NULL DEFAULT chunk_queue_now(),
    updated_at         timestamptz NOT NULL DEFAULT chunk_queue_now(),
    CONSTRAINT chunked_sync_jobs_chunk_index_key UNIQUE (sync_job_id, chunk_index),
    CONSTRAINT chunked_sync_jobs_status_check
        CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    CONSTRAINT chunked_sync_jobs_chunk_index_check CHECK (chunk_index >= 0),
    CONSTRAINT chunked_sync_jobs_estimated_emails_check CHECK (estimated_emails >= 0),
    CONSTRAINT chunked_sync_jobs_processing_time_check
        CHECK (processing_time_ms IS NULL OR processing_time_ms >= 0),
    CONSTRAINT chunked_sync_jobs_pending_check
        CHECK (status <> 'pending' OR completed_at IS NULL),
    CONSTRAINT chunked_sync_jobs_processing_check
        CHECK (status <> 'processing' OR (started_at IS NOT NULL AND completed_at IS NULL)),
    -- a completed chunk has started_at, completed_at, processing_time_ms >= 0 and no error
    CONSTRAINT chunked_sync_jobs_completed_check
        CHECK (status <> 'completed'
               OR (started_at IS NOT NULL AND completed_at IS NOT NULL
                   AND processing_time_ms IS NOT NULL AND error_message IS NULL)),
    CONSTRAINT chunked_sync_jobs_failed_check
        CHECK (status <> 'failed' OR (completed_at IS NOT NULL AND error_message IS NOT NULL)),
    CONSTRAINT chunked_sync_jobs_cancelled_check
        CHECK (status <> 'cancelled' OR completed_at IS NOT NULL),
    CONSTRAINT chunked_sync_jobs_times_check
        CHECK (completed_at IS NULL OR started_at IS NULL OR completed_at >= started_at)
) WITH (fillfactor = 70);  -- room for HOT updates: no indexed column ever changes

-- Lets the queue reference (id, sync_job_id, chunk_index) so the copies cannot disagree.
CREATE UNIQUE INDEX IF NOT EXISTS chunked_sync_jobs_identity_key
    ON chunked_sync_jobs (id, sync_job_id, chunk_index);

-- The dispatch state of each chunk: exactly one row per chunk (chunk_id is UNIQUE).
CREATE TABLE IF NOT EXISTS chunk_processing_queue (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chunk_id         bigint      NOT NULL,
    sync_job_id      bigint      NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
    chunk_index      integer     NOT NULL,
    status           text        NOT NULL DEFAULT 'pending',
    attempts         integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL DEFAULT 5,
    run_after        timestamptz NOT NULL DEFAULT chunk_queue_now(),
    worker_id        text,
    lease_token      uuid,
    claimed_at       timestamptz,
    lease_expires_at timestamptz,
    heartbeat_at     timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT chunk_queue_now(),
    updated_at       timestamptz NOT NULL DEFAULT chunk_queue_now(),
    finished_at      timestamptz,
    CONSTRAINT chunk_processing_queue_chunk_id_key UNIQUE (chunk_id),
    CONSTRAINT chunk_processing_queue_chunk_fkey
        FOREIGN KEY (chunk_id, sync_job_id, chunk_index)
        REFERENCES chunked_sync_jobs (id, sync_job_id, chunk_index) ON DELETE CASCADE,
    CONSTRAINT chunk_processing_queue_status_check
        CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    CONSTRAINT chunk_processing_queue_attempts_check
        CHECK (max_attempts BETWEEN 1 AND 100 AND attempts BETWEEN 0 AND max_attempts),
    -- a lease exists exactly while the chunk is processing, with all its parts
    CONSTRAINT chunk_processing_queue_lease_check
        CHECK ((status = 'processing') = (lease_expires_at IS NOT NULL)),
    CONSTRAINT chunk_processing_queue_processing_check
        CHECK (status <> 'processing'
               OR (lease_token IS NOT NULL AND worker_id IS NOT NULL AND worker_id <> ''
                   AND claimed_at IS NOT NULL AND lease_expires_at > claimed_at
                   AND attempts >= 1)),
    -- a pending chunk holds no lease token (a reclaimed token can never complete it)
    CONSTRAINT chunk_processing_queue_pending_check
        CHECK (status <> 'pending' OR (lease_token IS NULL AND attempts < max_attempts)),
    CONSTRAINT chunk_processing_queue_completed_check
        CHECK (status <> 'completed' OR lease_token IS NOT NULL),
    CONSTRAINT chunk_processing_queue_finished_check
        CHECK ((status IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL))
) WITH (fillfactor = 70);

-- The chunks of a sync job in order (where the head search starts from head_chunk_index).
-- Indexes of the queue only cover columns that never change, so every status and lease
-- update is a HOT update: no index maintenance on the hot path.
CREATE INDEX IF NOT EXISTS chunk_processing_queue_sync_job_idx
    ON chunk_processing_queue (sync_job_id, chunk_index);

CREATE INDEX IF NOT EXISTS chunk_processing_queue_created_idx
    ON chunk_processing_queue (created_at);

-- Append-only history: one row per status transition of a chunk (no foreign keys, so the
-- history outlives deleted sync jobs). Rows are never updated or deleted (030 trigger).
CREATE TABLE IF NOT EXISTS chunk_processing_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue_id      bigint      NOT NULL,
    chunk_id      bigint      NOT NULL,
    sync_job_id   bigint      NOT NULL,
    chunk_index   integer     NOT NULL,
    transition    text        NOT NULL,
    from_status   text,
    to_status     text        NOT NULL,
    attempt       integer     NOT NULL,
    worker_id     text,
    lease_token   uuid,
    lease_expires_at timestamptz,
    detail        text,
    -- the queue's clock (chunk_queue_now() or p_now) when the transition happened
    event_at      timestamptz NOT NULL,
    -- the wall clock when the row was written, and by which transaction and backend
    recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    txid          bigint      NOT NULL DEFAULT txid_current(),
    backend_pid   integer     NOT NULL DEFAULT pg_backend_pid(),
    CONSTRAINT chunk_processing_events_transition_check
        CHECK (transition IN ('enqueued', 'claimed', 'completed', 'retry_scheduled',
                              'dead_lettered', 'lease_expired', 'cancelled')),
    CONSTRAINT chunk_processing_events_from_status_check
        CHECK (from_status IS NULL
               OR from_status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    CONSTRAINT chunk_processing_events_to_status_check
        CHECK (to_status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    CONSTRAINT chunk_processing_events_enqueued_check
        CHECK ((transition = 'enqueued') = (from_status IS NULL))
);

CREATE INDEX IF NOT EXISTS chunk_processing_events_chunk_idx
    ON chunk_processing_events (chunk_id, id);

-- The webhook outbox: one row per accepted completion (success, retry or dead letter),
-- written in the completing transaction; a deliverer marks rows delivered. UNIQUE
-- lease_token makes "exactly one row per completed lease" a constraint, not a hope.
CREATE TABLE IF NOT EXISTS chunk_webhook_outbox (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type        text        NOT NULL,
    sync_job_id       bigint      NOT NULL,
    chunk_id          bigint      NOT NULL,
    lease_token       uuid,
    payload           jsonb       NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT chunk_queue_now(),
    delivered_at      timestamptz,
    delivery_attempts integer     NOT NULL DEFAULT 0,
    CONSTRAINT chunk_webhook_outbox_lease_token_key UNIQUE (lease_token),
    CONSTRAINT chunk_webhook_outbox_event_type_check
        CHECK (event_type IN ('chunk.completed', 'chunk.retry_scheduled',
                              'sync_job.completed', 'sync_job.failed')),
    CONSTRAINT chunk_webhook_outbox_delivery_attempts_check CHECK (delivery_attempts >= 0)
);

CREATE INDEX IF NOT EXISTS chunk_webhook_outbox_undelivered_idx
    ON chunk_webhook_outbox (id)
    WHERE delivered_at IS NULL;
