CREATE TABLE chunks (
    id bigserial PRIMARY KEY,
    job_id bigint NOT NULL,
    chunk_index int NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    CONSTRAINT chunks_job_chunk_key UNIQUE (job_id, chunk_index)
);
CREATE UNIQUE INDEX chunks_one_running ON chunks (job_id) WHERE status = 'running';

CREATE FUNCTION add_chunk(p_job bigint, p_idx int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chunks (job_id, chunk_index) VALUES (p_job, p_idx)
    ON CONFLICT (chunk_index, job_id) DO NOTHING;
    INSERT INTO chunks (job_id, chunk_index) VALUES (p_job, p_idx)
    ON CONFLICT ON CONSTRAINT chunks_job_chunk_key DO NOTHING;
    INSERT INTO chunks (job_id, chunk_index, status) VALUES (p_job, p_idx, 'running')
    ON CONFLICT (job_id) WHERE status = 'running' DO NOTHING;
    INSERT INTO chunks (job_id, chunk_index) VALUES (p_job, p_idx)
    ON CONFLICT (chunk_index) DO NOTHING;                       -- expect: PGD111(job_id, chunk_index)
    INSERT INTO chunks (job_id, chunk_index) VALUES (p_job, p_idx)
    ON CONFLICT ON CONSTRAINT chunks_job_chunk_uniq DO NOTHING; -- expect: PGD111(chunks_job_chunk_key)
    INSERT INTO chunks (job_id, chunk_index) VALUES (p_job, p_idx)
    ON CONFLICT (job_id) DO NOTHING;                            -- expect: PGD111
END;
$$;
