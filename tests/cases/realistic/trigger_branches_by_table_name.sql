-- One trigger function shared by several tables, with table-specific work guarded by
-- TG_TABLE_NAME: a branch for another table never runs, so its fields are not checked
-- against this table's NEW/OLD (Postgres compiles field references only when they run).
CREATE TABLE invoices (id int PRIMARY KEY, total numeric, updated_at timestamptz);
CREATE TABLE customers (id int PRIMARY KEY, name text, updated_at timestamptz);

CREATE FUNCTION touch_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  IF TG_TABLE_NAME = 'invoices' THEN
    NEW.total := round(NEW.total, 2);
  ELSIF TG_TABLE_NAME IN ('customers') THEN
    NEW.name := trim(NEW.name);
  END IF;
  CASE TG_TABLE_NAME
    WHEN 'invoices' THEN
      IF NEW.total < 0 THEN RAISE EXCEPTION 'negative total'; END IF;
    WHEN 'customers' THEN
      IF NEW.name = '' THEN RAISE EXCEPTION 'empty name'; END IF;
  END CASE;
  IF TG_TABLE_NAME <> 'customers' THEN
    NEW.total := coalesce(NEW.total, 0);
  END IF;
  NEW.updatd_at := now();  -- expect: PGD103(updated_at) PGD103(updated_at)
  RETURN NEW;
END $$;
CREATE TRIGGER touch_row BEFORE INSERT OR UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION touch_row();
CREATE TRIGGER touch_row BEFORE INSERT OR UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch_row();
