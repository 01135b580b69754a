CREATE TABLE queue (id bigserial PRIMARY KEY, payload jsonb, taken_by text, taken_at timestamptz);
CREATE TABLE archive (id bigint, payload jsonb, archived_at timestamptz);

CREATE FUNCTION archive_taken() RETURNS bigint LANGUAGE sql AS $$
    WITH moved AS (
        DELETE FROM queue WHERE taken_at < now() - interval '1 day'
        RETURNING id, payload
    ), inserted AS (
        INSERT INTO archive (id, payload, archived_at)
        SELECT id, payload, now() FROM moved
        RETURNING id
    )
    SELECT count(*) FROM inserted
$$;

CREATE FUNCTION archive_taken_broken() RETURNS bigint LANGUAGE sql AS $$
    WITH moved AS (
        DELETE FROM queue WHERE taken_at < now() - interval '1 day'
        RETURNING id
    )
    INSERT INTO archive (id, payload, archived_at)
    SELECT id, payload, now() FROM moved               -- expect: PGD101
    RETURNING archive.id
$$;
