"""The bulk catalog queries of live introspection: one per kind of object, never one per
object. Every query filters schemas the same way (``%(schemas)s``: an explicit list, or
NULL for all non-system schemas) and leaves out objects that belong to an extension.
"""

from __future__ import annotations

SCHEMA_FILTER = """
    n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    AND (%(schemas)s::text[] IS NULL OR n.nspname = ANY(%(schemas)s::text[]))
"""


def _not_extension_member(catalog: str, oid: str) -> str:
    return f"""NOT EXISTS (SELECT 1 FROM pg_depend dep
        WHERE dep.classid = '{catalog}'::regclass AND dep.objid = {oid} AND dep.deptype = 'e')"""


SCHEMAS = f"""
SELECT n.nspname, has_schema_privilege(n.oid, 'USAGE')
FROM pg_namespace n
WHERE {SCHEMA_FILTER}
ORDER BY 1
"""

EXTENSIONS = """
SELECT e.extname, n.nspname
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY 1
"""

ENUMS = f"""
SELECT n.nspname, t.typname,
       array(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND {SCHEMA_FILTER} AND {_not_extension_member("pg_type", "t.oid")}
ORDER BY 1, 2
"""

DOMAINS = f"""
SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
       t.typdefault,
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation
            THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                  WHERE co.oid = t.typcollation) END,
       array(SELECT quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid)
             FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'
             ORDER BY c.conname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = t.typbasetype
WHERE t.typtype = 'd' AND {SCHEMA_FILTER} AND {_not_extension_member("pg_type", "t.oid")}
ORDER BY 1, 2
"""

RELATIONS = f"""
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       array(SELECT quote_ident(pn.nspname) || '.' || quote_ident(pc.relname)
             FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
             JOIN pg_namespace pn ON pn.oid = pc.relnamespace
             WHERE i.inhrelid = c.oid ORDER BY i.inhseqno),
       c.relispartition,
       c.reloptions
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'c') AND {SCHEMA_FILTER}
  AND {_not_extension_member("pg_class", "c.oid")}
ORDER BY 2, 3
"""

COLUMNS = f"""
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
            THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                  WHERE co.oid = a.attcollation) END,
       a.attislocal
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'c')
  AND {SCHEMA_FILTER}
ORDER BY a.attrelid, a.attnum
"""

CONSTRAINTS = f"""
SELECT k.conrelid, k.conname, k.contype, pg_get_constraintdef(k.oid), k.conislocal,
       k.conparentid <> 0
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype IN ('p', 'u', 'c', 'f', 'x') AND {SCHEMA_FILTER}
ORDER BY k.conrelid, k.contype, k.conname
"""

INDEXES = f"""
SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT ic.relispartition AND {SCHEMA_FILTER}
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                  WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
                    AND k.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""

SEQUENCES = f"""
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       (SELECT quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) || '.'
               || quote_ident(ta.attname)
        FROM pg_depend dep JOIN pg_class tc ON tc.oid = dep.refobjid
        JOIN pg_namespace tn ON tn.oid = tc.relnamespace
        JOIN pg_attribute ta ON ta.attrelid = dep.refobjid AND ta.attnum = dep.refobjsubid
        WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
          AND dep.deptype = 'a' AND dep.refclassid = 'pg_class'::regclass LIMIT 1)
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {SCHEMA_FILTER} AND {_not_extension_member("pg_class", "c.oid")}
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass
                  AND dep.objid = c.oid AND dep.deptype = 'i')
ORDER BY 1, 2
"""

FUNCTIONS = f"""
SELECT n.nspname, p.proname, p.prokind, pg_get_function_identity_arguments(p.oid),
       pg_get_functiondef(p.oid)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p', 'w') AND {SCHEMA_FILTER}
  AND {_not_extension_member("pg_proc", "p.oid")}
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_proc'::regclass
                  AND dep.objid = p.oid AND dep.deptype = 'i')
ORDER BY 1, 2, 4
"""

# Before PG 13 there is no tgparentid (triggers cloned onto partitions are tgisinternal).
TRIGGER_PARENT_CLAUSE = "AND NOT EXISTS (SELECT 1 FROM pg_trigger pt WHERE pt.oid = t.tgparentid)"

TRIGGERS = f"""
SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid)
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND {SCHEMA_FILTER}
  AND NOT EXISTS (SELECT 1 FROM pg_trigger pt WHERE pt.oid = t.tgparentid)
ORDER BY t.tgrelid, t.tgname
"""

AGGREGATES = f"""
SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
       a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL),
       NULLIF(a.aggfinalfn::regproc::text, '-'), a.agginitval,
       NULLIF(a.aggcombinefn::regproc::text, '-'), a.aggfinalextra
FROM pg_proc p
JOIN pg_aggregate a ON a.aggfnoid = p.oid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind = 'a' AND a.aggkind = 'n' AND {SCHEMA_FILTER}
  AND {_not_extension_member("pg_proc", "p.oid")}
ORDER BY 1, 2, 3
"""

# Range types; MULTIRANGE (PG 14+) is replaced by NULL on older servers.
RANGES = f"""
SELECT n.nspname, t.typname, format_type(r.rngsubtype, NULL),
       MULTIRANGE
FROM pg_range r
JOIN pg_type t ON t.oid = r.rngtypid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE {SCHEMA_FILTER} AND {_not_extension_member("pg_type", "t.oid")}
ORDER BY 1, 2
"""
RANGE_MULTIRANGE = "format_type(r.rngmultitypid, NULL)"
