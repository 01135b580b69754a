CREATE SCHEMA app;
SET search_path = app;
CREATE TABLE jobs (id int);
RESET search_path;
SELECT id FROM app.jobs;
SELECT idd FROM app.jobs; -- expect: PGD101
