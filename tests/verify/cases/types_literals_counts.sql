CREATE TYPE job_state AS ENUM ('queued', 'running', 'done');
CREATE TYPE address AS (street text, city text);
CREATE TABLE jobs (id bigint PRIMARY KEY, state job_state NOT NULL DEFAULT 'queued', idx int,
  home address);

CREATE FUNCTION finish(p_id bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE jobs SET state = 'done'::job_state WHERE id = p_id;
    UPDATE jobs SET state = 'done'::job_stat WHERE id = p_id;       -- expect: PGD110@37
    UPDATE jobs SET state = 'finished'::job_state WHERE id = p_id;  -- expect: PGD107@29
$$;

CREATE FUNCTION add(p_id bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs (id, idx) VALUES (p_id);                    -- expect: PGD109
    PERFORM (j.home).town, (j.office).city FROM jobs j;          -- expect: PGD101@13 PGD101@29
END $$;

-- PL/pgSQL records expose the row's system columns: not errors
CREATE FUNCTION versions(p_id bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r jobs; q record;
BEGIN
  SELECT * INTO r FROM jobs WHERE id = p_id;
  SELECT j.id INTO q FROM jobs j WHERE j.id = p_id;
  RETURN r.xmin::text || q.ctid::text || r.tableoid::regclass::text || r.stat;  -- expect: PGD103@72
END $$;
