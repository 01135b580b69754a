CREATE TABLE t (a int, b text, c int, d int);
CREATE INDEX t_c_idx ON t (c);
ALTER TABLE t ADD COLUMN e text NOT NULL DEFAULT 'x';
ALTER TABLE t ADD COLUMN IF NOT EXISTS a text;
ALTER TABLE t DROP COLUMN c;
ALTER TABLE t RENAME COLUMN b TO bb;
ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint;
ALTER TABLE t ALTER COLUMN a SET NOT NULL;
ALTER TABLE t ALTER COLUMN e DROP NOT NULL, ALTER COLUMN e DROP DEFAULT;
ALTER TABLE t ALTER COLUMN d SET DEFAULT 42;
ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (a);
ALTER TABLE t ADD CONSTRAINT dropme CHECK (d > 0);
ALTER TABLE t DROP CONSTRAINT dropme;
ALTER TABLE t RENAME TO t2;
-- expect: columns public.t2 a, bb, d, e
-- expect: column public.t2.a bigint not null
-- expect: column public.t2.e text
-- expect: column public.t2.d integer default 42
-- expect: constraint public.t2 t_pk primary key PRIMARY KEY (a)
-- expect-not: relation public.t table
-- expect-not: index public.t2 t_c_idx
