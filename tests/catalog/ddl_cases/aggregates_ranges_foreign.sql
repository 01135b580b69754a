CREATE AGGREGATE my_sum(int) (sfunc = int4pl, stype = int);
CREATE AGGREGATE my_cat(VARIADIC text[]) (sfunc = array_cat, stype = text[]);
CREATE AGGREGATE old_style (basetype = int, sfunc = int4pl, stype = int);
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE FOREIGN TABLE remote_items (id int, name text) SERVER elsewhere;
-- expect: aggregate public.my_sum(integer) returns integer language internal
-- expect: aggregate public.my_cat(variadic text[]) returns text[] language internal
-- expect: aggregate public.old_style(integer) returns integer language internal
-- expect: function public.floatrange(double precision, double precision) returns public.floatrange language internal
-- expect: function public.floatrange(double precision, double precision, text) returns public.floatrange language internal
-- expect: function public.floatmultirange(variadic public.floatrange[]) returns public.floatmultirange language internal
-- expect: relation public.remote_items foreign table
-- expect: columns public.remote_items id, name
