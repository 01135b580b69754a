CREATE TABLE orders (id int, st order_state, pay payment_kind);
CREATE TYPE order_state AS ENUM ('open', 'closed');
CREATE DOMAIN payment_kind AS text CHECK (VALUE IN ('card', 'cash'));
CREATE TYPE shade AS ENUM ('dark', 'light');
CREATE TABLE paint (s shade, ss shade[]);
ALTER TYPE shade RENAME TO tone;
CREATE SCHEMA colors;
ALTER TYPE tone SET SCHEMA colors;
CREATE FUNCTION pick(t colors.tone) RETURNS colors.tone LANGUAGE sql AS 'select t';
-- expect: column public.orders.st public.order_state values open|closed
-- expect: column public.orders.pay public.payment_kind values card|cash
-- expect: column public.paint.s colors.tone values dark|light
-- expect: column public.paint.ss colors.tone[]
-- expect: function public.pick(t colors.tone) returns colors.tone language sql
-- expect: enum colors.tone dark|light
