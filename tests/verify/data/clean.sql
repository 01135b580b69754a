-- Real-looking PL/pgSQL that Postgres accepts: verify (and check) must report nothing.
CREATE TYPE job_state AS ENUM ('pending', 'running', 'done');
CREATE TABLE jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state job_state NOT NULL DEFAULT 'pending',
    attempts int NOT NULL DEFAULT 0,
    payload jsonb NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    updated_at timestamptz
);
CREATE TABLE job_events (job_id bigint REFERENCES jobs, kind text, at timestamptz DEFAULT now());
CREATE TYPE claim_result AS (job_id bigint, attempt int);

CREATE FUNCTION claim(p_limit int DEFAULT 1, OUT o_id bigint, OUT o_attempt int)
RETURNS SETOF record LANGUAGE plpgsql AS $$
DECLARE
    v_job jobs%ROWTYPE;
    v_ids bigint[] := '{}';
    v_state jobs.state%TYPE := 'pending';
    cur CURSOR (p_state job_state) FOR SELECT * FROM jobs WHERE state = p_state;
BEGIN
    FOR v_job IN cur(v_state) LOOP
        EXIT WHEN array_length(v_ids, 1) >= p_limit;
        UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = now()
         WHERE id = v_job.id
        RETURNING id, attempts INTO o_id, o_attempt;
        v_ids := v_ids || o_id;
        INSERT INTO job_events (job_id, kind) VALUES (o_id, 'claimed');
        RETURN NEXT;
    END LOOP;
    PERFORM pg_notify('jobs', array_to_string(v_ids, ','));
    RAISE NOTICE 'claimed % jobs (limit %)', coalesce(array_length(v_ids, 1), 0), claim.p_limit;
END $$;

CREATE FUNCTION summary() RETURNS TABLE (state_name text, total bigint) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT j.state::text, count(*) FROM jobs j GROUP BY j.state ORDER BY 1;
END $$;

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state IS DISTINCT FROM OLD.state THEN
        INSERT INTO job_events (job_id, kind) VALUES (NEW.id, TG_OP || ':' || NEW.state);
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER jobs_touch BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION touch();

CREATE FUNCTION retry(p_id bigint) RETURNS claim_result LANGUAGE plpgsql AS $$
<<blk>>
DECLARE
    r record;
    res claim_result;
    n int;
BEGIN
    SELECT id, attempts INTO STRICT r FROM jobs WHERE id = $1 FOR UPDATE SKIP LOCKED;
    res.job_id := r.id;
    res.attempt := r.attempts + 1;
    GET DIAGNOSTICS n = ROW_COUNT;
    ASSERT n = 1, 'one row';
    DECLARE inner_n int := blk.n;
    BEGIN
        IF EXISTS (SELECT 1 FROM jobs WHERE payload ? 'x' AND 'urgent' = ANY (tags)) THEN
            inner_n := inner_n + 1;
        END IF;
    END;
    FOR r IN EXECUTE 'SELECT * FROM jobs WHERE id = $1' USING p_id LOOP
        n := n + r.attempts;
    END LOOP;
    RETURN res;
EXCEPTION WHEN no_data_found THEN
    RETURN NULL;
END $$;

CREATE FUNCTION by_state(p_state job_state) RETURNS SETOF jobs LANGUAGE sql STABLE AS $$
    SELECT * FROM jobs WHERE state = p_state ORDER BY id
$$;

CREATE PROCEDURE purge(p_before timestamptz) LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_events e USING jobs j WHERE e.job_id = j.id AND j.updated_at < p_before;
    COMMIT;
END $$;

CREATE VIEW job_overview AS
SELECT j.id, j.state, count(e.*) AS events FROM jobs j LEFT JOIN job_events e ON e.job_id = j.id
GROUP BY j.id, j.state;
