CREATE TABLE src (id int, name text);
CREATE TABLE c1 AS SELECT id, name AS label FROM src;
CREATE TABLE c2 (x, y) AS SELECT * FROM src;
SELECT id INTO c3 FROM src;
CREATE TABLE c4 AS SELECT * FROM unknown_rel;
CREATE TEMP TABLE c5 AS SELECT 1 AS one;
-- expect: columns public.c1 id, label
-- expect: column public.c1.id integer
-- expect: columns public.c2 x, y
-- expect: columns public.c3 id
-- expect: relation public.c4 table columns unknown
-- expect: columns public.c5 one
