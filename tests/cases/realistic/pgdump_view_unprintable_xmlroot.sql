-- A view pg_dump prints with XMLROOT(… VERSION '1.0'::text): pglast's printer fails on that
-- node, and the view used to be left out of the catalog (PGD002 "ViewStmt statement not
-- applied to the catalog"), so every later use of it read as an unknown relation.
SELECT pg_catalog.set_config('search_path', '', false);

CREATE TABLE public.docs (
    id integer NOT NULL,
    title text
);

CREATE VIEW public.doc_xml AS
 SELECT docs.id, -- expect: PGD002(sqlglot) (sqlglot 30 does not parse the XMLROOT form pg_dump prints)
    XMLROOT(XMLELEMENT(NAME doc, docs.title), VERSION '1.0'::text, STANDALONE YES) AS x
   FROM public.docs;

CREATE VIEW public.doc_xml_ids AS
 SELECT doc_xml.id
   FROM public.doc_xml;

CREATE FUNCTION public.doc_count() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT count(*) FROM public.doc_xml d WHERE d.id > 0 $$;

CREATE VIEW public.doc_xml_broken AS
 SELECT doc_xml.idx -- expect: PGD101(idx)
   FROM public.doc_xml;

