CREATE TYPE job_state AS ENUM ('queued', 'running', 'done');
CREATE TABLE jobs (
    id bigint PRIMARY KEY,
    state job_state NOT NULL DEFAULT 'queued',
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed'))
);

CREATE FUNCTION finish(p_id bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE jobs SET status = 'completed', state = 'done' WHERE id = p_id AND status = 'pending';
    UPDATE jobs SET status = 'complete' WHERE id = p_id;            -- expect: PGD107(completed)
    UPDATE jobs SET state = 'finished' WHERE id = p_id;             -- expect: PGD107
    PERFORM 1 FROM jobs WHERE status IN ('pending', 'faild');       -- expect: PGD107(failed)
    INSERT INTO jobs (id, status) VALUES (p_id, 'pending');
    INSERT INTO jobs (id, status) VALUES (p_id, 'queued');          -- expect: PGD107
END;
$$;
