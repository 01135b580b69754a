-- Predicates and collations as pg_dump prints them: IS DOCUMENT, IS NFC NORMALIZED and a
-- schema-qualified collation are not column or table references.
CREATE COLLATION public.ci (provider = icu, deterministic = false, locale = 'und-u-ks-level2');
CREATE TABLE public.docs (id integer NOT NULL, body xml, kind text COLLATE public.ci);

CREATE VIEW public.doc_flags AS
 SELECT docs.id,
    docs.body IS DOCUMENT AS isdoc,
    (docs.body IS NOT DOCUMENT) AS notdoc,
    ((docs.kind)::text IS NFC NORMALIZED) AS nfc,
    ((docs.kind)::text IS NOT NFKD NORMALIZED) AS notnfkd
   FROM public.docs
  WHERE ((docs.kind)::text = ('memo'::text COLLATE public.ci))
  ORDER BY (docs.kind COLLATE pg_catalog."default");

CREATE FUNCTION public.memo_count(p text) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT count(*) FROM public.docs WHERE docs.kind = p COLLATE public.ci $$;

CREATE VIEW public.doc_flags_broken AS
 SELECT docs.bod IS DOCUMENT AS isdoc -- expect: PGD101(bod)
   FROM public.docs
  WHERE (docs.kin = ('memo'::text COLLATE public.ci)); -- expect: PGD101(kin)
