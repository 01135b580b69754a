-- pg_dump prints XMLTABLE's row expression, PASSING argument and PATHs in parentheses;
-- sqlglot 30 cannot read that form, and its lenient re-parse dropped the whole FROM item,
-- so every x.col became "missing FROM-clause entry". The view is reported as not checked
-- instead, and the other statements are still checked.
CREATE TABLE docs (id integer, body xml);

CREATE VIEW doc_titles AS
 SELECT x.title FROM docs, -- expect: PGD002(sqlglot)
    LATERAL XMLTABLE(('/doc'::text) PASSING (docs.body)
        COLUMNS title text PATH ('title'::text)) x;

CREATE VIEW doc_ids AS
 SELECT docs.idd FROM docs; -- expect: PGD101(idd)
