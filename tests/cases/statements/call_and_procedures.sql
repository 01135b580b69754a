CREATE TABLE audit_log (id bigserial PRIMARY KEY, msg text);

CREATE PROCEDURE log_msg(p_msg text) LANGUAGE sql AS $$
    INSERT INTO audit_log (msg) VALUES (p_msg)
$$;

CREATE PROCEDURE log_twice(p_msg text) LANGUAGE plpgsql AS $$
BEGIN
    CALL log_msg(p_msg);
    CALL log_msg(p_msg || ' again');
    CALL log_mesg(p_msg);               -- expect: PGD104(log_msg)
    CALL log_msg(p_msg, 2);             -- expect: PGD108
END;
$$;
