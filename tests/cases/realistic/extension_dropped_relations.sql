-- DROP EXTENSION takes the extension's relations with it.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
DROP EXTENSION pg_stat_statements;

SELECT pg_stat_statements.calls FROM public.pg_stat_statements; -- expect: PGD102(pg_stat_statements)
