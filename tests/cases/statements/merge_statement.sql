CREATE TABLE stock (sku text PRIMARY KEY, qty int NOT NULL);
CREATE TABLE deliveries (sku text, qty int);

MERGE INTO stock s
USING deliveries d ON s.sku = d.sku
WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty
WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (d.sku, d.qty);

MERGE INTO stock s
USING deliveries d ON s.sku = d.sku
WHEN MATCHED THEN UPDATE SET quantity = s.qty + d.qty          -- expect: PGD101(qty)
WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (d.sku, d.amount);  -- expect: PGD101(deliveries)
