CREATE VIEW v AS SELECT id FROM later; -- expect: PGD102
CREATE TABLE later (id int);
