CREATE TABLE users (id int, email text, status text CHECK (status IN ('a', 'b')));
CREATE TABLE orders (id int, user_id int, total numeric);
CREATE VIEW v1 AS SELECT u.id, u.email AS mail, lower(u.email), 1, u.id::text, count(*) AS n, CASE WHEN true THEN 1 END FROM users u GROUP BY 1, 2;
CREATE VIEW v2 (a, b) AS SELECT id, email FROM users;
CREATE VIEW v3 AS SELECT * FROM users JOIN orders USING (id);
CREATE VIEW v4 AS SELECT o.*, u.email FROM orders o JOIN users u ON u.id = o.user_id;
CREATE VIEW v5 AS SELECT * FROM missing_table;
CREATE VIEW v6 AS WITH w AS (SELECT id AS wid FROM users) SELECT * FROM w;
CREATE VIEW v7 AS SELECT s.x FROM (SELECT id AS x FROM users) s UNION ALL SELECT 2;
CREATE OR REPLACE VIEW v2 (a, b, c) AS SELECT id, email, status FROM users;
CREATE MATERIALIZED VIEW mv AS SELECT status, count(*) FROM users GROUP BY status;
CREATE VIEW v8 AS SELECT * FROM generate_series(1, 3) AS g(n);
CREATE VIEW v9 AS VALUES (1, 'a');
-- expect: columns public.v1 id, mail, lower, ?column?, id, n, case
-- expect: columns public.v2 a, b, c
-- expect: column public.v2.c text values a|b
-- expect: columns public.v3 id, email, status, user_id, total
-- expect: columns public.v4 id, user_id, total, email
-- expect: relation public.v5 view columns unknown
-- expect: columns public.v6 wid
-- expect: columns public.v7 x
-- expect: relation public.mv materialized view
-- expect: columns public.mv status, count
-- expect: column public.mv.count bigint
-- expect: columns public.v8 n
-- expect: columns public.v9 column1, column2
