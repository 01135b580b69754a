CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN email_t AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE people (id int, m mood, e email_t);
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$
DECLARE v mood; w email_t;
BEGIN
  SELECT m, e INTO v, w FROM people LIMIT 1;
  PERFORM 1 FROM people WHERE m = v;
END $$;
