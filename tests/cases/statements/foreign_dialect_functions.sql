CREATE TABLE users (id bigint PRIMARY KEY, name text, nick text, tags text[]);

CREATE VIEW user_labels AS
SELECT id,
       coalesce(nick, name) AS label,
       length(name) AS name_length,
       array_to_string(tags, ',') AS tag_list
  FROM users;

-- Written for MySQL / SQL Server / Spark: sqlglot would rewrite these, Postgres rejects them.
CREATE VIEW user_labels_broken AS
SELECT id,
       ifnull(nick, name) AS label,                 -- expect: PGD104(coalesce)
       len(name) AS name_length,                    -- expect: PGD104(length)
       array_join(tags, ',') AS tag_list            -- expect: PGD104(array_to_string)
  FROM users
 WHERE 'ifnull(' <> name;
