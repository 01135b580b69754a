CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, state text, total numeric);
CREATE TABLE customers (id bigint PRIMARY KEY, blocked boolean NOT NULL DEFAULT false);

UPDATE orders o
   SET state = 'cancelled'
  FROM customers c
 WHERE c.id = o.customer_id AND c.blocked;

UPDATE orders o
   SET stat = 'cancelled'                      -- expect: PGD101(state)
  FROM customers c
 WHERE c.id = o.customer AND c.is_blocked;     -- expect: PGD101(customer_id) PGD101(blocked)

DELETE FROM orders o USING customers c WHERE c.id = o.customer_id AND c.blocked RETURNING o.id;

DELETE FROM orders o USING customers c
 WHERE c.id = o.customer_id
RETURNING o.totl;                               -- expect: PGD101(total)
