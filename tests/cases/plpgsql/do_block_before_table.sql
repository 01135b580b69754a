DO $$ BEGIN PERFORM 1 FROM later_table; END $$; -- expect: PGD102
CREATE TABLE later_table (id int);
