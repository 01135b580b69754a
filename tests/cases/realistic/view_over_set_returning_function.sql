-- Views over the project's own set-returning functions (PostgREST fixtures do this): the
-- view's columns come from the function; pgdrift does not derive them yet, so they are
-- unknown — not empty — and references through the view are not errors.
CREATE TABLE projects (id int PRIMARY KEY, name text, client_id int);
CREATE FUNCTION all_projects() RETURNS SETOF projects LANGUAGE sql STABLE AS $$
  SELECT * FROM projects
$$;
CREATE FUNCTION projects_after(min_id int) RETURNS TABLE (pid int, pname text) LANGUAGE sql AS $$
  SELECT id, name FROM projects WHERE id > min_id
$$;
CREATE VIEW all_projects_view AS SELECT * FROM all_projects();
CREATE VIEW projects_after_view AS SELECT * FROM projects_after(1);

SELECT v.name, v.client_id FROM all_projects_view v;
SELECT a.pid, a.pname FROM projects_after_view a;
SELECT p.nme FROM projects p;  -- expect: PGD101(name)
