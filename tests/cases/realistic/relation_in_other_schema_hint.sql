-- An unqualified name that exists only in a schema off the search_path: still an error
-- (Postgres raises at run time), and the help names the schema that has it.
CREATE SCHEMA files;
CREATE TABLE files.blobs (id uuid PRIMARY KEY, bucket text, path text);

CREATE FUNCTION files.count_in(p_bucket text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT count(*) FROM blobs WHERE bucket = p_bucket);  -- expect: PGD102(files.blobs)
END $$;

CREATE FUNCTION files.count_in_ok(p_bucket text) RETURNS bigint LANGUAGE plpgsql
SET search_path = files AS $$
BEGIN
  RETURN (SELECT count(*) FROM blobs WHERE bucket = p_bucket);
END $$;

-- the same for a function called unqualified from a body whose schema is off the path
CREATE FUNCTION files.current_bucket() RETURNS text LANGUAGE sql AS $$ SELECT 'main' $$;
CREATE FUNCTION files.main_blobs() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM files.blobs WHERE bucket = current_bucket()  -- expect: PGD104(files.current_bucket)
$$;
