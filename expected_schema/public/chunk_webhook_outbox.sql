CREATE TABLE public.chunk_webhook_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY,
    event_type text NOT NULL,
    sync_job_id bigint NOT NULL,
    chunk_id bigint NOT NULL,
    lease_token uuid,
    payload jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT public.chunk_queue_now() NOT NULL,
    delivered_at timestamp with time zone,
    delivery_attempts integer DEFAULT 0 NOT NULL,
    CONSTRAINT chunk_webhook_outbox_valid_check CHECK (((event_type = ANY (ARRAY['chunk.completed'::text, 'chunk.retry_scheduled'::text, 'sync_job.completed'::text, 'sync_job.failed'::text])) AND (delivery_attempts >= 0))),
    CONSTRAINT chunk_webhook_outbox_pkey PRIMARY KEY (id),
    CONSTRAINT chunk_webhook_outbox_lease_token_key UNIQUE (lease_token)
);

CREATE INDEX chunk_webhook_outbox_undelivered_idx ON public.chunk_webhook_outbox USING btree (id) WHERE (delivered_at IS NULL);
