-- expect-codes: PGD218
-- snapshot:
CREATE OR REPLACE FUNCTION public.f(x integer DEFAULT 1)
 RETURNS integer
 LANGUAGE sql
 STRICT
AS $function$ select x $function$;
-- database:
CREATE OR REPLACE FUNCTION public.f(x integer DEFAULT 2)
 RETURNS integer
 LANGUAGE sql
AS $function$ select x $function$;
