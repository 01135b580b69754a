-- SELECT … INTO a record names unaliased fields as Postgres does (FigureColname): the
-- function's name as written (now, date_trunc, count), btrim for trim(), timezone for
-- AT TIME ZONE, the ELSE branch's name for CASE, int4 for '1'::integer, the inner column
-- through casts, subscripts and COLLATE. Checked against PG 15 for 69 shapes.
CREATE TABLE readings (sensor text, at timestamptz, v numeric, meta jsonb);

CREATE FUNCTION reading_summary(p_sensor text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  SELECT count(*), max(at), date_trunc('day', max(at)), now(), sum(v) FILTER (WHERE v > 0),
         string_agg(sensor, ',' ORDER BY sensor), bool_and(v > 0)
    INTO r FROM readings WHERE sensor = p_sensor;
  RAISE NOTICE '% % % % % % %', r.count, r.max, r.date_trunc, r.now, r.sum, r.string_agg, r.bool_and;
  SELECT trim(sensor), at AT TIME ZONE 'utc', CASE WHEN v > 0 THEN v ELSE sensor::numeric END,
         '1'::integer, meta['k'], sensor COLLATE "C", (SELECT max(v) FROM readings)
    INTO r FROM readings LIMIT 1;
  RAISE NOTICE '% % % % % % %', r.btrim, r.timezone, r.sensor, r.int4, r.meta, r.sensor, r.max;
  RETURN r.trim;  -- expect: PGD103
END $$;
