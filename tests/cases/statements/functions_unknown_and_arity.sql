CREATE TABLE jobs (id bigint PRIMARY KEY, payload jsonb, created_at timestamptz);

CREATE FUNCTION job_age(p_id bigint, p_unit text DEFAULT 'seconds') RETURNS numeric
LANGUAGE sql AS $$ SELECT extract(epoch FROM now() - created_at) FROM jobs WHERE id = p_id $$;

CREATE VIEW job_view AS
SELECT id, job_age(id), job_age(id, 'minutes'), coalesce(payload ->> 'a', 'x'),
       jsonb_build_object('id', id), date_trunc('hour', created_at), now()
  FROM jobs;

CREATE VIEW job_view_broken AS
SELECT job_age(),                                  -- expect: PGD108
       jsonb_build_objekt('id', id)                -- expect: PGD104(jsonb_build_object)
  FROM jobs;
