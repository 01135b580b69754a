-- case: search_path=app,public
CREATE SCHEMA app;
CREATE TABLE app.jobs (id int, state text);
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM state FROM jobs;
  PERFORM stat FROM jobs; -- expect: PGD101
END $$;
