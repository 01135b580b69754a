CREATE SCHEMA app;
CREATE TABLE app.jobs (id int, state text);
CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql SET search_path = app, pg_catalog AS $$
BEGIN
  RETURN (SELECT state FROM jobs LIMIT 1);
END $$;
CREATE FUNCTION g() RETURNS text LANGUAGE sql SET search_path = app AS $$ SELECT stat FROM jobs $$; -- expect: PGD101
CREATE FUNCTION h() RETURNS text LANGUAGE sql AS $$ SELECT state FROM jobs $$; -- expect: PGD102
