CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE users (id int, email citext, nick citext);
CREATE FUNCTION f(p int, OUT o_email citext, OUT o_nick citext) LANGUAGE plpgsql AS $$
BEGIN
  SELECT email, nick INTO o_email, o_nick FROM users WHERE id = p;
  SELECT email, nik INTO o_email, o_nick FROM users WHERE id = p; -- expect: PGD101(nick)
END $$;
