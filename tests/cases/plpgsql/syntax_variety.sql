CREATE TABLE t (id int PRIMARY KEY, x int, name text, tags text[], doc jsonb);
CREATE FUNCTION named_args(a int, b int DEFAULT 0) RETURNS int LANGUAGE sql AS $$ SELECT a + b $$;
CREATE FUNCTION v1(p_id int, OUT o_name text, OUT o_n bigint) RETURNS SETOF record LANGUAGE plpgsql AS $fn$
DECLARE
  "MyVar" int DEFAULT 1;
  v_id p_id%TYPE := p_id;
  k CONSTANT int := 3;
  r RECORD;
  c CURSOR IS SELECT id, name FROM t ORDER BY id;
  arr int[] := '{1,2,3}';
  j jsonb;
BEGIN
  SELECT INTO r id, name FROM t WHERE id = v_id;
  SELECT INTO STRICT o_name, o_n name, count(*) OVER () FROM t WHERE id = "MyVar" LIMIT 1;
  <<outer>>
  FOR rr IN c LOOP
    o_name := rr.name;
    o_n := rr.id + k + arr[1] + coalesce(array_length(arr[1:2], 1), 0);
    RETURN NEXT;
    EXIT outer WHEN rr.id > 10;
  END LOOP outer;
  OPEN c;
  LOOP
    FETCH c INTO r;
    EXIT WHEN NOT FOUND;
    o_name := r.name;
  END LOOP;
  CLOSE c;
  IF EXISTS (SELECT 1 FROM t WHERE t.name = r.name) THEN
    PERFORM named_args(a => 1, b := 2);
  END IF;
  j := jsonb_build_object('k', r.id) || coalesce((SELECT doc FROM t LIMIT 1), '{}');
  r.x := 5; -- expect: PGD103(record r)
  RETURN QUERY SELECT t.name, t.id::bigint FROM t WHERE t.doc @> j AND t.tags && ARRAY['a'];
  -- $x$ not a delimiter
  PERFORM set_config('search_path', 'public', true);
  BEGIN
    INSERT INTO t (id, name) VALUES (1, 'a') RETURNING * INTO r;
  EXCEPTION
    WHEN unique_violation OR check_violation THEN
      RAISE EXCEPTION USING ERRCODE = 'unique_violation', MESSAGE = format('dup %s', SQLERRM);
  END;
END;
$fn$;
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o ALIAS FOR OLD;
  n ALIAS FOR new;
BEGIN
  IF TG_OP = 'UPDATE' AND n.x IS DISTINCT FROM o.xx THEN -- expect: PGD103@48
    EXECUTE format('NOTIFY %I', TG_TABLE_NAME); -- expect: PGD301
  END IF;
  RETURN n;
END $$;
CREATE TRIGGER t_trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION trg();
