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

-- State rules. Each table's rules live in one validation function used by one CHECK
-- constraint: Postgres re-reads every CHECK expression from the catalog text for each
-- statement, and the queue's hot path touches these tables a dozen times per chunk, so one
-- compact CHECK per table (a compiled PL/pgSQL function) costs a third of the CPU of twelve
-- declarative ones. A violation still names its rule: the error's constraint name (e.g.
-- chunked_sync_jobs_completed_check) and message say which rule failed.

CREATE OR REPLACE FUNCTION sync_jobs_state_ok(
    p_status text, p_account_id text, p_max_attempts integer, p_total_chunks integer,
    p_completed_chunks integer, p_active_queue_id bigint, p_next_run_at timestamptz,
    p_started_at timestamptz, p_completed_at timestamptz, p_error_message text
)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v_rule text;
    v_why  text;
BEGIN
    IF p_status NOT IN ('pending', 'running', 'completed', 'failed', 'cancelled') THEN
        v_rule := 'sync_jobs_status_check';
        v_why := format('unknown status %L', p_status);
    ELSIF p_account_id = '' THEN
        v_rule := 'sync_jobs_account_id_check';
        v_why := 'account_id is empty';
    ELSIF p_max_attempts NOT BETWEEN 1 AND 100 THEN
        v_rule := 'sync_jobs_max_attempts_check';
        v_why := 'max_attempts must be between 1 and 100';
    ELSIF NOT (p_total_chunks >= 0 AND p_completed_chunks BETWEEN 0 AND p_total_chunks) THEN
        v_rule := 'sync_jobs_chunk_counts_check';
        v_why := 'need 0 <= completed_chunks <= total_chunks';
    ELSIF p_active_queue_id IS NOT NULL AND p_status <> 'running' THEN
        v_rule := 'sync_jobs_active_chunk_check';
        v_why := 'only a running sync job has a chunk in flight';
    ELSIF p_status = 'pending' AND (p_started_at IS NOT NULL OR p_completed_at IS NOT NULL) THEN
        v_rule := 'sync_jobs_pending_check';
        v_why := 'a pending sync job has neither started_at nor completed_at';
    ELSIF p_status = 'running' AND (p_started_at IS NULL OR p_completed_at IS NOT NULL) THEN
        v_rule := 'sync_jobs_running_check';
        v_why := 'a running sync job has started_at and no completed_at';
    ELSIF p_status IN ('completed', 'failed', 'cancelled')
          AND (p_completed_at IS NULL OR p_active_queue_id IS NOT NULL
               OR p_next_run_at IS NOT NULL) THEN
        v_rule := 'sync_jobs_finished_check';
        v_why := 'a finished sync job has completed_at, nothing in flight and nothing due';
    ELSIF p_status = 'completed'
          AND (p_completed_chunks <> p_total_chunks OR p_error_message IS NOT NULL) THEN
        v_rule := 'sync_jobs_completed_check';
        v_why := 'a completed sync job completed every chunk and has no error_message';
    ELSIF p_status = 'failed' AND p_error_message IS NULL THEN
        v_rule := 'sync_jobs_failed_check';
        v_why := 'a failed sync job has an error_message';
    ELSIF p_completed_at < p_started_at THEN
        v_rule := 'sync_jobs_times_check';
        v_why := 'completed_at is before started_at';
    ELSE
        RETURN true;
    END IF;
    RAISE EXCEPTION 'sync_jobs row violates %: %', v_rule, v_why
        USING ERRCODE = 'check_violation', CONSTRAINT = v_rule, TABLE = 'sync_jobs';
END;
$$;

CREATE OR REPLACE FUNCTION chunked_sync_jobs_state_ok(
    p_status text, p_chunk_index integer, p_estimated_emails integer,
    p_started_at timestamptz, p_completed_at timestamptz, p_processing_time_ms integer,
    p_error_message text
)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v_rule text;
    v_why  text;
BEGIN
    IF p_status NOT IN ('pending', 'processing', 'completed', 'failed', 'cancelled') THEN
        v_rule := 'chunked_sync_jobs_status_check';
        v_why := format('unknown status %L', p_status);
    ELSIF p_chunk_index < 0 THEN
        v_rule := 'chunked_sync_jobs_chunk_index_check';
        v_why := 'chunk_index is negative';
    ELSIF p_estimated_emails < 0 THEN
        v_rule := 'chunked_sync_jobs_estimated_emails_check';
        v_why := 'estimated_emails is negative';
    ELSIF p_processing_time_ms < 0 THEN
        v_rule := 'chunked_sync_jobs_processing_time_check';
        v_why := 'processing_time_ms is negative';
    ELSIF p_status = 'pending' AND p_completed_at IS NOT NULL THEN
        v_rule := 'chunked_sync_jobs_pending_check';
        v_why := 'a pending chunk has no completed_at';
    ELSIF p_status = 'processing' AND (p_started_at IS NULL OR p_completed_at IS NOT NULL) THEN
        v_rule := 'chunked_sync_jobs_processing_check';
        v_why := 'a processing chunk has started_at and no completed_at';
    ELSIF p_status = 'completed'
          AND (p_started_at IS NULL OR p_completed_at IS NULL
               OR p_processing_time_ms IS NULL OR p_error_message IS NOT NULL) THEN
        v_rule := 'chunked_sync_jobs_completed_check';
        v_why := 'a completed chunk has started_at, completed_at, processing_time_ms and no error_message';
    ELSIF p_status = 'failed' AND (p_completed_at IS NULL OR p_error_message IS NULL) THEN
        v_rule := 'chunked_sync_jobs_failed_check';
        v_why := 'a failed chunk has completed_at and an error_message';
    ELSIF p_status = 'cancelled' AND p_completed_at IS NULL THEN
        v_rule := 'chunked_sync_jobs_cancelled_check';
        v_why := 'a cancelled chunk has completed_at';
    ELSIF p_completed_at < p_started_at THEN
        v_rule := 'chunked_sync_jobs_times_check';
        v_why := 'completed_at is before started_at';
    ELSE
        RETURN true;
    END IF;
    RAISE EXCEPTION 'chunked_sync_jobs row violates %: %', v_rule, v_why
        USING ERRCODE = 'check_violation', CONSTRAINT = v_rule, TABLE = 'chunked_sync_jobs';
