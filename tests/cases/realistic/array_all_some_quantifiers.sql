-- Array quantifiers: ALL (array) and SOME (array) are comparisons, not function calls
-- (sqlglot reads them as calls of functions named "all"/"some").
CREATE TABLE thresholds (id int PRIMARY KEY, limits int[] NOT NULL, level int NOT NULL);

CREATE FUNCTION above_all(p_id int) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_levels int[] := ARRAY[1, 2, 3];
BEGIN
  RETURN (SELECT t.level > ALL (t.limits) AND t.level = SOME (v_levels)
          FROM thresholds t WHERE t.id = p_id);
END $$;

SELECT id FROM thresholds WHERE level >= ALL (ARRAY[1, 2]) OR level = SOME (limits);
SELECT id FROM thresholds WHERE (SELECT max(level) FROM thresholds) > ALL (limits);
SELECT id FROM thresholds WHERE level > ALL (limitz);  -- expect: PGD101(limits)
