-- expect-codes: PGD216 PGD217 PGD218 PGD218 PGD219
-- snapshot:
CREATE FUNCTION public.body(x integer) RETURNS integer LANGUAGE sql AS $$ select x $$;
CREATE FUNCTION public.sig(x integer) RETURNS integer LANGUAGE sql AS $$ select x $$;
CREATE FUNCTION public.ret(x integer) RETURNS integer LANGUAGE sql AS $$ select x $$;
CREATE FUNCTION public.gone() RETURNS integer LANGUAGE sql AS $$ select 1 $$;
-- database:
CREATE FUNCTION public.body(x integer) RETURNS integer LANGUAGE sql AS $$ select x + 1 $$;
CREATE FUNCTION public.sig(x bigint) RETURNS integer LANGUAGE sql AS $$ select x $$;
CREATE FUNCTION public.ret(x integer) RETURNS bigint LANGUAGE sql AS $$ select x $$;
CREATE FUNCTION public.new_one() RETURNS integer LANGUAGE sql AS $$ select 1 $$;
