-- Migrations guard DDL inside DO blocks; the DDL runs when the migration is applied, so
-- what it creates, adds or renames exists for the statements and files after it.
CREATE TABLE tenants (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE schema_versions (id bigserial PRIMARY KEY, version bigint NOT NULL);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_name = 'tenants' AND column_name = 'plan') THEN
    ALTER TABLE tenants ADD COLUMN plan text NOT NULL DEFAULT 'free';
  END IF;
  CREATE TABLE IF NOT EXISTS tenant_events (id bigserial PRIMARY KEY, tenant_id int, kind text);
END $$;

-- rebuild a table: rename the old one, create the new shape, copy, drop the old one
DO $body$
BEGIN
  IF (SELECT to_regclass('schema_versions') IS NOT NULL) THEN
    ALTER TABLE /* keep the rows */ schema_versions RENAME TO schema_versions_old;
    CREATE TABLE schema_versions (line text NOT NULL, version bigint NOT NULL, PRIMARY KEY (line, version));
    INSERT INTO schema_versions (line, version) SELECT 'main', version FROM schema_versions_old;
    INSERT INTO schema_versions (line, version) SELECT 'main', versoin FROM schema_versions_old;  -- expect: PGD101(version)
    DROP TABLE schema_versions_old;
  END IF;
END;
$body$ LANGUAGE plpgsql;

SELECT t.plan, count(e.id) FROM tenants t LEFT JOIN tenant_events e ON e.tenant_id = t.id GROUP BY t.plan;
SELECT line, version FROM schema_versions ORDER BY version;
SELECT t.plann FROM tenants t;  -- expect: PGD101(plan)
