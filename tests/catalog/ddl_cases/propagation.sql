CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE base (id int);
CREATE TABLE kid (own text) INHERITS (base);
CREATE TABLE grandkid () INHERITS (kid);
ALTER TABLE events ADD COLUMN payload jsonb;
ALTER TABLE events RENAME COLUMN id TO event_id;
ALTER TABLE events ALTER COLUMN event_id TYPE bigint;
ALTER TABLE base ADD COLUMN note text;
ALTER TABLE ONLY base ADD COLUMN only_here int;
ALTER TABLE base RENAME COLUMN id TO base_id;
ALTER TABLE base DROP COLUMN note;
-- expect: columns public.events_2024 event_id, at, payload
-- expect: column public.events_2024.event_id bigint
-- expect: columns public.kid base_id, own
-- expect: columns public.grandkid base_id, own
-- expect: columns public.base base_id, only_here
