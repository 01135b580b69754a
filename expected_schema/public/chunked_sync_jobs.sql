CREATE TABLE public.chunked_sync_jobs (
    id bigint GENERATED ALWAYS AS IDENTITY,
    sync_job_id bigint NOT NULL,
    chunk_index integer NOT NULL,
    estimated_emails integer DEFAULT 0 NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    processing_time_ms integer,
    error_message text,
    created_at timestamp with time zone DEFAULT public.chunk_queue_now() NOT NULL,
    updated_at timestamp with time zone DEFAULT public.chunk_queue_now() NOT NULL,
    CONSTRAINT chunked_sync_jobs_state_check CHECK (public.chunked_sync_jobs_state_ok(status, chunk_index, estimated_emails, started_at, completed_at, processing_time_ms, error_message)),
    CONSTRAINT chunked_sync_jobs_pkey PRIMARY KEY (id),
    CONSTRAINT chunked_sync_jobs_chunk_index_key UNIQUE (sync_job_id, chunk_index)
) WITH (fillfactor=70);

ALTER TABLE public.chunked_sync_jobs ADD CONSTRAINT chunked_sync_jobs_sync_job_id_fkey FOREIGN KEY (sync_job_id) REFERENCES public.sync_jobs(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX chunked_sync_jobs_identity_key ON public.chunked_sync_jobs USING btree (id, sync_job_id, chunk_index);
CREATE TRIGGER chunked_sync_jobs_enqueue AFTER INSERT ON public.chunked_sync_jobs FOR EACH ROW EXECUTE FUNCTION public.enqueue_chunk_for_processing();
