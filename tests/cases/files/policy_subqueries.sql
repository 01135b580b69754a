-- Row security policies are checked as queries: USING and WITH CHECK expressions, their
-- sub-queries included (columns of the policy's table by bare or table-qualified names).
CREATE SCHEMA auth;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULL::uuid $$;
CREATE TABLE orgs (id int PRIMARY KEY, owner uuid);
CREATE TABLE members (org_id int, user_id uuid, role text CHECK (role IN ('admin', 'member')));
CREATE TABLE projects (id int PRIMARY KEY, org_id int, owner_id uuid, "Using" text);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;

CREATE POLICY members_read ON projects AS PERMISSIVE FOR SELECT TO PUBLIC
    USING (EXISTS (SELECT 1 FROM members m
                   WHERE m.org_id = projects.org_id AND m.user_id = auth.uid()));
CREATE POLICY admins_write ON public.projects AS RESTRICTIVE FOR INSERT
    WITH CHECK (org_id IN (SELECT m.org_id FROM members AS m
                           WHERE m.user_id = auth.uid() AND m.role = 'admin'));
CREATE POLICY owners ON projects FOR UPDATE
    USING (owner_id = auth.uid()) WITH CHECK ("Using" IS NOT NULL AND owner_id = auth.uid());

CREATE POLICY typo_outer ON projects
    USING (EXISTS (SELECT 1 FROM members m WHERE m.org_id = projects.orgid)); -- expect: PGD101(org_id)
CREATE POLICY typo_inner ON projects
    USING (EXISTS (SELECT 1 FROM members m WHERE m.userid = auth.uid())); -- expect: PGD101(user_id)
CREATE POLICY typo_check ON projects FOR INSERT
    WITH CHECK (ownerid = auth.uid()); -- expect: PGD101(owner_id)
CREATE POLICY bad_value ON projects
    USING (EXISTS (SELECT 1 FROM members m WHERE m.role = 'owner')); -- expect: PGD107(admin)
CREATE POLICY unknown_table ON projects
    USING (EXISTS (SELECT 1 FROM memberships x WHERE x.org_id = org_id)); -- expect: PGD102

ALTER POLICY owners ON projects
    USING (owner_id = auth.uid() OR org_id IN (SELECT o.id FROM orgs o WHERE o.owner = auth.uid()));
ALTER POLICY owners ON projects
    WITH CHECK (owner_id = auth.uid() AND org_id IN (SELECT o.id FROM orgs o WHERE o.ownr = auth.uid())); -- expect: PGD101(owner)

-- a JOIN … USING inside the expression is the sub-query's, not the policy's
CREATE POLICY joined ON projects
    USING (EXISTS (SELECT 1 FROM members m JOIN orgs o ON o.id = m.org_id
                   JOIN members m2 USING (org_id, user_id) WHERE o.id = projects.org_id));
