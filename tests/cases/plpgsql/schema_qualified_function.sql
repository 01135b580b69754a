CREATE SCHEMA app;
CREATE TABLE app.jobs (id int, state text);
CREATE FUNCTION app.f() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM state FROM app.jobs;
  PERFORM stat FROM app.jobs; -- expect: PGD101
  PERFORM 1 FROM jobs; -- expect: PGD102
END $$;
