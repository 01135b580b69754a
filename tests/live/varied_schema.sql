-- A varied schema used by the live tests (and the DDL-vs-server comparison).
CREATE SCHEMA app;
CREATE SCHEMA "Mixed Case";
CREATE TYPE app.job_status AS ENUM ('queued', 'running', 'completed', 'failed');
CREATE DOMAIN app.email AS text CHECK (VALUE ~ '@');
CREATE DOMAIN app.priority AS integer NOT NULL DEFAULT 5 CHECK (VALUE IN (1, 5, 10));
CREATE TYPE app.address AS (street text, zip character varying(10));
CREATE SEQUENCE app.ticket_seq AS integer START WITH 100 INCREMENT BY 5;

CREATE TABLE app.accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email app.email NOT NULL UNIQUE,
    home app.address,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    tags text[] DEFAULT '{}',
    balance numeric(12,2) DEFAULT 0 CHECK (balance >= 0)
);

CREATE TABLE app.jobs (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES app.accounts (id) ON DELETE CASCADE,
    status app.job_status NOT NULL DEFAULT 'queued',
    kind varchar(20) NOT NULL CHECK (kind IN ('sync', 'export')),
    payload jsonb,
    attempts integer NOT NULL DEFAULT 0,
    ticket integer DEFAULT nextval('app.ticket_seq'),
    attempts_x2 integer GENERATED ALWAYS AS (attempts * 2) STORED,
    during tstzrange,
    EXCLUDE USING gist (during WITH &&),
    UNIQUE (account_id, kind)
);
CREATE INDEX jobs_status_idx ON app.jobs (status) WHERE status <> 'completed';
CREATE INDEX jobs_payload_idx ON app.jobs USING gin (payload);

CREATE TABLE "Mixed Case"."Events" (
    "EventId" integer NOT NULL,
    "Name" text COLLATE "C",
    occurred date NOT NULL
) PARTITION BY RANGE (occurred);
CREATE TABLE "Mixed Case"."Events_2024" PARTITION OF "Mixed Case"."Events"
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE TABLE app.base_log (id integer NOT NULL, message text, CHECK (id > 0));
CREATE TABLE app.audit_log (actor text) INHERITS (app.base_log);

CREATE VIEW app.open_jobs AS
    SELECT j.id, j.status, a.email AS account_email FROM app.jobs j JOIN app.accounts a ON a.id = j.account_id
    WHERE j.status <> 'completed';
CREATE VIEW app.open_job_ids (job_id) AS SELECT id FROM app.open_jobs;
CREATE MATERIALIZED VIEW app.job_counts AS SELECT status, count(*) AS n FROM app.jobs GROUP BY status;
CREATE INDEX job_counts_status_idx ON app.job_counts (status);

CREATE FUNCTION app.claim_job(p_kind text, p_limit integer DEFAULT 1)
RETURNS SETOF app.jobs LANGUAGE plpgsql AS $$
DECLARE
    v_job app.jobs%ROWTYPE;
BEGIN
    SELECT * INTO v_job FROM app.jobs WHERE kind = p_kind AND status = 'queued'
    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        UPDATE app.jobs SET status = 'running', attempts = attempts + 1 WHERE id = v_job.id;
        RETURN NEXT v_job;
    END IF;
END
$$;
CREATE FUNCTION app.job_stats(OUT total bigint, OUT failed bigint) LANGUAGE sql STABLE AS $$
    SELECT count(*), count(*) FILTER (WHERE status = 'failed') FROM app.jobs
$$;
CREATE FUNCTION app.add_one(x integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN x + 1;
CREATE FUNCTION app.add_one(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE RETURN x + 1;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.attempts := coalesce(NEW.attempts, 0);
    RETURN NEW;
END
$$;
CREATE PROCEDURE app.reset_jobs(p_status app.job_status) LANGUAGE sql AS $$
    UPDATE app.jobs SET status = p_status
$$;
CREATE TRIGGER jobs_touch BEFORE INSERT OR UPDATE OF attempts ON app.jobs
    FOR EACH ROW WHEN (NEW.attempts IS NULL OR NEW.attempts >= 0) EXECUTE FUNCTION app.touch();
CREATE TABLE public.plain (id integer PRIMARY KEY, label text);
CREATE FUNCTION "Mixed Case"."Stamp"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."Name" := coalesce(NEW."Name", 'unnamed');
    RETURN NEW;
END
$$;
CREATE TRIGGER "Events_stamp" BEFORE INSERT ON "Mixed Case"."Events"
    FOR EACH ROW EXECUTE FUNCTION "Mixed Case"."Stamp"();
CREATE INDEX "Events_name_idx" ON "Mixed Case"."Events" ("Name");
CREATE FUNCTION app.concat_step(acc text, item text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN coalesce(acc || ',', '') || item;
CREATE AGGREGATE app.comma_list(text) (SFUNC = app.concat_step, STYPE = text, INITCOND = '');
CREATE TYPE app.floatrange AS RANGE (subtype = float8);
CREATE TABLE app.readings (id integer PRIMARY KEY, span app.floatrange);
ALTER TABLE app.readings ADD CONSTRAINT readings_id_check CHECK (id > 0) NOT VALID;
CREATE DOMAIN app.short_code AS varchar(8) CHECK (VALUE IN ('a1', 'b2'));
CREATE TABLE app.codes (code app.short_code PRIMARY KEY, label character(3) CHECK (label IN ('abc', 'xyz')));
CREATE INDEX jobs_kind_partial_idx ON app.jobs (id) WHERE kind IN ('sync', 'export');
CREATE VIEW app.sync_jobs_only AS SELECT id, kind FROM app.jobs WHERE kind IN ('sync', 'export');
CREATE TYPE app.account_pair AS (first app.accounts, second app.accounts);
CREATE UNLOGGED TABLE app.scratch (id integer, payload text) WITH (fillfactor = 70, autovacuum_enabled = false);
