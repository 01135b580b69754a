-- A temporary table created by the script is found by unqualified name (pg_temp is
-- searched first), by later statements and by function bodies alike.
CREATE TABLE orders_src (id int PRIMARY KEY, total numeric);
CREATE TEMP TABLE order_batch (order_id int, amount numeric);
INSERT INTO order_batch (order_id, amount) SELECT id, total FROM orders_src;
SELECT b.order_id, sum(b.amount) FROM order_batch b GROUP BY b.order_id;

CREATE FUNCTION batch_total() RETURNS numeric LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT sum(amount) FROM order_batch);
END $$;

SELECT b.amont FROM order_batch b;  -- expect: PGD101(amount)
