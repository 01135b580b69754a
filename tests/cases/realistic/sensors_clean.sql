CREATE TABLE measurements (
    id bigserial,
    sensor_id int NOT NULL,
    taken_at timestamptz NOT NULL,
    value double precision,
    PRIMARY KEY (id, taken_at)
) PARTITION BY RANGE (taken_at);
CREATE TABLE sensors (id int PRIMARY KEY, label text UNIQUE, active boolean DEFAULT true, meta jsonb DEFAULT '{}');
CREATE TABLE daily_stats (sensor_id int, day date, n bigint, avg_value double precision, PRIMARY KEY (sensor_id, day));
CREATE TABLE job_queue (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb NOT NULL,
    run_at timestamptz NOT NULL DEFAULT now(),
    locked_by text,
    locked_at timestamptz,
    attempts int NOT NULL DEFAULT 0,
    last_error text
);

CREATE OR REPLACE FUNCTION ensure_partition(p_day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_name text := format('measurements_%s', to_char(p_day, 'YYYYMMDD'));
BEGIN
    IF to_regclass(v_name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF measurements FOR VALUES FROM (%L) TO (%L)', -- expect: PGD301
                       v_name, p_day, p_day + 1);
    END IF;
    RETURN v_name;
END $$;

CREATE OR REPLACE FUNCTION roll_up(p_day date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_rows integer;
BEGIN
    INSERT INTO daily_stats AS d (sensor_id, day, n, avg_value)
    SELECT m.sensor_id, p_day, count(*), avg(m.value)
      FROM measurements m
      JOIN sensors s ON s.id = m.sensor_id AND s.active
     WHERE m.taken_at >= p_day AND m.taken_at < p_day + 1
     GROUP BY m.sensor_id
    ON CONFLICT (sensor_id, day) DO UPDATE
       SET n = EXCLUDED.n, avg_value = EXCLUDED.avg_value
     WHERE d.n IS DISTINCT FROM EXCLUDED.n;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END $$;

CREATE OR REPLACE FUNCTION take_job(p_worker text, p_kinds text[] DEFAULT NULL)
RETURNS SETOF job_queue LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    UPDATE job_queue q
       SET locked_by = p_worker, locked_at = clock_timestamp(), attempts = q.attempts + 1
     WHERE q.id = (
           SELECT j.id FROM job_queue j
            WHERE j.locked_by IS NULL
              AND j.run_at <= now()
              AND (p_kinds IS NULL OR j.kind = ANY (p_kinds))
            ORDER BY j.run_at, j.id
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
    RETURNING q.*;
END $$;

CREATE OR REPLACE FUNCTION fail_job(p_id bigint, p_error text, p_backoff interval DEFAULT '1 minute')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_job job_queue;
BEGIN
    SELECT * INTO STRICT v_job FROM job_queue WHERE id = p_id FOR UPDATE;
    UPDATE job_queue
       SET locked_by = NULL,
           locked_at = NULL,
           last_error = left(p_error, 1000),
           run_at = now() + p_backoff * power(2, least(v_job.attempts, 10))
     WHERE id = v_job.id;
EXCEPTION
    WHEN no_data_found THEN
        RAISE WARNING 'job % vanished', p_id;
END $$;

CREATE OR REPLACE FUNCTION sensor_report(p_since timestamptz)
RETURNS TABLE (label text, readings bigint, last_seen timestamptz, p95 double precision)
LANGUAGE sql STABLE AS $$
    SELECT s.label,
           count(m.*),
           max(m.taken_at),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY m.value)
      FROM sensors s
      LEFT JOIN measurements m ON m.sensor_id = s.id AND m.taken_at >= p_since
     WHERE s.meta ->> 'hidden' IS DISTINCT FROM 'true'
     GROUP BY s.label
    HAVING count(m.*) > 0
     ORDER BY 2 DESC
$$;

CREATE OR REPLACE FUNCTION jsonb_diff(p_old jsonb, p_new jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(n.key, n.value), '{}'::jsonb)
      FROM jsonb_each(p_new) n
      LEFT JOIN jsonb_each(p_old) o ON o.key = n.key
     WHERE o.value IS DISTINCT FROM n.value
$$;

CREATE OR REPLACE FUNCTION sensors_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_changes jsonb;
BEGIN
    v_changes := jsonb_diff(to_jsonb(OLD), to_jsonb(NEW));
    IF v_changes <> '{}'::jsonb THEN
        PERFORM pg_notify('sensor_changed', json_build_object('id', NEW.id, 'changes', v_changes)::text);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sensors_audit AFTER UPDATE ON sensors FOR EACH ROW EXECUTE FUNCTION sensors_audit();

CREATE MATERIALIZED VIEW sensor_latest AS
SELECT DISTINCT ON (m.sensor_id) m.sensor_id, m.taken_at, m.value
  FROM measurements m
 ORDER BY m.sensor_id, m.taken_at DESC;
CREATE UNIQUE INDEX ON sensor_latest (sensor_id);

CREATE OR REPLACE PROCEDURE refresh_all() LANGUAGE plpgsql AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY sensor_latest;
    COMMIT;
    PERFORM roll_up(current_date - 1);
END $$;

WITH RECURSIVE days(d) AS (
    SELECT current_date - 3
    UNION ALL
    SELECT d + 1 FROM days WHERE d < current_date
)
SELECT ensure_partition(d) FROM days;
