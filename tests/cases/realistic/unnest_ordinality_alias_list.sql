-- unnest(...) WITH ORDINALITY with an alias list naming the element and the ordinal, over
-- an array whose element type pgdrift cannot infer (a function result): both names exist.
CREATE TABLE kv_names (id int PRIMARY KEY, dotted text NOT NULL);

CREATE FUNCTION first_segments(p_id int) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT string_agg(part.seg, '.' ORDER BY part.pos)
  FROM kv_names k,
       unnest(string_to_array(k.dotted, '.')) WITH ORDINALITY AS part(seg, pos)
  WHERE k.id = p_id AND part.pos <= 2
$$;

CREATE FUNCTION letters(p text) RETURNS TABLE (ch text, idx bigint) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
    SELECT x.ch, x.idx
    FROM unnest(regexp_split_to_array(p, '')) WITH ORDINALITY x(ch, idx)
    WHERE NOT (x.idx = 1 AND x.ch = '"');
END $$;

-- a column-name list shorter than the function's columns leaves the others reachable
CREATE FUNCTION pairs() RETURNS TABLE (a int, b int) LANGUAGE sql AS $$ SELECT 1, 2 $$;
SELECT p.first, p.b FROM pairs() AS p(first);
SELECT p.first, p.c FROM pairs() AS p(first);  -- expect: PGD101
