-- expect-codes:
-- snapshot:
CREATE TABLE public.t (id integer NOT NULL, s character varying(5),
  CONSTRAINT t_s_check CHECK (((s)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))));
CREATE INDEX t_s_idx ON public.t USING btree (s);
CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ select 1 $$;
-- database:
create table public.t (
    id integer not null,
    s character varying(5),
    constraint t_s_check check (((s)::text = any (array[('a'::character varying)::text, ('b'::character varying)::text])))
);
create index t_s_idx on public.t using btree (s);
CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ select 1 $$;
