-- SET plpgsql.variable_conflict = use_column on the function: a name that is both a
-- variable and a column means the column, as Postgres resolves it (no ambiguity error).
CREATE TABLE wallets (id int PRIMARY KEY, owner text, balance numeric);

CREATE FUNCTION wallet_owner(id int) RETURNS text LANGUAGE plpgsql
SET plpgsql.variable_conflict = use_column AS $$
DECLARE owner text;
BEGIN
  SELECT owner INTO owner FROM wallets WHERE wallets.id = wallet_owner.id;
  RETURN owner;
END $$;

CREATE FUNCTION wallet_owner_strict(id int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE owner text;
BEGIN
  SELECT owner INTO owner FROM wallets WHERE wallets.id = wallet_owner_strict.id;  -- expect: PGD106
  RETURN owner;
END $$;
