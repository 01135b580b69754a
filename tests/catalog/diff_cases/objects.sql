-- expect-codes: PGD201 PGD202 PGD210 PGD211 PGD212 PGD213 PGD214 PGD220 PGD221 PGD222 PGD223 PGD224 PGD225 PGD226 PGD228 PGD229
-- snapshot:
CREATE TYPE public.mood AS ENUM ('sad', 'ok');
CREATE TYPE public.gone_enum AS ENUM ('x');
CREATE SEQUENCE public.gone_seq;
CREATE TABLE public.t (id integer, a integer,
  CONSTRAINT t_a_check CHECK (a > 0),
  CONSTRAINT t_gone_check CHECK (id > 0));
CREATE INDEX t_a_idx ON public.t USING btree (a);
CREATE TABLE public.dropped (id integer);
CREATE VIEW public.v AS SELECT id FROM public.t;
CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_gone BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.trg();
CREATE TRIGGER t_changed BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.trg();
-- database:
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE public.new_enum AS ENUM ('y');
CREATE SEQUENCE public.new_seq;
CREATE TABLE public.t (id integer, a integer,
  CONSTRAINT t_a_check CHECK (a >= 0),
  CONSTRAINT t_new_check CHECK (id < 100));
CREATE INDEX t_id_idx ON public.t USING btree (id);
CREATE TABLE public.added (id integer);
CREATE VIEW public.v AS SELECT id FROM public.t WHERE a > 1;
CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_changed AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.trg();
CREATE TRIGGER t_new BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.trg();
