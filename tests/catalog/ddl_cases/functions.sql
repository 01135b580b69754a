CREATE TABLE jobs (id int, name text);
CREATE FUNCTION f1(a integer, b text DEFAULT 'x') RETURNS integer LANGUAGE sql AS $$ SELECT a $$;
CREATE OR REPLACE FUNCTION f2(IN a int, OUT b text, INOUT c int) LANGUAGE plpgsql AS $body$
BEGIN
  b := 'x';
END
$body$;
CREATE FUNCTION f3(VARIADIC xs int[]) RETURNS SETOF jobs LANGUAGE sql STABLE AS 'SELECT * FROM jobs';
CREATE FUNCTION f4(p jobs.id%TYPE) RETURNS TABLE (id int, label text) LANGUAGE sql RETURN 1;
CREATE FUNCTION f5() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN RETURN NEW; END $$;
CREATE PROCEDURE p1(a int, INOUT b int) LANGUAGE plpgsql AS $$ BEGIN b := a; END $$;
CREATE FUNCTION f6(int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT $1; END;
CREATE FUNCTION f1(a integer, b text DEFAULT 'x') RETURNS integer LANGUAGE sql AS $$ SELECT 2 $$;
CREATE FUNCTION dropme(int) RETURNS int LANGUAGE sql AS 'select 1';
CREATE FUNCTION dropme(text) RETURNS int LANGUAGE sql AS 'select 1';
DROP FUNCTION dropme(int);
CREATE FUNCTION gone() RETURNS int LANGUAGE sql AS 'select 1';
DROP FUNCTION IF EXISTS gone;
-- expect: function public.f1(a integer, b text default) returns integer language sql
-- expect: function public.f2(a integer, out b text, inout c integer) returns record language plpgsql
-- expect: function public.f3(variadic xs integer[]) returns setof public.jobs language sql
-- expect: function public.f4(p integer, table id integer, table label text) returns setof record language sql
-- expect: function public.f5() returns trigger language plpgsql
-- expect: procedure public.p1(a integer, inout b integer) language plpgsql
-- expect: function public.f6(integer) returns integer language sql
-- expect: function public.dropme(text) returns integer language sql
-- expect-not: function public.dropme(integer) returns integer language sql
-- expect-not: function public.gone() returns integer language sql
