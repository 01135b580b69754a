CREATE TABLE before_error (id int);
CREATE TABLE oops (id int,, x int);
CREATE TABLE after_error (id int);
-- expect: relation public.before_error table
-- expect: relation public.after_error table
-- expect-diagnostic: PGD001 2
