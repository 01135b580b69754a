CREATE TABLE queue (id bigint PRIMARY KEY, body text);

CREATE FUNCTION peek() RETURNS TABLE (loc tid, row_json json, xid xid) LANGUAGE sql AS $$
    SELECT q.ctid, row_to_json(q), q.xmin FROM queue q ORDER BY q.id LIMIT 1
$$;

CREATE FUNCTION peek_all() RETURNS SETOF queue LANGUAGE sql AS $$
    SELECT q.* FROM queue q WHERE q.ctid IS NOT NULL AND q.xid IS NULL   -- expect: PGD101
$$;
