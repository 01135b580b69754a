-- Set-returning functions called schema-qualified in FROM, from a schema that is not on
-- the search_path, and defined after their caller (bodies run later).
CREATE SCHEMA queue;
CREATE TABLE queue.jobs (id bigint PRIMARY KEY, kind text NOT NULL, run_at timestamptz);

CREATE FUNCTION queue.next_one(p_kind text) RETURNS queue.jobs LANGUAGE plpgsql AS $$
DECLARE
  v queue.jobs;
BEGIN
  SELECT * INTO v FROM queue.due("queue".kinds_of(p_kind)) LIMIT 1;
  SELECT * INTO v FROM "queue".due(ARRAY[p_kind]) d ORDER BY d.run_at LIMIT 1;
  RETURN v;
END $$;

CREATE FUNCTION queue.due(p_kinds text[]) RETURNS SETOF queue.jobs LANGUAGE sql AS $$
  SELECT * FROM queue.jobs WHERE kind = ANY (p_kinds) AND run_at <= now()
$$;

CREATE FUNCTION queue.kinds_of(p text) RETURNS text[] LANGUAGE sql AS $$ SELECT ARRAY[p] $$;

SELECT count(*) FROM queue.due(ARRAY['mail']) j WHERE j.kind = 'mail';
SELECT * FROM queue.duee(ARRAY['mail']);  -- expect: PGD104(due)
SELECT * FROM queue.due(ARRAY['mail'], 2);  -- expect: PGD108
