-- Output columns of built-in set-returning functions, as PG 15 names them (35 functions
-- compared with the server): pg_get_keywords() has barelabel/baredesc since PG 14.
SELECT k.word, k.catcode, k.barelabel, k.catdesc, k.baredesc FROM pg_get_keywords() AS k WHERE NOT k.barelabel;
SELECT e.key, e.value FROM jsonb_each('{"a": 1}'::jsonb) AS e;
SELECT o.option_name, o.option_value FROM pg_options_to_table(ARRAY['fillfactor=70']) AS o;
SELECT k.catdescription FROM pg_get_keywords() AS k;  -- expect: PGD101
