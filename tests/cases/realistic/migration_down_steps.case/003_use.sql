-- migrate:up
SELECT s.id, a.tenant FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.status = 'active';
UPDATE accounts SET status = 'closed' WHERE tenant = 'x';  -- expect: PGD107
-- migrate:down
DROP TABLE sessions;
