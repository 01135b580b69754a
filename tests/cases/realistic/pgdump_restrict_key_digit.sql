\restrict 71HWMnnmuf3m5iH40YOTjeUIILSsYjhP2MD1tR6MRKtnmalU2pw0qZeQjkxeGG1

-- pg_dump 17.6/16.10/15.14 and later: a \restrict key may start with a digit
CREATE TABLE public.t (id integer);

CREATE VIEW public.v AS
 SELECT t.idx -- expect: PGD101(idx)
   FROM public.t;

\unrestrict 71HWMnnmuf3m5iH40YOTjeUIILSsYjhP2MD1tR6MRKtnmalU2pw0qZeQjkxeGG1
