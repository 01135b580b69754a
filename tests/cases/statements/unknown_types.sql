CREATE TYPE job_state AS ENUM ('queued', 'running', 'done');
CREATE TABLE jobs (id bigint PRIMARY KEY, state job_state NOT NULL DEFAULT 'queued');

CREATE FUNCTION finish(p_id bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE jobs SET state = 'done'::job_state WHERE id = p_id;
    UPDATE jobs SET state = 'done'::job_stat WHERE id = p_id;       -- expect: PGD110(job_state)
    UPDATE jobs SET state = 'finished'::job_state WHERE id = p_id;  -- expect: PGD107
    SELECT 'x'::regclass::oid, '{}'::jsonb, NULL::jobs;
$$;
