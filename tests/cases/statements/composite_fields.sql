CREATE TYPE address AS (street text, city text, zip text);
CREATE TABLE customers (id bigint PRIMARY KEY, home address, work address);

CREATE VIEW customer_cities AS
SELECT c.id, (c.home).city AS home_city, (c.work).zip, (c).id AS same_id
  FROM customers c;

CREATE VIEW customer_cities_broken AS
SELECT (c.home).town,                  -- expect: PGD101(public.address)
       (c.office).zip                  -- expect: PGD101
  FROM customers c;

CREATE FUNCTION move(p_id bigint, p_city text) RETURNS void LANGUAGE sql AS $$
    UPDATE customers SET home.city = p_city WHERE id = p_id
$$;
