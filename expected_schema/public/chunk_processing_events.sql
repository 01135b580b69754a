CREATE TABLE public.chunk_processing_events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    queue_id bigint NOT NULL,
    chunk_id bigint NOT NULL,
    sync_job_id bigint NOT NULL,
    chunk_index integer NOT NULL,
    transition text NOT NULL,
    from_status text,
    to_status text NOT NULL,
    attempt integer NOT NULL,
    worker_id text,
    lease_token uuid,
    lease_expires_at timestamp with time zone,
    detail text,
    event_at timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    txid bigint DEFAULT txid_current() NOT NULL,
    backend_pid integer DEFAULT pg_backend_pid() NOT NULL,
    CONSTRAINT chunk_processing_events_valid_check CHECK (((transition = ANY (ARRAY['enqueued'::text, 'claimed'::text, 'completed'::text, 'retry_scheduled'::text, 'dead_lettered'::text, 'lease_expired'::text, 'cancelled'::text])) AND (to_status = ANY (ARRAY['pending'::text, 'processing'::text, 'completed'::text, 'failed'::text, 'cancelled'::text])) AND ((transition = 'enqueued'::text) = (from_status IS NULL)) AND ((from_status IS NULL) OR (from_status = ANY (ARRAY['pending'::text, 'processing'::text, 'completed'::text, 'failed'::text, 'cancelled'::text]))))),
    CONSTRAINT chunk_processing_events_pkey PRIMARY KEY (id)
);

CREATE INDEX chunk_processing_events_chunk_idx ON public.chunk_processing_events USING btree (chunk_id, id);
CREATE TRIGGER chunk_processing_events_no_truncate BEFORE TRUNCATE ON public.chunk_processing_events FOR EACH STATEMENT EXECUTE FUNCTION public.chunk_processing_events_append_only();
CREATE TRIGGER chunk_processing_events_no_update BEFORE DELETE OR UPDATE ON public.chunk_processing_events FOR EACH ROW EXECUTE FUNCTION public.chunk_processing_events_append_only();
