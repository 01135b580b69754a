CREATE TABLE jobs (id int, done boolean);
CREATE PROCEDURE finish(p_id int) LANGUAGE sql AS $$ UPDATE jobs SET done = true WHERE id = p_id $$;
CALL finish(1);
CALL finish((SELECT max(idd) FROM jobs)); -- expect: PGD101@25(id)
call finsh(1); -- expect: PGD104
