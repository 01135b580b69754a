-- expect-codes: PGD204 PGD205 PGD206 PGD207 PGD208 PGD209
-- snapshot:
CREATE TABLE public.t (
    id integer NOT NULL,
    old_name text,
    amount numeric(12,2),
    note text,
    gone integer,
    flag boolean DEFAULT false
);
-- database:
CREATE TABLE public.t (
    id integer,
    new_name text,
    amount numeric(14,2),
    note text,
    flag boolean DEFAULT true,
    added integer
);
