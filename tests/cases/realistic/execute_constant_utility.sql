-- Constant EXECUTE strings holding utility statements that sqlglot does not model
-- (extension membership, CLUSTER): nothing in them to resolve, nothing unchecked.
CREATE SCHEMA mq;
CREATE TABLE mq.registry (queue text PRIMARY KEY, created_at timestamptz DEFAULT now());

CREATE FUNCTION mq.adopt_tables() RETURNS TABLE (adopted text) LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    EXECUTE 'ALTER EXTENSION mqext ADD TABLE mq.registry';
    adopted := 'mq.registry';
    RETURN NEXT;
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'could not adopt: %', SQLERRM;
  END;
  EXECUTE 'CLUSTER mq.registry USING registry_pkey';
  EXECUTE 'SELECT count(*) FROM mq.registry WHERE queu IS NULL';  -- expect: PGD101(queue)
END $$;
