CREATE TABLE a (id int, x text);
CREATE TABLE b (id int, y text);
CREATE FUNCTION f(p int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r record;
  s record;
BEGIN
  IF p > 0 THEN
    SELECT id, x INTO r FROM a LIMIT 1;
  ELSE
    SELECT id, y INTO r FROM b LIMIT 1;
  END IF;
  RAISE NOTICE '% % %', r.id, r.x, r.y;
  RAISE NOTICE '%', r.z; -- expect: PGD103
  SELECT id, x INTO s FROM a LIMIT 1;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RAISE NOTICE '%', s.y; -- expect: PGD103
  RETURN s.x;
END $$;
