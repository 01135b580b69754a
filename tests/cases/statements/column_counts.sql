CREATE TABLE chunks (id bigserial PRIMARY KEY, job_id bigint, idx int, status text);

CREATE FUNCTION add_chunk(p_job bigint, p_idx int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chunks (job_id, idx, status) VALUES (p_job, p_idx, 'pending');
    INSERT INTO chunks (job_id, idx, status) VALUES (p_job, p_idx);        -- expect: PGD109
    INSERT INTO chunks (job_id) SELECT p_job, p_idx;                       -- expect: PGD109
    UPDATE chunks SET (idx, status) = (p_idx, 'pending', 1) WHERE job_id = p_job;  -- expect: PGD109
    PERFORM id, idx FROM chunks UNION ALL SELECT id FROM chunks;           -- expect: PGD109
END;
$$;

CREATE VIEW chunk_pairs AS
SELECT c.a FROM (SELECT id FROM chunks) AS c(a, b);                        -- expect: PGD109
