CREATE TABLE chunked_sync_jobs (id bigint primary key, chunk_index int, estimated_emails int, status text, processing_time_ms int, error_message text, started_at timestamptz);
CREATE FUNCTION claim(p_worker text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_chunk RECORD;
BEGIN
  SELECT * INTO v_chunk FROM chunked_sync_jobs WHERE status = 'pending' LIMIT 1;
  RETURN jsonb_build_object(
    'chunk_index', v_chunk.chunk_number,
    'estimated_emails', v_chunk.email_count_estimate);
END $$;
CREATE FUNCTION complete(p_id bigint, p_processing_time_ms int, p_error_message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE chunked_sync_jobs SET actual_duration_ms = p_processing_time_ms, error = p_error_message WHERE id = p_id;
END $$;
