CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE '% %', TG_EVENT, TG_TAG;
END $$;
