CREATE TABLE t (id int, v int);
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_bi BEFORE INSERT OR UPDATE OF v ON t FOR EACH ROW WHEN (NEW.v > 0) EXECUTE FUNCTION trg();
CREATE TRIGGER t_ad AFTER DELETE ON t EXECUTE PROCEDURE trg();
CREATE TRIGGER t_gone AFTER TRUNCATE ON t EXECUTE FUNCTION trg();
DROP TRIGGER t_gone ON t;
ALTER TRIGGER t_ad ON t RENAME TO t_after_delete;
-- expect: trigger public.t.t_bi before insert or update row public.trg when new.v > 0
-- expect: trigger public.t.t_after_delete after delete statement public.trg
-- expect-not: trigger public.t.t_gone after truncate statement public.trg
