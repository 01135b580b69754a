-- case: search_path=app,public
CREATE SCHEMA app;
CREATE TABLE app.jobs (id bigint PRIMARY KEY, state text);
CREATE TABLE public.settings (key text PRIMARY KEY, value text);

CREATE VIEW app.job_settings AS
SELECT j.id, j.state, s.value
  FROM jobs j                        -- found in app through the search_path
  JOIN settings s ON s.key = j.state;

CREATE VIEW app.job_settings_broken AS
SELECT j.id
  FROM public.jobs j                 -- expect: PGD102
  JOIN app.settings s ON true;       -- expect: PGD102
