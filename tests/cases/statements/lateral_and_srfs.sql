CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb, tags text[]);

CREATE VIEW event_items AS
SELECT e.id, item.value ->> 'sku' AS sku, t.tag, g.n, r.qty
  FROM events e
 CROSS JOIN LATERAL jsonb_array_elements(e.payload -> 'items') AS item
 CROSS JOIN LATERAL unnest(e.tags) WITH ORDINALITY AS t(tag, pos)
 CROSS JOIN generate_series(1, 3) AS g(n)
 CROSS JOIN LATERAL jsonb_to_recordset(e.payload -> 'lines') AS r(sku text, qty int);

CREATE VIEW event_items_broken AS
SELECT item.val,                        -- expect: PGD101(value)
       t.tg,                            -- expect: PGD101(tag)
       r.quantity                       -- expect: PGD101
  FROM events e
 CROSS JOIN LATERAL jsonb_array_elements(e.payload -> 'items') AS item
 CROSS JOIN LATERAL unnest(e.tags) AS t(tag)
 CROSS JOIN LATERAL jsonb_to_recordset(e.payload -> 'lines') AS r(sku text, qty int);
