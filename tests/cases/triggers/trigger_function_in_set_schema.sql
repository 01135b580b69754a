CREATE SCHEMA app;
SET search_path = app;
CREATE TABLE things (id int, updated_at timestamptz);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  NEW.updatd_at := now(); -- expect: PGD103(updated_at)
  RETURN NEW;
END $$;
CREATE TRIGGER things_stamp BEFORE UPDATE ON things FOR EACH ROW EXECUTE FUNCTION stamp();
