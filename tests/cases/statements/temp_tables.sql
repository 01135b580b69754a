CREATE TABLE items (id bigint PRIMARY KEY, sku text, qty int);

CREATE FUNCTION restock() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    n int;
BEGIN
    CREATE TEMP TABLE low_stock ON COMMIT DROP AS
        SELECT id, sku FROM items WHERE qty < 5;
    CREATE TEMP TABLE log_lines (line text, at timestamptz DEFAULT now());
    INSERT INTO log_lines (line) SELECT 'restock ' || sku FROM low_stock;
    UPDATE items i SET qty = qty + 10 FROM low_stock l WHERE l.id = i.id;
    SELECT count(*) INTO n FROM low_stock WHERE quantity < 1;      -- expect: PGD101
    INSERT INTO log_lines (text) VALUES ('done');                  -- expect: PGD101(line)
    RETURN n;
END;
$$;
