\set ON_ERROR_STOP on
\echo Use "CREATE EXTENSION x" to load this file. \quit
CREATE TABLE kv (k text, v text);
SELECT 'CREATE DATABASE app' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'app')\gexec
\i other.sql
CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  -- a backslash inside a body is text: \not a command
  RETURN (SELECT vv FROM kv LIMIT 1); -- expect: PGD101
END $$;
UPDATE kv SET v = 'x' WHERE kk = 'y'; -- expect: PGD101
