-- A project living in its own schema: parameter, RETURNS and DECLARE types qualified
-- with that schema (pglast alone only looks up pg_catalog and public).
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id bigint PRIMARY KEY, customer text NOT NULL, total numeric);
CREATE TYPE billing.line AS (customer text, amount numeric);

CREATE FUNCTION billing.add_lines(lines billing.line[], dry_run boolean DEFAULT false)
RETURNS SETOF billing.invoices LANGUAGE plpgsql AS $$
DECLARE
  v_inv "billing".invoices;
  v_first billing.line;
  v_all billing.line[];
BEGIN
  v_first := lines[1];
  v_all := lines;
  SELECT * INTO v_inv FROM billing.invoices WHERE customer = v_first.customer;
  IF v_inv.total > 0 AND NOT dry_run THEN
    RETURN NEXT v_inv;
  END IF;
  RETURN QUERY SELECT i.* FROM billing.invoices i JOIN unnest(v_all) l ON l.customer = i.customer;
END $$;

CREATE PROCEDURE billing.touch(p_id bigint, INOUT p_row billing.invoices)
LANGUAGE plpgsql AS $$
BEGIN
  SELECT * INTO p_row FROM billing.invoices WHERE id = p_id;
  p_row.total := coalesce(p_row.total, 0);
END $$;

CREATE FUNCTION billing.bad_field(p billing.line) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  v billing.invoices;
BEGIN
  SELECT * INTO v FROM billing.invoices LIMIT 1;
  RETURN v.totl + p.amount;  -- expect: PGD103(total)
END $$;
