-- expect-codes: PGD203 PGD215 PGD227 PGD230 PGD231 PGD232 PGD233
-- snapshot:
CREATE SCHEMA IF NOT EXISTS old_schema;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE DOMAIN public.email AS text CHECK (VALUE ~ '@');
CREATE TABLE public.thing (id integer);
CREATE TABLE public.idx (a integer, b integer);
CREATE INDEX idx_ab ON public.idx USING btree (a, b);
-- database:
CREATE SCHEMA IF NOT EXISTS new_schema;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE DOMAIN public.email AS text;
CREATE VIEW public.thing AS SELECT 1 AS id;
CREATE TABLE public.idx (a integer, b integer);
CREATE INDEX idx_ab ON public.idx USING btree (a);
