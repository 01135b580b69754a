CREATE TABLE jobs (id int, state text);
CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT state FROM jobs LIMIT 1); END $$;
ALTER TABLE jobs RENAME COLUMN state TO status;
CREATE OR REPLACE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT status FROM jobs LIMIT 1); END $$;
CREATE FUNCTION k() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT state FROM jobs LIMIT 1); END $$; -- expect: PGD101@78
CREATE TABLE customers (id int, email citext);                                       -- expect: PGD110@39
CREATE FUNCTION uses_customers() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT count(*) FROM customers);
END $$;
COMMENT ON TABLE customers IS 'missing';
