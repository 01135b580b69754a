CREATE TABLE accounts (id int PRIMARY KEY, owner_name text, balance numeric);
CREATE TABLE invoices (id int PRIMARY KEY, account_id int, total numeric);

-- A record typed by SELECT * FROM one table names that table in the message.
CREATE FUNCTION account_owner(p_id int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  SELECT * INTO r FROM accounts WHERE id = p_id;
  RETURN r.owner;  -- expect: PGD103(record r (public.accounts))
END $$;

-- After branches typed by different tables, no single relation is named.
CREATE FUNCTION either(p_flag bool) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF p_flag THEN
    SELECT * INTO r FROM accounts LIMIT 1;
  ELSE
    SELECT * INTO r FROM invoices LIMIT 1;
  END IF;
  RETURN r.amount;  -- expect: PGD103(in record r)
END $$;
