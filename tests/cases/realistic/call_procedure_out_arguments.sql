-- CALL passes a procedure's OUT arguments too (PG 14+): a variable in PL/pgSQL, NULL at
-- the top level. Too many arguments are still reported.
CREATE TABLE ledger (id int PRIMARY KEY, amount numeric);
CREATE PROCEDURE ledger_total(IN p_min numeric, OUT p_total numeric) LANGUAGE plpgsql AS $$
BEGIN
  SELECT sum(amount) INTO p_total FROM ledger WHERE amount >= p_min;
END $$;

CREATE PROCEDURE report() LANGUAGE plpgsql AS $$
DECLARE
  v_total numeric;
BEGIN
  CALL ledger_total(0, v_total);
  RAISE NOTICE 'total %', v_total;
  CALL ledger_total(0, v_total, 1);  -- expect: PGD108
END $$;

CALL ledger_total(10, NULL);
CALL ledger_total((SELECT min(amont) FROM ledger), NULL);  -- expect: PGD101(amount)
