-- A migration moves data out of a table that may or may not exist on a given database,
-- guarded by an existence test: the branch only runs where the table exists, so its
-- references to that table are not errors. Unguarded references still are.
CREATE TABLE orders (id int PRIMARY KEY, total numeric);

DO $$
BEGIN
  IF to_regclass('public.legacy_orders') IS NOT NULL THEN
    INSERT INTO orders (id, total) SELECT l.id, l.amount FROM legacy_orders l;
    DROP TABLE legacy_orders;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.tables
             WHERE table_schema = 'public' AND table_name = 'old_totals') THEN
    UPDATE orders o SET total = ot.total FROM old_totals ot WHERE ot.id = o.id;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'order_notes') THEN
    INSERT INTO orders (id, total) SELECT n.order_id, 0 FROM order_notes n;  -- expect: PGD102
  END IF;
  DELETE FROM orders WHERE id IN (SELECT id FROM legacy_orders);  -- expect: PGD102
END $$;

-- a column that only some databases still have, copied then dropped when present
ALTER TABLE orders ADD COLUMN amount_cents bigint;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_name = 'orders' AND column_name = 'legacy_amount') THEN
    UPDATE orders SET amount_cents = (legacy_amount * 100)::bigint;
    ALTER TABLE orders DROP COLUMN legacy_amount;
  END IF;
  UPDATE orders SET amount_cents = legacy_amount;  -- expect: PGD101
END $$;
