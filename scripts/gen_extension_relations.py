"""Print the relations extensions create, for ``pgdrift/catalog/builtins_extensions.py``.

Usage::

    python scripts/gen_extension_relations.py DSN [EXTENSION ...]

Creates each extension (CASCADE) in a scratch database ``pgdrift_extrels`` of the server at
DSN, then prints, per extension, every relation it owns (``pg_depend.deptype = 'e'``) with
its columns as ``format_type()`` prints them, in the literal form of
``EXTENSION_RELATIONS``. The module's data is the union of runs on PG 15.18 (with PostGIS
3.3) and PG 18.6, plus pg_stat_statements 1.7's columns (PG <= 12: total_time, …).
"""

from __future__ import annotations

import sys

import psycopg

DEFAULT = ("pg_stat_statements", "pg_buffercache", "postgis", "postgis_raster", "postgis_topology")

QUERY = """
SELECT n.nspname, cl.relname, cl.relkind, a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_depend d
JOIN pg_extension x ON x.oid = d.refobjid AND d.refclassid = 'pg_extension'::regclass
JOIN pg_class cl ON cl.oid = d.objid AND d.classid = 'pg_class'::regclass
JOIN pg_namespace n ON n.oid = cl.relnamespace
JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE d.deptype = 'e' AND x.extname = %s AND cl.relkind IN ('r', 'v', 'm', 'p', 'f')
ORDER BY cl.relname, a.attnum
"""


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    dsn, extensions = argv[0], argv[1:] or list(DEFAULT)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS pgdrift_extrels")
        conn.execute("CREATE DATABASE pgdrift_extrels")
        scratch = conn.info.get_parameters() | {"dbname": "pgdrift_extrels"}
    try:
        with psycopg.connect(**scratch, autocommit=True) as conn:
            for ext in extensions:
                conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{ext}" CASCADE')
                rels: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
                for nsp, rel, kind, col, typ in conn.execute(QUERY, (ext,)).fetchall():
                    rels.setdefault((rel, kind, nsp), []).append((col, typ))
                print(f"    {ext!r}: (")
                for (rel, kind, nsp), cols in rels.items():
                    fixed = None if nsp == "public" else nsp
                    kind_name = "TABLE" if kind in ("r", "p") else "VIEW"
                    print(f"        ({rel!r}, {kind_name}, {fixed!r}, {tuple(cols)!r}),")
                print("    ),")
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS pgdrift_extrels")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
