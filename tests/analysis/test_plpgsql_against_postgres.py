"""Differential test of PL/pgSQL semantics: generated statements using variables named
like columns, a record's fields and DML targets, run by Postgres inside a DO block (where
PL/pgSQL analyses them) and resolved by resolve() with the same variables. resolve() must
report an error exactly when Postgres raises one."""

from __future__ import annotations

import random

import psycopg

from pgdrift.analysis.env import Env, Variable
from pgdrift.analysis.resolve import resolve
from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.source import SourceFile

DDL = """
CREATE TABLE a (id int UNIQUE, x int UNIQUE, y int, z int);
CREATE TABLE b (id int UNIQUE, a_id int, y int, w int);
"""
TABLES = {"a": ["id", "x", "y", "z"], "b": ["id", "a_id", "y", "w"]}
VARIABLES = ["id", "x", "v_a", "n", "w", "q"]
ERRORS = {"PGD101", "PGD102", "PGD103", "PGD104", "PGD105", "PGD106", "PGD108", "PGD109", "PGD110"}


def _statement(rnd: random.Random) -> tuple[list[str], str]:
    names = rnd.sample(VARIABLES, rnd.randint(1, 3))

    def val() -> str:
        r = rnd.random()
        if r < 0.4:
            return rnd.choice(names)
        if r < 0.6:
            return f"r.{rnd.choice([*TABLES['a'], 'k', 'idd'])}"
        if r < 0.8:
            return rnd.choice(["1", "2"])
        return rnd.choice(["id", "x", "y", "w", "a_id"])

    t = rnd.choice(list(TABLES))
    alias = rnd.choice(["", " t", " t", " r"])
    q = alias.strip() or t
    cols = TABLES[t]
    k = rnd.random()
    if k < 0.3:
        where = f"{rnd.choice(cols + names)} = {val()}"
        return names, f"SELECT {val()}, {q}.{rnd.choice(cols)} FROM {t}{alias} WHERE {where}"
    if k < 0.55:
        where = f"{rnd.choice([*cols, 'r.id'])} = {val()}"
        return names, f"UPDATE {t}{alias} SET {rnd.choice(cols)} = {val()} WHERE {where}"
    if k < 0.8:
        two = rnd.sample(cols, 2)
        key = rnd.choice(["id", "id", "x"] if t == "a" else ["id"])
        return names, (
            f"INSERT INTO {t}{' AS ' + q if alias else ''} ({', '.join(two)}) VALUES ({val()}, {val()}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {two[1]} = excluded.{two[1]} "
            f"RETURNING {rnd.choice(['id', q + '.id'])}"
        )
    if k < 0.87:
        nm = rnd.choice([*names, "id", "x", "y", "w", "a_id"])
        return names, (
            f"SELECT {nm} AS o, count(*) AS cnt FROM a t JOIN b u ON u.id = t.{rnd.choice(TABLES['a'])} "
            f"GROUP BY {rnd.choice([nm, 'o', '1'])} ORDER BY {rnd.choice([nm, 'o', 'cnt'])}"
        )
    if k < 0.93:
        first = rnd.choice(["id", "x", "wq.x", *names])
        inner = rnd.choice(["wq.id", "id", "a_id", *names])
        return names, (
            f"WITH wq AS (SELECT id, x FROM a) SELECT wq.id FROM wq WHERE {first} = {val()} "
            f"AND EXISTS (SELECT 1 FROM b WHERE b.id = {inner})"
        )
    returning = rnd.choice([*cols, f"{q}.{cols[0]}"])
    return names, f"DELETE FROM {t}{alias} WHERE {rnd.choice(cols)} = {val()} RETURNING {returning}"


def test_plpgsql_statements_agree_with_postgres(pgdrift_make_db) -> None:
    db = pgdrift_make_db(sql=DDL)
    catalog, _ = catalog_from_files([SourceFile("schema.sql", DDL)])
    rnd = random.Random(7)
    mismatches, raised = [], 0
    with db.connect(autocommit=True) as conn:
        for _ in range(400):
            names, stmt = _statement(rnd)
            variables = {v: Variable(v, "integer") for v in names}
            variables["r"] = Variable(
                "r", "record", True, fields=tuple(TABLES["a"]), relation="public.a"
            )
            variables["found"] = Variable("found", "boolean")
            res = resolve(stmt, Env(catalog, variables=variables))
            ours = sorted({f.rule.code for f in res.findings} & ERRORS)
            body = "PERFORM " + stmt.removeprefix("SELECT ") if stmt.startswith("SELECT") else stmt
            if stmt.startswith("WITH"):
                body = f"PERFORM * FROM ({stmt}) sub"
            if "RETURNING" in body:
                body += " INTO v_out"
            decl = "".join(f"{v} int := 1; " for v in names)
            block = (
                f"DO $do$ DECLARE {decl} r record; v_out int; "
                f"BEGIN SELECT * INTO r FROM a LIMIT 1; {body}; END $do$"
            )
            try:
                with conn.transaction():
                    conn.execute(block)
                    raise psycopg.Rollback()
                theirs = None
            except psycopg.Error as err:
                theirs = err.diag.message_primary
                raised += 1
            if bool(ours) != (theirs is not None):
                mismatches.append((names, stmt, ours, theirs))
    assert 80 < raised < 340
    assert mismatches == [], "\n".join(map(repr, mismatches))
