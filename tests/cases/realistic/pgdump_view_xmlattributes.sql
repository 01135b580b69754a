-- A view over XML as pg_dump prints it: XMLATTRIBUTES is grammar inside XMLELEMENT, not a
-- pg_proc function (found in a pg_dump -s of a view built with xmlelement/xmlattributes).
SELECT pg_catalog.set_config('search_path', '', false);

CREATE TABLE public.feed_items (
    id integer NOT NULL,
    title text,
    kind character varying
);

CREATE VIEW public.feed_xml AS
 SELECT feed_items.id,
    XMLELEMENT(NAME item, XMLATTRIBUTES(feed_items.id AS id, feed_items.kind AS kind), feed_items.title) AS x,
    xmlelement(name entry, xmlattributes(feed_items.title AS title)) AS y
   FROM public.feed_items;

CREATE VIEW public.feed_xml_broken AS
 SELECT XMLELEMENT(NAME item, XMLATTRIBUTES(feed_items.idx AS id), feed_items.title) AS x -- expect: PGD101(idx)
   FROM public.feed_items;
