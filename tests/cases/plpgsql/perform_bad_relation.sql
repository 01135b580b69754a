CREATE TABLE accounts (
    id         bigserial PRIMARY KEY,
    email      text NOT NULL,
    name       text,
    balance    numeric NOT NULL DEFAULT 0,
    status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    total      numeric NOT NULL,
    state      text NOT NULL DEFAULT 'new',
    placed_at  timestamptz DEFAULT now(),
    meta       jsonb
);
CREATE TABLE order_items (order_id bigint REFERENCES orders (id), sku text, qty int, price numeric);
CREATE TYPE pair AS (a int, b text);

CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$

BEGIN
  PERFORM 1 FROM acounts; -- expect: PGD102(accounts)
END $$;
