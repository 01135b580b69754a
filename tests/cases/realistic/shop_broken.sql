CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE DOMAIN positive_amount AS numeric(12,2) CHECK (VALUE > 0);
CREATE TABLE customers (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email       citext,
    full_name   text NOT NULL,
    tags        text[] NOT NULL DEFAULT '{}',
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz
);
CREATE TABLE orders (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    status       order_status NOT NULL DEFAULT 'new',
    amount       positive_amount NOT NULL,
    items        jsonb NOT NULL DEFAULT '[]',
    placed_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_uniq UNIQUE (customer_id, placed_at)
);
CREATE TABLE audit.log (
    id         bigserial PRIMARY KEY,
    table_name text NOT NULL,
    op         text NOT NULL,
    row_old    jsonb,
    row_new    jsonb,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    txid       bigint NOT NULL DEFAULT txid_current()
);
CREATE TABLE order_lines (order_id bigint REFERENCES orders (id), line_no int, sku text, qty int, unit_price numeric, PRIMARY KEY (order_id, line_no));

CREATE OR REPLACE FUNCTION audit.capture() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO audit.log (table_name, op, row_old, row_new)
    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END);
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER customers_audit AFTER INSERT OR UPDATE OR DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION audit.capture();
CREATE TRIGGER orders_audit AFTER INSERT OR UPDATE OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION audit.capture();

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updatedat := now();  -- expect: PGD103(updated_at)
    RETURN NEW;
END $$;
CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW
    WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION touch_updated_at();

CREATE OR REPLACE FUNCTION upsert_customer(p_email text, p_name text, p_tags text[] DEFAULT NULL)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    v_id customers.id%TYPE;
BEGIN
    INSERT INTO customers AS c (email, full_name, tags)
    VALUES (lower(p_email), p_name, coalesce(p_tags, '{}'))
    ON CONFLICT (id) DO UPDATE
        SET full_name = EXCLUDED.full_name,
            tags = array(SELECT DISTINCT unnest(c.tags || EXCLUDED.tags))
    RETURNING c.id INTO v_id;
    RETURN v_id;
END $$;

CREATE OR REPLACE FUNCTION place_order(p_customer uuid, p_items jsonb)
RETURNS TABLE (order_id bigint, total numeric) LANGUAGE plpgsql AS $$
DECLARE
    v_order orders%ROWTYPE;
    v_line record;
    v_no int := 0;
    v_total numeric := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(p_customer::text));
    IF NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = p_customer) THEN
        RAISE EXCEPTION 'unknown customer %', p_customer USING ERRCODE = 'foreign_key_violation';
    END IF;
    FOR v_line IN
        SELECT x.sku, x.qty, x.price
          FROM jsonb_to_recordset(p_items) AS x(sku text, qty int, price numeric)
         WHERE x.qty > 0
    LOOP
        v_total := v_total + v_line.qty * v_line.prce;  -- expect: PGD103
    END LOOP;
    INSERT INTO orders (customer_id, amount, items)
    VALUES (p_customer, v_total, p_items)
    RETURNING * INTO v_order;
    FOR v_line IN SELECT e.value ->> 'sku' AS sku, (e.value ->> 'qty')::int AS qty, e.ordinality AS n
                    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e(value, ordinality)
    LOOP
        v_no := v_no + 1;
        INSERT INTO order_lines (order_id, line_no, sku, qty)
        VALUES (v_order.id, v_line.n, v_line.sku, v_line.qty);
    END LOOP;
    order_id := v_order.id;
    total := v_order.amount;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION customer_stats(p_since timestamptz DEFAULT now() - interval '30 days')
RETURNS TABLE (customer uuid, n_orders bigint, revenue numeric, last_order timestamptz, rnk bigint)
LANGUAGE sql STABLE AS $$
    WITH per AS (
        SELECT o.customer_id, count(*) AS n, sum(o.amount) AS rev, max(o.placed_at) AS last_at
          FROM orders o
         WHERE o.placed_at >= p_since AND o.state <> 'cancelled'  -- expect: PGD101(status)
         GROUP BY o.customer_id
    )
    SELECT p.customer_id, p.n, p.rev, p.last_at, rank() OVER (ORDER BY p.rev DESC)
      FROM per p
      JOIN customers c ON c.id = p.customer_id
     ORDER BY p.rev DESC NULLS LAST
