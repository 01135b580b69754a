-- PostgreSQL 18: RETURNING old.col / new.col read the target row before and after the
-- statement; old and new are only qualifiers (a bare column is still the target's), and a
-- FROM item named old keeps its own meaning.
CREATE TABLE accounts (id int PRIMARY KEY, balance numeric NOT NULL DEFAULT 0);
CREATE TABLE old (id int, note text);

CREATE FUNCTION deposit(p_id int, p_amount numeric)
RETURNS TABLE (before numeric, after numeric)
LANGUAGE sql
AS $$
    UPDATE accounts SET balance = balance + p_amount WHERE id = p_id
    RETURNING old.balance, new.balance
$$;

CREATE FUNCTION close_account(p_id int) RETURNS numeric
LANGUAGE plpgsql
AS $$
DECLARE
    v_last numeric;
BEGIN
    DELETE FROM accounts WHERE id = p_id RETURNING old.balance INTO v_last;
    INSERT INTO accounts (id, balance) VALUES (p_id, 0)
    ON CONFLICT (id) DO UPDATE SET balance = excluded.balance
    RETURNING old.balance INTO v_last;
    UPDATE accounts SET balance = 1 FROM old WHERE old.id = accounts.id
    RETURNING old.id INTO v_last;
    RETURN v_last;
END;
$$;

CREATE FUNCTION typo(p_id int) RETURNS TABLE (before numeric, after numeric)
LANGUAGE sql
AS $$
    UPDATE accounts SET balance = 0 WHERE id = p_id
    RETURNING old.balanc, -- expect: PGD101(old.balanc)
              new.balnce -- expect: PGD101(new.balnce)
$$;

CREATE FUNCTION from_item_wins(p_id int) RETURNS text
LANGUAGE sql
AS $$
    UPDATE accounts SET balance = 1 FROM old WHERE old.id = accounts.id
    RETURNING old.balance -- expect: PGD101(old.balance)
$$;
