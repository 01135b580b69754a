-- Extensions installed into a dedicated schema: their types are named with that schema in
-- casts, columns and parameters (the PostgREST / Supabase "extensions" schema habit).
CREATE SCHEMA addons;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA addons;
CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA addons;

CREATE TABLE members (id int PRIMARY KEY, email addons.citext NOT NULL, attrs addons.hstore);

CREATE FUNCTION member_by_email(p text) RETURNS SETOF members LANGUAGE sql STABLE AS $$
  SELECT * FROM members WHERE email = p::addons.citext
$$;

CREATE FUNCTION member_attr(p_id int, p_key text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v addons.hstore;
BEGIN
  SELECT m.attrs INTO v FROM members m WHERE m.id = p_id;
  RETURN (v || ''::addons.hstore) -> p_key;
END $$;

SELECT id FROM members WHERE email = 'A@x'::addons.citext;
SELECT id FROM members WHERE email = 'A@x'::nowhere_schema_type;  -- expect: PGD110
