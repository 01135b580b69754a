CREATE TABLE accounts (id int PRIMARY KEY, email text, status text, CHECK (status IN ('a', 'b')));
CREATE TABLE bad (id int, CHECK (qty > 0)); -- expect: PGD101
CREATE INDEX ON accounts (email);
CREATE INDEX ON accounts (emial); -- expect: PGD101@27(email)
CREATE INDEX ON accounts (lower(email)) INCLUDE (status) WHERE id > 0;
CREATE INDEX ON accounts (lower(emial)) WHERE idd > 0; -- expect: PGD101 PGD101
CREATE UNIQUE INDEX accounts_email ON accounts USING btree (email) WHERE (status = 'a');
ALTER TABLE accounts ADD COLUMN phone text, ADD CONSTRAINT phone_ok CHECK (phone <> '');
ALTER TABLE accounts ADD CONSTRAINT c CHECK (stats <> 'x'); -- expect: PGD101(status)
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL, ALTER COLUMN emial DROP NOT NULL; -- expect: PGD101
ALTER TABLE accounts DROP COLUMN IF EXISTS nothing_here;
ALTER TABLE accounts RENAME COLUMN phone TO phone_number;
ALTER TABLE accounts RENAME COLUMN phone TO phone2; -- expect: PGD101(phone_number)
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON accounts USING (email = current_user AND id IN (SELECT 1 FROM accounts a WHERE a.id > 0));
CREATE POLICY bad ON accounts USING (mail = current_user); -- expect: PGD101(email)
