CREATE TABLE authors (id int PRIMARY KEY, name text);
CREATE TABLE books (id int PRIMARY KEY, author_id int, name text);

CREATE VIEW book_list AS
SELECT b.id, b.name AS title, a.name AS author
  FROM books b JOIN authors a ON a.id = b.author_id
 ORDER BY author, title;

CREATE VIEW book_list_broken AS
SELECT *
  FROM books b JOIN authors a ON a.id = b.author_id
 ORDER BY name;                          -- expect: PGD105

CREATE VIEW book_list_broken2 AS
SELECT name                              -- expect: PGD105
  FROM books b JOIN authors a ON a.id = b.author_id;