$$;

CREATE OR REPLACE FUNCTION cancel_stale_orders(p_age interval) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    r record;
BEGIN
    FOR r IN SELECT DISTINCT ON (o.customer_id) o.id, o.customer_id, c.email
               FROM orders o JOIN customers c ON c.id = o.customer_id
              WHERE o.status = 'new' AND o.placed_at < now() - p_age
              ORDER BY o.customer_id, o.placed_at
              FOR UPDATE OF o SKIP LOCKED
    LOOP
        UPDATE orders SET status = 'canceled' WHERE id = r.id;  -- expect: PGD107(cancelled)
        PERFORM pg_notify('order_cancelled', json_build_object('id', r.id, 'email', r.email)::text);
    END LOOP;
    GET DIAGNOSTICS n = ROW_COUNT;
    WITH RECURSIVE days(d) AS (
        SELECT date_trunc('day', now() - p_age)
        UNION ALL
        SELECT d + interval '1 day' FROM days WHERE d < now()
    )
    SELECT count(*) INTO n FROM days;
    RETURN n;
EXCEPTION
    WHEN lock_not_available THEN
        RAISE NOTICE 'busy: % %', SQLERRM, r.emial;  -- expect: PGD103(email)
        RETURN 0;
END $$;

CREATE OR REPLACE FUNCTION rotate_partitions(p_table regclass, p_keep int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    part record;
BEGIN
    FOR part IN
        SELECT c.relname, n.nspname
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE i.inhparent = p_table
         ORDER BY c.relname DESC
        OFFSET p_keep
    LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I.%I', part.nspname, part.relname);  -- expect: PGD301
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION order_summary(p_order bigint, OUT n_lines int, OUT total numeric, OUT skus text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT count(*)::int, coalesce(sum(l.qty * l.price), 0), string_agg(l.sku, ',' ORDER BY l.line_no)  -- expect: PGD101(unit_price)
      INTO n_lines, total, skus
      FROM order_lines l
     WHERE l.order_id = p_order;
END $$;

CREATE VIEW customer_overview AS
SELECT c.id, c.email, c.full_name,
       count(o.id) FILTER (WHERE o.status = 'paid') AS paid_orders,
       coalesce(sum(o.amount), 0) AS lifetime_value,
       (SELECT max(l.at) FROM audit.log l WHERE l.row_new ->> 'id' = c.id::text) AS last_change,
       s.*
  FROM customers c
  LEFT JOIN orders o ON o.customer_id = c.id
  LEFT JOIN LATERAL (SELECT o2.placed_at AS latest FROM orders o2 WHERE o2.customer_id = c.id ORDER BY o2.placed_at DESC LIMIT 1) s ON true
 GROUP BY c.id, s.latest;

CREATE FUNCTION search_customers(p_q text, p_limit int DEFAULT 20)
RETURNS SETOF customers LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT * FROM customers
     WHERE full_name ILIKE '%' || p_q || '%' OR email::text ILIKE p_q || '%' OR p_q = ANY (tags)
     ORDER BY created_at DESC
     LIMIT p_limit;
END $$;

CREATE PROCEDURE archive_orders(p_before timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    batch bigint[];
BEGIN
    LOOP
        SELECT array_agg(id) INTO batch FROM (SELECT id FROM orders WHERE placed_at < p_before LIMIT 1000) s;
        EXIT WHEN batch IS NULL;
        DELETE FROM order_lines WHERE order_id = ANY (batch);
        DELETE FROM orders WHERE id = ANY (batch);
        COMMIT;
    END LOOP;
END $$;

CREATE FUNCTION settings_get(p_customer uuid, p_key text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT settings ->> p_key FROM customers WHERE id = p_customer);

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT id FROM customers WHERE setting ? 'legacy' LOOP  -- expect: PGD101(settings)
        UPDATE customers SET settings = settings - 'legacy' WHERE id = r.id;
    END LOOP;
END $$;
