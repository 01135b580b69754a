-- An extension's install script: CREATE EXTENSION replaces @extschema@ with the schema the
-- extension is installed into, so the file itself is checked with it as a schema name.
CREATE TABLE @extschema@.jobs_config (
    parent_table text PRIMARY KEY,
    interval_text text NOT NULL,
    premake int NOT NULL DEFAULT 4 CHECK (premake > 0)
);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.jobs_config'::regclass, '');

CREATE FUNCTION @extschema@.premake_of(p_parent text) RETURNS int
    LANGUAGE plpgsql STABLE
    SET search_path = @extschema@, pg_catalog, pg_temp
AS $$
DECLARE
    v_premake int;
BEGIN
    SELECT premake INTO v_premake FROM @extschema@.jobs_config WHERE parent_table = p_parent;
    SELECT premak INTO v_premake FROM jobs_config WHERE parent_table = p_parent;  -- expect: PGD101(premake)
    RETURN v_premake;
END
$$;

ALTER TABLE @extschema@.jobs_config ADD CONSTRAINT interval_not_empty CHECK (interval_text <> '');
