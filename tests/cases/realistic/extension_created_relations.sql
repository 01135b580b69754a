-- Relations an extension creates: postgis's spatial_ref_sys / geometry_columns, the view
-- of pg_stat_statements (as pghero's install SQL reads it), in the extension's schema.
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA ext;
CREATE SCHEMA pghero;
CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA ext;

CREATE VIEW public.srids AS
 SELECT spatial_ref_sys.srid, spatial_ref_sys.auth_name, spatial_ref_sys.proj4text
   FROM public.spatial_ref_sys
  WHERE ((spatial_ref_sys.auth_name)::text = 'EPSG'::text);

CREATE VIEW public.geometry_tables AS
 SELECT geometry_columns.f_table_schema, geometry_columns.f_table_name, geometry_columns.srid
   FROM public.geometry_columns;

CREATE FUNCTION pghero.pg_stat_statements() RETURNS SETOF ext.pg_stat_statements
    LANGUAGE sql SECURITY DEFINER
    AS $$ SELECT * FROM ext.pg_stat_statements $$;

CREATE VIEW pghero.slow_queries AS
 SELECT s.query, s.calls, s.total_exec_time, s.mean_exec_time
   FROM ext.pg_stat_statements s
  WHERE (s.dbid = (SELECT pg_database.oid FROM pg_database WHERE (pg_database.datname = current_database())));

CREATE VIEW public.srids_broken AS
 SELECT spatial_ref_sys.sridd -- expect: PGD101(sridd)
   FROM public.spatial_ref_sys;
