-- CREATE RECURSIVE VIEW reads itself; a sequence can be selected from like a one-row table.
CREATE TABLE org_units (id int PRIMARY KEY, parent_id int, name text NOT NULL);
CREATE SEQUENCE invoice_numbers;

CREATE RECURSIVE VIEW unit_tree (id, name, depth) AS
    SELECT id, name, 1 FROM org_units WHERE parent_id IS NULL
  UNION ALL
    SELECT u.id, u.name, t.depth + 1 FROM org_units u JOIN unit_tree t ON u.parent_id = t.id;

CREATE FUNCTION next_invoice_preview() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_last bigint;
  v_called boolean;
BEGIN
  SELECT last_value, is_called INTO v_last, v_called FROM invoice_numbers;
  SELECT s.last_value INTO v_last FROM public.invoice_numbers AS s;
  RETURN CASE WHEN v_called THEN v_last + 1 ELSE v_last END;
END $$;

SELECT t.name, t.depth FROM unit_tree t ORDER BY t.depth;
SELECT t.dept FROM unit_tree t;  -- expect: PGD101(depth)
SELECT last_valu FROM invoice_numbers;  -- expect: PGD101(last_value)
