-- An extension's own relations (postgis's spatial_ref_sys, geometry_columns, …) are not
-- compared one by one: live introspection leaves extension members out; the missing
-- extension is the one finding.
-- expect-codes: PGD230
-- snapshot:
CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;
CREATE TABLE public.places (id integer NOT NULL);
-- database:
CREATE TABLE public.places (id integer NOT NULL);
