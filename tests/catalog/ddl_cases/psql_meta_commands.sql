\restrict AbCdEf123
SET search_path = public;
\set ON_ERROR_STOP on
CREATE TABLE after_meta (id integer);
\unrestrict AbCdEf123
-- expect: relation public.after_meta table
