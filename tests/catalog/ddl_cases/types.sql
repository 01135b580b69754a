CREATE TABLE t (
  a int, b int4, c integer, d smallint, e bigint, f serial, g bigserial,
  h varchar(255), i character varying, j char(3), k character, l "char", m text[],
  n numeric(10,2), o decimal(5), p numeric, q float, r real, s double precision,
  u timestamp, v timestamptz, w timestamp(3) with time zone, x time, y timetz,
  z interval, aa interval year to month, ab interval(3), ac bit, ad bit varying(8),
  ae boolean, af bool, ag json, ah jsonb, ai uuid, aj int[][], ak bytea, al inet,
  am pg_catalog.text, an name, ao bpchar
);
-- expect: column public.t.a integer
-- expect: column public.t.b integer
-- expect: column public.t.d smallint
-- expect: column public.t.e bigint
-- expect: column public.t.f integer not null default nextval('public.t_f_seq'::regclass)
-- expect: column public.t.g bigint not null default nextval('public.t_g_seq'::regclass)
-- expect: sequence public.t_f_seq integer owned by public.t.f
-- expect: column public.t.h character varying(255)
-- expect: column public.t.i character varying
-- expect: column public.t.j character(3)
-- expect: column public.t.k character(1)
-- expect: column public.t.l "char"
-- expect: column public.t.m text[]
-- expect: column public.t.n numeric(10,2)
-- expect: column public.t.o numeric(5,0)
-- expect: column public.t.p numeric
-- expect: column public.t.q double precision
-- expect: column public.t.r real
-- expect: column public.t.u timestamp without time zone
-- expect: column public.t.v timestamp with time zone
-- expect: column public.t.w timestamp(3) with time zone
-- expect: column public.t.x time without time zone
-- expect: column public.t.y time with time zone
-- expect: column public.t.z interval
-- expect: column public.t.aa interval year to month
-- expect: column public.t.ab interval(3)
-- expect: column public.t.ac bit(1)
-- expect: column public.t.ad bit varying(8)
-- expect: column public.t.ae boolean
-- expect: column public.t.af boolean
-- expect: column public.t.aj integer[]
-- expect: column public.t.am text
-- expect: column public.t.an name
-- expect: column public.t.ao bpchar
