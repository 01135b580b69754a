CREATE TABLE a (id int);
CREATE TABLE b (id int);
CREATE VIEW va AS SELECT * FROM a;
CREATE TYPE e AS ENUM ('x');
CREATE DOMAIN d AS int;
CREATE SEQUENCE s AS integer;
CREATE SEQUENCE keep_seq;
CREATE INDEX a_idx ON a (id);
DROP VIEW va;
DROP TABLE IF EXISTS b, nonexistent CASCADE;
DROP TYPE e;
DROP DOMAIN d;
DROP SEQUENCE s;
DROP INDEX a_idx;
COMMENT ON TABLE a IS 'still here';
GRANT SELECT ON a TO PUBLIC;
CREATE SCHEMA tmp;
CREATE TABLE tmp.x (id int);
DROP SCHEMA tmp CASCADE;
-- expect: relation public.a table
-- expect-not: index public.a a_idx
-- expect-not: relation public.va view
-- expect-not: relation public.b table
-- expect-not: enum public.e x
-- expect-not: domain public.d integer
-- expect-not: sequence public.s integer
-- expect: sequence public.keep_seq bigint
-- expect-not: relation tmp.x table
CREATE TABLE src (id int);
CREATE VIEW over_src AS SELECT id FROM src;
CREATE VIEW over_view AS SELECT id FROM over_src;
CREATE VIEW unrelated AS SELECT id FROM a;
DROP TABLE src CASCADE;
-- expect-not: relation public.over_src view
-- expect-not: relation public.over_view view
-- expect: relation public.unrelated view
