CREATE TABLE a (id bigint, name text);
CREATE TABLE b (id bigint, title text);

CREATE VIEW ab AS
SELECT id, name FROM a UNION ALL SELECT id, title FROM b ORDER BY name;

CREATE VIEW ab_broken AS
SELECT id, name FROM a
INTERSECT
SELECT id, name FROM b;        -- expect: PGD101(public.b)

CREATE VIEW ab_broken2 AS
SELECT id FROM a EXCEPT SELECT id FROM b ORDER BY title;   -- expect: PGD101
