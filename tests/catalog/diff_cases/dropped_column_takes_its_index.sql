-- expect-codes: PGD204
-- snapshot:
CREATE TABLE public.t (id integer, payload jsonb, CONSTRAINT t_payload_check CHECK (payload IS NOT NULL));
CREATE INDEX t_payload_idx ON public.t USING gin (payload);
-- database:
CREATE TABLE public.t (id integer);
