CREATE TABLE public.chunk_processing_queue (
    id bigint GENERATED ALWAYS AS IDENTITY,
    chunk_id bigint NOT NULL,
    sync_job_id bigint NOT NULL,
    chunk_index integer NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 5 NOT NULL,
    run_after timestamp with time zone DEFAULT public.chunk_queue_now() NOT NULL,
    worker_id text,
    lease_token uuid,
    claimed_at timestamp with time zone,
    lease_expires_at timestamp with time zone,
    heartbeat_at timestamp with time zone,
    last_error text,
    created_at timestamp with time zone DEFAULT public.chunk_queue_now() NOT NULL,
    updated_at timestamp with time zone DEFAULT public.chunk_queue_now() NOT NULL,
    finished_at timestamp with time zone,
    CONSTRAINT chunk_processing_queue_state_check CHECK (public.chunk_processing_queue_state_ok(status, attempts, max_attempts, worker_id, lease_token, claimed_at, lease_expires_at, finished_at)),
    CONSTRAINT chunk_processing_queue_pkey PRIMARY KEY (id),
    CONSTRAINT chunk_processing_queue_chunk_id_key UNIQUE (chunk_id)
) WITH (fillfactor=70);

ALTER TABLE public.chunk_processing_queue ADD CONSTRAINT chunk_processing_queue_chunk_fkey FOREIGN KEY (chunk_id, sync_job_id, chunk_index) REFERENCES public.chunked_sync_jobs(id, sync_job_id, chunk_index) ON DELETE CASCADE;
ALTER TABLE public.chunk_processing_queue ADD CONSTRAINT chunk_processing_queue_sync_job_id_fkey FOREIGN KEY (sync_job_id) REFERENCES public.sync_jobs(id) ON DELETE CASCADE;
CREATE INDEX chunk_processing_queue_created_idx ON public.chunk_processing_queue USING btree (created_at);
CREATE INDEX chunk_processing_queue_sync_job_idx ON public.chunk_processing_queue USING btree (sync_job_id, chunk_index);
