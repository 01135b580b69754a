CREATE TABLE jobs (
  status character varying(20) NOT NULL,
  kind text,
  CONSTRAINT jobs_status_check CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'running'::character varying, 'completed'::character varying])::text[]))),
  CHECK (kind IS NULL OR kind IN ('a', 'b'))
);
-- expect: column public.jobs.status character varying(20) not null values pending|running|completed
-- expect: column public.jobs.kind text values a|b
CREATE TABLE jobs2 (
  status text NOT NULL CHECK (status IN ('pending', 'running', 'done')),
  queue_id bigint,
  CONSTRAINT active_check CHECK (queue_id IS NULL OR status = 'running'),
  CONSTRAINT not_done CHECK (status <> 'done' OR queue_id IS NULL)
);
-- expect: column public.jobs2.status text not null values pending|running|done
