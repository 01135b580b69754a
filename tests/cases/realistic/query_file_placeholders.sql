-- Query files read by code generators and drivers next to the schema: sqlc's
-- sqlc.arg()/narg()/slice()/embed() and @name, psycopg's %(name)s and %s are parameters
-- the client fills in, not columns. Real column references around them are still checked.
CREATE TABLE authors (id bigserial PRIMARY KEY, name text NOT NULL, bio text);

-- name: GetAuthor :one
SELECT * FROM authors WHERE id = $1 LIMIT 1;

-- name: ListAuthors :many
SELECT * FROM authors WHERE name = sqlc.arg(author_name) AND bio IS NOT DISTINCT FROM sqlc.narg('bio');

-- name: AuthorsByIds :many
SELECT sqlc.embed(authors) FROM authors WHERE id IN (sqlc.slice('ids'));

-- name: UpdateBio :exec
UPDATE authors SET bio = @bio WHERE id = @author_id;

-- a psycopg query file
SELECT id, name FROM authors WHERE id = %(author_id)s OR name = %s;
SELECT id, nmae FROM authors WHERE id = %(author_id)s;  -- expect: PGD101(name)
