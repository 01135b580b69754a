-- A PL/pgSQL syntax error is reported where Postgres reports it, even when the offending
-- token (";", ".") also appears earlier in the body (positions checked with pgdrift verify).
CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);

CREATE FUNCTION bump(p_id int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v int;
BEGIN
  v := 1;
  IF v = 1 THEN
    UPDATE counters SET n = n + v WHERE id = p_id;
  END;  -- expect: PGD001@6
END $$;

CREATE FUNCTION peek() RETURNS int LANGUAGE plpgsql AS $$
<<outer>>
DECLARE
  total int := 0;
BEGIN
  SELECT c.n INTO total FROM counters c LIMIT 1;
  RETURN outer.total;
END $$;

CREATE FUNCTION peek_more() RETURNS int LANGUAGE plpgsql AS $$
<<outer>>
DECLARE
  total int := 0;
BEGIN
  SELECT c.n INTO total FROM counters c LIMIT 1;
  total := outer.total + 1;  -- expect: PGD001@17
  RETURN total;
END $$;
