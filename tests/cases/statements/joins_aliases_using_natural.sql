CREATE TABLE jobs (id bigint PRIMARY KEY, account_id bigint, created_at timestamptz);
CREATE TABLE chunks (id bigint PRIMARY KEY, job_id bigint, chunk_index int, created_at timestamptz);
CREATE TABLE accounts (account_id bigint PRIMARY KEY, email text);

CREATE VIEW job_chunks AS
SELECT j.id AS job_id, c.chunk_index, a.email
  FROM jobs j
  JOIN chunks c ON c.job_id = j.id
  JOIN accounts a USING (account_id);

CREATE VIEW job_chunks_broken AS
SELECT j.id, c.chunk_idx,                       -- expect: PGD101(chunk_index)
       id                                       -- expect: PGD105
  FROM jobs j
  JOIN chunks c ON c.jobid = j.id               -- expect: PGD101(job_id)
  JOIN accounts USING (acount_id);              -- expect: PGD101(account_id)

CREATE VIEW natural_join AS
SELECT created_at FROM jobs NATURAL JOIN chunks WHERE id > 0;
