-- A goose one-file migration: the Down section undoes the Up section and is not run when
-- migrating up, so what Up creates stays for the next migrations.
-- +goose Up
CREATE TABLE accounts (id uuid PRIMARY KEY, tenant text NOT NULL, status text NOT NULL
  CHECK (status IN ('active', 'locked')));

-- +goose StatementBegin
CREATE FUNCTION accounts_guard() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'active' AND NEW.status <> 'active' THEN
    PERFORM pg_advisory_xact_lock(hashtext(OLD.tenant));
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER accounts_guard BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION accounts_guard();

-- +goose Down
DROP TRIGGER IF EXISTS accounts_guard ON accounts;
DROP FUNCTION IF EXISTS accounts_guard();
DROP TABLE IF EXISTS accounts;
