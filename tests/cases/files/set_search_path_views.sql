CREATE SCHEMA app;
SET search_path TO app;
CREATE DOMAIN label AS text;
CREATE TABLE jobs (id int, state label);
CREATE VIEW open_jobs AS SELECT id, CAST(state AS label) AS s FROM jobs;
CREATE VIEW bad_jobs AS SELECT id, stat FROM jobs; -- expect: PGD101
INSERT INTO jobs (id, state) VALUES (1, 'x');
RESET search_path;
SELECT id FROM jobs; -- expect: PGD102
SELECT id FROM app.jobs;
