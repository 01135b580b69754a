CREATE TABLE jobs (id int, state text, attempts int);
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  j jobs%ROWTYPE;
  n int;
BEGIN
  SELECT count(*), max(state) INTO n, j.state FROM jobs;
  SELECT count(*) INTO j.atempts FROM jobs; -- expect: PGD103@24(attempts)
END $$;
