CREATE TYPE addr AS (street text, zip text);
CREATE TABLE homes (id int, a addr);
SELECT (a).zip FROM homes;
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$
DECLARE v addr;
BEGIN
  SELECT a INTO v FROM homes LIMIT 1;
  RAISE NOTICE '%', v.zip;
  RAISE NOTICE '%', v.zipcode; -- expect: PGD103(zip)
END $$;
