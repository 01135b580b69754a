CREATE TABLE kv (k text PRIMARY KEY, v jsonb);
CREATE FUNCTION get_v(p_k text) RETURNS jsonb LANGUAGE sql STABLE
RETURN (SELECT v FROM kv WHERE k = p_k);
CREATE FUNCTION get_bad(p_k text) RETURNS jsonb LANGUAGE sql STABLE
RETURN (SELECT value FROM kv WHERE k = p_k); -- expect: PGD101@16
