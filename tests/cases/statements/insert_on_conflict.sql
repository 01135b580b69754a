CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL DEFAULT 0, updated_at timestamptz);

CREATE FUNCTION bump(p_name text, p_by bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_value bigint;
BEGIN
    INSERT INTO counters AS c (name, value, updated_at)
    VALUES (p_name, p_by, now())
    ON CONFLICT (name) DO UPDATE
       SET value = c.value + excluded.value,
           updated_at = excluded.updated_at
    RETURNING c.value INTO v_value;
    RETURN v_value;
END;
$$;

CREATE FUNCTION bump_broken(p_name text, p_by bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO counters (name, val)                  -- expect: PGD101(value)
    VALUES (p_name, p_by)
    ON CONFLICT (nam) DO UPDATE                       -- expect: PGD101(name)
       SET value = counters.value + excluded.valu,    -- expect: PGD101(value)
           updated = now();                           -- expect: PGD101(updated_at)
END;
$$;
