CREATE TABLE items (id int, qty int);
CREATE TABLE totals (n bigint);
CREATE FUNCTION count_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO totals (n) SELECT sum(qty) FROM newrows;
  INSERT INTO totals (n) SELECT sum(quantity) FROM newrows; -- expect: PGD101(qty)
  RETURN NULL;
END $$;
CREATE TRIGGER items_count AFTER INSERT ON items REFERENCING NEW TABLE AS newrows
  FOR EACH STATEMENT EXECUTE FUNCTION count_new();
