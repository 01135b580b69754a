-- chunk_processing_events is append-only: rows are inserted by the queue functions and
-- never updated, deleted or truncated.
CREATE OR REPLACE FUNCTION chunk_processing_events_append_only()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'chunk_processing_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The event history of chunk status transitions is never rewritten.';
END;
$$;

CREATE OR REPLACE TRIGGER chunk_processing_events_no_update
    BEFORE UPDATE OR DELETE ON chunk_processing_events
    FOR EACH ROW
    EXECUTE FUNCTION chunk_processing_events_append_only();

CREATE OR REPLACE TRIGGER chunk_processing_events_no_truncate
    BEFORE TRUNCATE ON chunk_processing_events
    FOR EACH STATEMENT
    EXECUTE FUNCTION chunk_processing_events_append_only();
