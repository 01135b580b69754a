-- (f(x)).* in a select list expands to every field of the function's composite result, so a
-- column alias list over that subquery may name more columns than the select list has items.
CREATE TABLE grants_seen (relname name, grantee oid, privilege_type text);

CREATE VIEW table_acl AS
SELECT c.relname, c.grantee, c.prtype
FROM (
    SELECT relname, relowner, (aclexplode(coalesce(relacl, acldefault('r', relowner)))).*
    FROM pg_class
) AS c (relname, relowner, grantor, grantee, prtype, grantable);

CREATE FUNCTION first_privilege(p_rel name) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT x.prtype FROM (SELECT (aclexplode(relacl)).* FROM pg_class WHERE relname = p_rel) AS x (grantor, grantee, prtype, grantable) LIMIT 1
$$;

SELECT a.x FROM (SELECT 1, 2) AS a (x, y, z);  -- expect: PGD109
