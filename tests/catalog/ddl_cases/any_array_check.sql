CREATE TABLE jobs (
  status character varying(20) NOT NULL,
  kind text,
  CONSTRAINT jobs_status_check CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'running'::character varying, 'completed'::character varying])::text[]))),
  CHECK (kind IS NULL OR kind IN ('a', 'b'))
);
-- expect: column public.jobs.status character varying(20) not null values pending|running|completed
-- expect: column public.jobs.kind text values a|b
