CREATE TABLE accounts (id bigint PRIMARY KEY, email text, plan text);

CREATE FUNCTION account_stats(p_id bigint, OUT logins int, OUT last_seen timestamptz)
LANGUAGE sql AS $$ SELECT 1, now() $$;

CREATE FUNCTION accounts_on(p_plan text) RETURNS SETOF accounts LANGUAGE sql AS $$
    SELECT * FROM accounts WHERE plan = p_plan
$$;

CREATE FUNCTION active(p_since timestamptz)
RETURNS TABLE (account_id bigint, seen timestamptz) LANGUAGE sql AS $$
    SELECT 1::bigint, now()
$$;

CREATE VIEW report AS
SELECT a.email, s.logins, s.last_seen, x.seen
  FROM accounts_on('pro') a
 CROSS JOIN LATERAL account_stats(a.id) s
  JOIN active(now()) x ON x.account_id = a.id;

CREATE VIEW report_broken AS
SELECT a.mail,                          -- expect: PGD101(email)
       s.login_count,                   -- expect: PGD101
       x.seen_at                        -- expect: PGD101(seen)
  FROM accounts_on('pro') a
 CROSS JOIN LATERAL account_stats(a.id) s
  JOIN active(now()) x ON x.account_id = a.id;
