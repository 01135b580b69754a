CREATE SCHEMA app;
SET search_path = app;
CREATE TABLE things (id int, qty int, updated_at timestamptz);
CREATE TABLE totals (n bigint);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  NEW.updatd_at := now();                                   -- expect: PGD103@3
  RETURN NEW;
END $$;
CREATE TRIGGER things_stamp BEFORE UPDATE ON things FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE FUNCTION count_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO totals (n) SELECT sum(qty) FROM newrows;
  INSERT INTO totals (n) SELECT sum(quantity) FROM newrows; -- expect: PGD101@37
  RETURN NULL;
END $$;
CREATE TRIGGER things_count AFTER INSERT ON things REFERENCING NEW TABLE AS newrows
  FOR EACH STATEMENT EXECUTE FUNCTION count_new();
RESET search_path;
SELECT id FROM things;                                      -- expect: PGD102@16
DO $$ BEGIN PERFORM 1 FROM later_table; END $$;             -- expect: PGD102@28
CREATE TABLE later_table (id int);
