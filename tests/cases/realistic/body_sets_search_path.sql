-- A body that puts another schema on its search_path at run time (an optional companion
-- extension found through pg_extension) calls that schema's functions unqualified: pgdrift
-- cannot know them, so it does not call them unknown. Qualified names are still checked.
CREATE TABLE retention_cfg (parent_table text PRIMARY KEY, keep interval NOT NULL);

CREATE FUNCTION purge_old(p_parent text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  v_old_path text := current_setting('search_path');
  v_log_schema text;
  v_job bigint;
BEGIN
  SELECT n.nspname INTO v_log_schema
  FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_extension e ON e.extnamespace = n.oid
  WHERE e.extname = 'job_logger';
  IF v_log_schema IS NOT NULL THEN
    EXECUTE format('SELECT set_config(%L, %L, %L)', 'search_path', v_log_schema || ',' || v_old_path, 'false');  -- expect: PGD301
    v_job := open_log_job(format('purge %s', p_parent));
    PERFORM close_log_job(v_job);
  END IF;
  PERFORM public.no_such_helper(p_parent);  -- expect: PGD104
  PERFORM keep FROM retention_cfg WHERE parent_table = p_parent;
  EXECUTE format('SELECT set_config(%L, %L, %L)', 'search_path', v_old_path, 'false');  -- expect: PGD301
  RETURN 0;
END $$;

CREATE FUNCTION purge_plain(p_parent text) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  PERFORM open_log_job(p_parent);  -- expect: PGD104
  RETURN 0;
END $$;
