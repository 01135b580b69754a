CREATE TABLE counters (name text PRIMARY KEY, value int);

CREATE FUNCTION bump(name text, value int) RETURNS int LANGUAGE plpgsql AS $$
<<outer_block>>
DECLARE
    total int := 0;
BEGIN
    UPDATE counters c SET value = c.value + bump.value WHERE c.name = bump.name;
    SELECT c.value INTO outer_block.total FROM counters c WHERE c.name = bump.name;
    RETURN outer_block.total + bump.valu;            -- expect: PGD101
END;
$$;
