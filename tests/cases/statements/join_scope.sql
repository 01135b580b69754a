CREATE TABLE a (id int, b_id int);
CREATE TABLE b (id int, c_id int);
CREATE TABLE c (id int);

CREATE VIEW ok_join AS
SELECT a.id FROM a JOIN b ON b.id = a.b_id JOIN c ON c.id = b.c_id;

CREATE VIEW comma_then_join AS
SELECT a.id
  FROM a, b
  JOIN c ON c.id = a.b_id;                 -- expect: PGD102(invalid reference)

CREATE VIEW forward_reference AS
SELECT a.id
  FROM a
  JOIN b ON b.c_id = c.id                  -- expect: PGD102
  JOIN c ON true;

CREATE VIEW duplicate_alias AS
SELECT x.id FROM a x JOIN b x ON true;     -- expect: PGD105
