CREATE TABLE accounts (id bigint, email text);
CREATE FUNCTION f(email text) RETURNS bigint LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN (SELECT id FROM accounts WHERE accounts.email = f.email AND email IS NOT NULL);
END $$;
CREATE FUNCTION g(email text) RETURNS bigint LANGUAGE plpgsql AS $$
#variable_conflict use_variable
BEGIN
  RETURN (SELECT id FROM accounts a WHERE a.email = email);
END $$;