END;
$$;

CREATE OR REPLACE FUNCTION chunk_processing_queue_state_ok(
    p_status text, p_attempts integer, p_max_attempts integer, p_worker_id text,
    p_lease_token uuid, p_claimed_at timestamptz, p_lease_expires_at timestamptz,
    p_finished_at timestamptz
)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v_rule text;
    v_why  text;
BEGIN
    IF p_status NOT IN ('pending', 'processing', 'completed', 'failed', 'cancelled') THEN
        v_rule := 'chunk_processing_queue_status_check';
        v_why := format('unknown status %L', p_status);
    ELSIF NOT (p_max_attempts BETWEEN 1 AND 100 AND p_attempts BETWEEN 0 AND p_max_attempts) THEN
        v_rule := 'chunk_processing_queue_attempts_check';
        v_why := 'need 1 <= max_attempts <= 100 and 0 <= attempts <= max_attempts';
    ELSIF (p_status = 'processing') <> (p_lease_expires_at IS NOT NULL) THEN
        v_rule := 'chunk_processing_queue_lease_check';
        v_why := 'a lease (lease_expires_at) exists exactly while the chunk is processing';
    ELSIF p_status = 'processing'
          AND (p_lease_token IS NULL OR p_worker_id IS NULL OR p_worker_id = ''
               OR p_claimed_at IS NULL OR p_lease_expires_at <= p_claimed_at
               OR p_attempts < 1) THEN
        v_rule := 'chunk_processing_queue_processing_check';
        v_why := 'a processing chunk has a lease token, a worker, a claim time before its expiry and an attempt';
    ELSIF p_status = 'pending' AND (p_lease_token IS NOT NULL OR p_attempts >= p_max_attempts) THEN
        v_rule := 'chunk_processing_queue_pending_check';
        v_why := 'a pending chunk holds no lease token and has attempts left';
    ELSIF p_status = 'completed' AND p_lease_token IS NULL THEN
        v_rule := 'chunk_processing_queue_completed_check';
        v_why := 'a completed chunk keeps the lease token that completed it';
    ELSIF (p_status IN ('completed', 'failed', 'cancelled')) <> (p_finished_at IS NOT NULL) THEN
        v_rule := 'chunk_processing_queue_finished_check';
        v_why := 'finished_at is set exactly when the chunk is finished';
    ELSE
        RETURN true;
    END IF;
    RAISE EXCEPTION 'chunk_processing_queue row violates %: %', v_rule, v_why
        USING ERRCODE = 'check_violation', CONSTRAINT = v_rule,
              TABLE = 'chunk_processing_queue';
END;
$$;

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
    CONSTRAINT sync_jobs_state_check
        CHECK (sync_jobs_state_ok(status, account_id, max_attempts, total_chunks,
                                  completed_chunks, active_queue_id, next_run_at, started_at,
                                  completed_at, error_message))
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
    -- a completed chunk has started_at, completed_at, processing_time_ms >= 0 and no error
    CONSTRAINT chunked_sync_jobs_state_check
        CHECK (chunked_sync_jobs_state_ok(status, chunk_index, estimated_emails, started_at,
                                          completed_at, processing_time_ms, error_message))
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
    -- a lease exists exactly while the chunk is processing; a pending chunk holds no lease
    -- token (so a reclaimed token can never complete it)
    CONSTRAINT chunk_processing_queue_state_check
        CHECK (chunk_processing_queue_state_ok(status, attempts, max_attempts, worker_id,
                                               lease_token, claimed_at, lease_expires_at,
                                               finished_at))
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
    -- one CHECK (each CHECK is re-read per statement, and events are written per transition)
    CONSTRAINT chunk_processing_events_valid_check
        CHECK (transition IN ('enqueued', 'claimed', 'completed', 'retry_scheduled',
                              'dead_lettered', 'lease_expired', 'cancelled')
               AND to_status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')
               AND (transition = 'enqueued') = (from_status IS NULL)
               AND (from_status IS NULL OR from_status IN ('pending', 'processing',
                                                            'completed', 'failed',
                                                            'cancelled')))
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
    CONSTRAINT chunk_webhook_outbox_valid_check
        CHECK (event_type IN ('chunk.completed', 'chunk.retry_scheduled',
                              'sync_job.completed', 'sync_job.failed')
               AND delivery_attempts >= 0)
);

CREATE INDEX IF NOT EXISTS chunk_webhook_outbox_undelivered_idx
    ON chunk_webhook_outbox (id)
    WHERE delivered_at IS NULL;
