CREATE TYPE mood AS ENUM ('sad', 'ok');
ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';
ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';
CREATE TYPE address AS (street text, zip varchar(10));
ALTER TYPE address ADD ATTRIBUTE city text;
CREATE DOMAIN job_status AS text NOT NULL CHECK (VALUE IN ('queued', 'done'));
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TABLE person (id int, m mood, home address, st job_status, ms mood[]);
-- expect: enum public.mood meh|sad|fine|happy
-- expect: relation public.address composite type
-- expect: columns public.address street, zip, city
-- expect: domain public.job_status text not null values queued|done
-- expect: domain public.posint integer
-- expect: column public.person.m public.mood values meh|sad|fine|happy
-- expect: column public.person.home public.address
-- expect: column public.person.st public.job_status values queued|done
-- expect: column public.person.ms public.mood[]
