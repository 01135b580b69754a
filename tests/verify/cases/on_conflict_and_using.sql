CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL DEFAULT 0, updated_at timestamptz);
CREATE TABLE jobs (id bigint PRIMARY KEY, account_id bigint, created_at timestamptz);
CREATE TABLE chunks (id bigint PRIMARY KEY, job_id bigint, chunk_index int);
CREATE TABLE accounts (account_id bigint PRIMARY KEY, email text);

CREATE FUNCTION bump_broken(p_name text, p_by bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO counters (name, val)                  -- expect: PGD101@33
    VALUES (p_name, p_by)
    ON CONFLICT (nam) DO UPDATE                       -- expect: PGD101@18
       SET value = counters.value + excluded.valu,    -- expect: PGD101@37
           updated = now();                           -- expect: PGD101@12
END;
$$;

CREATE FUNCTION upsert(p_name text) RETURNS TABLE (name text, value bigint) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    INSERT INTO counters AS c (name) VALUES (p_name)
    ON CONFLICT (name) DO UPDATE SET value = c.value + 1   -- expect: PGD106@18
    RETURNING c.name, c.value;
END;
$$;

CREATE VIEW job_chunks_broken AS
SELECT j.id, c.chunk_idx,                       -- expect: PGD101@14
       id                                       -- expect: PGD105@8
  FROM jobs j
  JOIN chunks c ON c.jobid = j.id               -- expect: PGD101@20
  JOIN accounts USING (acount_id);              -- expect: PGD101@24

CREATE FUNCTION no_arbiter() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts (account_id, email) VALUES (1, 'a') ON CONFLICT (email) DO NOTHING;  -- expect: PGD111@75
END $$;
