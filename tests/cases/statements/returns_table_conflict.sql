CREATE TABLE items (id bigint PRIMARY KEY, label text);

-- A RETURNS TABLE column named like a table column: Postgres raises
-- "column reference "id" is ambiguous" under variable_conflict = error.
CREATE FUNCTION upsert_item(p_id bigint, p_label text)
RETURNS TABLE (id bigint, label text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    INSERT INTO items AS i (id, label) VALUES (p_id, p_label)
    ON CONFLICT (id) DO UPDATE SET label = excluded.label     -- expect: PGD106
    RETURNING i.id, i.label;
END;
$$;

CREATE FUNCTION upsert_item_ok(p_id bigint, p_label text)
RETURNS TABLE (item_id bigint, item_label text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    INSERT INTO items AS i (id, label) VALUES (p_id, p_label)
    ON CONFLICT (id) DO UPDATE SET label = excluded.label
    RETURNING i.id, i.label;
END;
$$;
