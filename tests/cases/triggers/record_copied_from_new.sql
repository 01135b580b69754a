CREATE TABLE items (id int, qty int);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  r := NEW;
  RAISE NOTICE '% %', r.id, r.qty;
  RAISE NOTICE '%', r.quantity; -- expect: PGD103(qty)
  r := row(1, 2);
  RAISE NOTICE '%', r.anything;
  RETURN NEW;
END $$;
CREATE TRIGGER t BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION f();
