"""View output column names: the DDL reader's derivation against Postgres, for many shapes."""

from __future__ import annotations

from typing import Any

from tests.live.conftest import run_sql

from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.catalog.live import catalog_from_live, connect, introspect
from pgdrift.source import SourceFile

TABLES = """
CREATE TABLE a (id integer PRIMARY KEY, name text, status varchar(10), amount numeric);
CREATE TABLE b (id integer, a_id integer, note text, "Mixed" text);
CREATE TYPE pair AS (x integer, y integer);
CREATE TABLE c (id integer, p pair, tags text[], data jsonb);
"""

QUERIES = [
    "SELECT * FROM a",
    "SELECT a.*, b.note FROM a JOIN b ON b.a_id = a.id",
    "SELECT * FROM a JOIN b USING (id)",
    "SELECT * FROM a NATURAL JOIN b",
    "SELECT a.name, b.* FROM a CROSS JOIN b",
    "SELECT id, name AS label, lower(name), upper(name) AS up FROM a",
    "SELECT count(*), sum(amount), max(id) AS top, avg(amount) FROM a",
    "SELECT status, count(*) FROM a GROUP BY status",
    "SELECT 1, 'x' AS x, 2.5 AS n, true AS t, NULL AS z",
    "SELECT id::text, name::varchar(5), CAST(amount AS integer) FROM a",
    "SELECT CASE WHEN id > 1 THEN name END, CASE WHEN id > 1 THEN 'a' ELSE name END FROM a",
    "SELECT coalesce(name, ''), nullif(name, ''), greatest(id, 1), least(id, 2) FROM a",
    "SELECT EXISTS (SELECT 1 FROM b), ARRAY(SELECT id FROM b), (SELECT max(id) FROM b) FROM a",
    "SELECT (SELECT note FROM b LIMIT 1) FROM a",
    "SELECT ARRAY[1, 2], ROW(1, 2)::pair, now(), current_date, current_timestamp, current_user",
    "SELECT s.id, s.total FROM (SELECT id, amount AS total FROM a) s",
    "SELECT * FROM (SELECT id, name FROM a) AS s (k, v)",
    "WITH w AS (SELECT id AS wid, name FROM a) SELECT * FROM w",
    "WITH w (p, q) AS (SELECT id, name FROM a) SELECT * FROM w",
    "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r",
    "SELECT id, name FROM a UNION SELECT id, note FROM b",
    "SELECT id FROM a INTERSECT SELECT a_id FROM b",
    "VALUES (1, 'a'), (2, 'b')",
    "SELECT * FROM generate_series(1, 3) AS g",
    "SELECT * FROM generate_series(1, 3)",
    "SELECT * FROM unnest(ARRAY['a', 'b']) WITH ORDINALITY",
    "SELECT g.* FROM generate_subscripts(ARRAY[1, 2], 1) g",
    "SELECT * FROM generate_series(1, 3) AS g (n)",
    "SELECT * FROM unnest(ARRAY[1, 2]) WITH ORDINALITY AS u (v, i)",
    "SELECT (c.p).x, c.tags[1], c.data -> 'k', c.data ->> 'k' AS k FROM c",
    'SELECT b."Mixed", b."Mixed" AS "Other Name" FROM b',
    "SELECT row_number() OVER (ORDER BY id), rank() OVER w FROM a WINDOW w AS (ORDER BY id)",
    "SELECT DISTINCT ON (status) status, id FROM a ORDER BY status, id",
    "SELECT id, name FROM a WHERE status IN ('x', 'y')",
    "SELECT x.* FROM (VALUES (1, 2)) AS x",
    "SELECT * FROM a LEFT JOIN LATERAL (SELECT note FROM b WHERE b.a_id = a.id LIMIT 1) l ON true",
    "SELECT 'a' || name, id + 1 AS plus, -id AS neg, NOT (id > 1) AS n FROM a",
    "SELECT id IS NULL, name LIKE 'x%' AS l, id BETWEEN 1 AND 2 AS b FROM a",
    "SELECT a.id AS a_id, b.id AS b_id FROM a, b",
    "SELECT extract(year FROM now()), substring(name FROM 1 FOR 2), trim(name), position('a' IN name) FROM a",
    'SELECT name COLLATE "C" FROM a',
    "SELECT json_build_object('a', 1), to_jsonb(a) FROM a",
]


def test_view_column_names_match_postgres(pgdrift_empty_db: Any) -> None:
    ddl = TABLES + "\n".join(f"CREATE VIEW v{i} AS {q};" for i, q in enumerate(QUERIES))
    run_sql(pgdrift_empty_db, ddl)
    from_files, diagnostics = catalog_from_files([SourceFile("views.sql", ddl)])
    assert diagnostics == []
    with connect(pgdrift_empty_db.dsn) as conn:
        from_server = catalog_from_live(introspect(conn))
        real_types = {
            (rel, col): typ
            for rel, col, typ in conn.execute(
                "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)"
                " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                " WHERE c.relkind = 'v' AND a.attnum > 0"
            )
        }
    wrong = []
    for i, query in enumerate(QUERIES):
        ours = from_files.relations[("public", f"v{i}")]
        theirs = from_server.relations[("public", f"v{i}")]
        if not ours.columns_known or ours.column_names != theirs.column_names:
            wrong.append(f"{query}\n  ours:   {ours.column_names}\n  server: {theirs.column_names}")
            continue
        # a type the reader claims must be the server's (unknown is allowed)
        for mine in ours.columns:
            real = real_types[(f"v{i}", mine.name)]
            if mine.type != "unknown" and mine.type != real:
                wrong.append(f"{query}\n  {mine.name}: ours {mine.type}, server {real}")
    assert not wrong, "\n".join(wrong)
