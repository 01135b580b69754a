-- PL/pgSQL lets a record expose the row's system columns (xmin, ctid, tableoid…):
-- versioning triggers compare OLD.xmin with the current transaction id.
CREATE TABLE plans (id int PRIMARY KEY, label text, valid tstzrange);

CREATE FUNCTION plans_versioning() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.xmin::text = (txid_current() % (2^32)::bigint)::text THEN
    RETURN NEW;  -- already changed in this transaction
  END IF;
  RAISE NOTICE 'row % of %', OLD.ctid, OLD.tableoid::regclass;
  RETURN NEW;
END $$;
CREATE TRIGGER plans_versioning BEFORE UPDATE ON plans
  FOR EACH ROW EXECUTE FUNCTION plans_versioning();

CREATE FUNCTION plan_row_version(p_id int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r plans;
  q record;
BEGIN
  SELECT * INTO r FROM plans WHERE id = p_id;
  SELECT p.id, p.label INTO q FROM plans p WHERE p.id = p_id;
  RETURN r.xmin::text || q.ctid::text || r.lable;  -- expect: PGD103(label)
END $$;
