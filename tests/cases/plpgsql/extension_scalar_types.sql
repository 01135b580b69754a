CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE users (id int, email citext, nick citext);
CREATE FUNCTION f(p int) RETURNS citext LANGUAGE plpgsql AS $$
DECLARE
  v_email citext;
  v_nick citext;
BEGIN
  SELECT email, nick INTO v_email, v_nick FROM users WHERE id = p;
  SELECT email, nik INTO v_email, v_nick FROM users WHERE id = p; -- expect: PGD101(nick)
  RETURN v_email;
END $$;
