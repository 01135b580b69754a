-- DROP TABLE … CASCADE drops the views over the table, also one whose definition pglast
-- cannot print (kept as its parse tree, see pgdump_view_unprintable_xmlroot.sql).
CREATE TABLE public.docs (id integer NOT NULL, title text);

CREATE VIEW public.doc_xml AS
 SELECT docs.id, -- expect: PGD002(sqlglot) (sqlglot 30 does not parse the XMLROOT form pg_dump prints)
    XMLROOT(XMLELEMENT(NAME doc, docs.title), VERSION '1.0'::text) AS x
   FROM public.docs;

DROP TABLE public.docs CASCADE;

SELECT doc_xml.id FROM public.doc_xml; -- expect: PGD102(doc_xml)
