CREATE TABLE orders (id int, state text, total numeric);
CREATE FUNCTION f(p int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n int := 0;
BEGIN
  UPDATE orders SET total = 0 WHERE id = p;
  IF p > 0 THEN
    DECLARE
      state text := 'x';
    BEGIN
      RAISE NOTICE '%', state;
    END;
  ELSE
    DECLARE
      total numeric := 1;
    BEGIN
      RAISE NOTICE '%', total;
      PERFORM 1 FROM orders WHERE total > 0; -- expect: PGD106
    END;
  END IF;
  FOR i IN 1..2 LOOP
    DECLARE
      id int := i;
    BEGIN
      RAISE NOTICE '%', id;
    END;
  END LOOP;
  PERFORM state, total, id FROM orders;
  BEGIN
    DECLARE state int; BEGIN NULL; END;
    PERFORM state FROM orders;
  END;
  LOOP
    EXIT;
  END LOOP;
END $$;
