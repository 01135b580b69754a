-- golang-migrate style pair: 002_sessions.down.sql sorts before this file and would drop
-- what this creates; it is left out because this .up.sql is here.
CREATE TABLE sessions (id bigserial PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id));
