-- Flyway/Liquibase substitute ${name} placeholders before the server sees the script;
-- each stands for the same schema everywhere in the file.
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE ${schema}.audit_events (id bigserial PRIMARY KEY, actor text NOT NULL, at timestamptz DEFAULT now());

CREATE FUNCTION ${schema}.log_event(p_actor text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v_id bigint;
BEGIN
  INSERT INTO ${schema}.audit_events (actor) VALUES (p_actor) RETURNING id INTO v_id;
  RETURN v_id;
END $$;

SELECT e.actor FROM ${schema}.audit_events e;
SELECT e.acter FROM ${schema}.audit_events e;  -- expect: PGD101(actor)
