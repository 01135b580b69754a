CREATE SCHEMA app;
CREATE SCHEMA IF NOT EXISTS "Mixed";
SET search_path TO app, public;
CREATE TABLE items (id int);
CREATE TABLE public.shared (id int);
CREATE TABLE "Mixed"."CamelTable" ("Id" int, "Label" text);
CREATE VIEW app.v AS SELECT * FROM shared;
CREATE TYPE app.color AS ENUM ('red');
CREATE TABLE paint (c color);
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.after_reset (id int);
RESET search_path;
CREATE TABLE back_in_public (id int);
ALTER TABLE app.items SET SCHEMA "Mixed";
CREATE SCHEMA reports CREATE TABLE summary (n int) CREATE VIEW sv AS SELECT n FROM summary;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
-- expect: relation Mixed.items table
-- expect-not: relation app.items table
-- expect: columns Mixed.CamelTable Id, Label
-- expect: columns app.v id
-- expect: column app.paint.c app.color values red
-- expect: relation public.after_reset table
-- expect: relation public.back_in_public table
-- expect: columns reports.sv n
-- expect: extension pgcrypto public
-- expect: schema Mixed
