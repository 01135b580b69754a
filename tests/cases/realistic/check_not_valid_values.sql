-- A CHECK added NOT VALID does not hold for the rows already there: a migration compares
-- with the old values to convert them before VALIDATE CONSTRAINT. A validated CHECK still
-- limits the values a literal may be compared with.
CREATE TABLE tickets (id int PRIMARY KEY, state text NOT NULL, prio text CHECK (prio IN ('low', 'high')));
ALTER TABLE tickets ADD CONSTRAINT tickets_state CHECK (state IN ('open', 'closed')) NOT VALID;
UPDATE tickets SET state = 'closed' WHERE state = 'resolved';
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_state;
SELECT id FROM tickets WHERE prio = 'urgent';  -- expect: PGD107(high)
