CREATE TABLE jobs (id bigint PRIMARY KEY, status text, payload jsonb, locked_by text,
                   created_at timestamptz DEFAULT now());

CREATE FUNCTION claim(p_worker text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_job jobs%ROWTYPE;
BEGIN
    SELECT * INTO v_job FROM jobs
     WHERE status = 'queued' AND payload ? 'kind' AND payload @> '{"prio": 1}'
       AND (payload #>> '{meta,region}') = 'eu' AND payload -> 'meta' ->> 'x' IS NULL
     ORDER BY created_at
     LIMIT 1
     FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    UPDATE jobs SET status = 'running', locked_by = p_worker WHERE id = v_job.id;
    RETURN v_job.payload || jsonb_build_object('id', v_job.id, 'kind', v_job.kind);  -- expect: PGD103
END;
$$;
