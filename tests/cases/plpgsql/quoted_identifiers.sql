CREATE TABLE "Mixed" ("Id" int, "Name" text, plain text);
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "Id", "Name", plain, PLAIN FROM "Mixed";
  PERFORM "name" FROM "Mixed"; -- expect: PGD101
  PERFORM 1 FROM mixed; -- expect: PGD102
END $$;
