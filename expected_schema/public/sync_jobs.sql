CREATE TABLE public.sync_jobs (
    id bigint GENERATED ALWAYS AS IDENTITY,
    account_id text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    total_chunks integer DEFAULT 0 NOT NULL,
    completed_chunks integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 5 NOT NULL,
    active_queue_id bigint,
    next_run_at timestamp with time zone,
    head_chunk_index integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT public.chunk_queue_now() NOT NULL,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    error_message text,
    updated_at timestamp with time zone DEFAULT public.chunk_queue_now() NOT NULL,
    CONSTRAINT sync_jobs_state_check CHECK (public.sync_jobs_state_ok(status, account_id, max_attempts, total_chunks, completed_chunks, active_queue_id, next_run_at, started_at, completed_at, error_message)),
    CONSTRAINT sync_jobs_pkey PRIMARY KEY (id)
) WITH (fillfactor=70);

CREATE INDEX sync_jobs_active_idx ON public.sync_jobs USING btree (active_queue_id) WHERE (active_queue_id IS NOT NULL);
CREATE INDEX sync_jobs_claimable_idx ON public.sync_jobs USING btree (next_run_at, id) WHERE ((active_queue_id IS NULL) AND (next_run_at IS NOT NULL) AND (status = ANY (ARRAY['pending'::text, 'running'::text])));
