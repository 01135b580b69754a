-- pg_dump prints every join tree in parentheses; a derived table, a VALUES list or a CTE
-- query first in it (FROM (( SELECT …) t JOIN …)) is one FROM item with an alias.
CREATE TABLE public.orders (id integer NOT NULL, customer_id integer, total numeric);
CREATE TABLE public.customers (id integer NOT NULL, name text);

CREATE VIEW public.customer_counts AS
 SELECT t.customer_id, t.n, c.name
   FROM (( SELECT orders.customer_id, count(*) AS n
           FROM public.orders
          GROUP BY orders.customer_id) t
     JOIN public.customers c ON ((c.id = t.customer_id)));

CREATE VIEW public.joined_alias AS
 SELECT j.id, j.customer_id
   FROM (( SELECT orders.id, orders.customer_id FROM public.orders) x
     JOIN public.orders y USING (id, customer_id)) j;

CREATE VIEW public.nested AS
 SELECT x.id, z.name
   FROM ((( SELECT orders.id, orders.customer_id FROM public.orders) x
     JOIN public.orders y ON ((y.id = x.id)))
     JOIN public.customers z ON ((z.id = y.customer_id)));

CREATE VIEW public.labels AS
 SELECT v.k, v.label, c.name
   FROM (( VALUES (1,'a'::text), (2,'b'::text)) v(k, label)
     LEFT JOIN public.customers c ON ((c.id = v.k)));

CREATE FUNCTION public.top_customers() RETURNS TABLE(cid integer, n bigint)
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT q.customer_id, q.n
    FROM (( SELECT orders.customer_id, count(*) AS n
            FROM public.orders
           GROUP BY orders.customer_id) q
      JOIN public.customers c ON ((c.id = q.customer_id)));
END;

CREATE VIEW public.broken AS
 SELECT t.nn, -- expect: PGD101(nn)
    v.kk -- expect: PGD101(kk)
   FROM ((( SELECT orders.customer_id, count(*) AS n FROM public.orders GROUP BY orders.customer_id) t
     JOIN public.customers c ON ((c.idd = t.customer_id))) -- expect: PGD101(idd)
     CROSS JOIN ( VALUES (1)) v(k));
