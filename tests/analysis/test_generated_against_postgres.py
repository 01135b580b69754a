"""Differential test on generated statements: resolve() must report a parse-time error
exactly when Postgres' own analysis (PREPARE) rejects the statement."""

from __future__ import annotations

import random

import psycopg

from pgdrift.analysis.env import Env
from pgdrift.analysis.resolve import resolve
from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.source import SourceFile

from .querygen import DDL, generate, generate_dml

PARSE_TIME = {"PGD101", "PGD102", "PGD104", "PGD105", "PGD108", "PGD109", "PGD110"}


def test_generated_statements_agree_with_postgres(pgdrift_make_db) -> None:
    db = pgdrift_make_db(sql=DDL)
    catalog, _ = catalog_from_files([SourceFile("schema.sql", DDL)])
    env = Env(catalog, plpgsql=False)
    rnd = random.Random(20261129)
    mismatches, rejected = [], 0
    with db.connect(autocommit=True) as conn:
        for i in range(600):
            text = generate(rnd) if i % 3 else generate_dml(rnd)
            res = resolve(text, env)
            assert res.unanalysed is None, text
            ours = sorted({f.rule.code for f in res.findings} & PARSE_TIME)
            try:
                conn.execute(f"PREPARE s AS {text}")
                conn.execute("DEALLOCATE s")
                theirs = None
            except psycopg.Error as err:
                theirs = err.diag.message_primary
                rejected += 1
            if bool(ours) != (theirs is not None):
                mismatches.append((text, ours, theirs))
    assert 100 < rejected < 560  # the generator mixes valid and invalid statements
    assert mismatches == [], "\n".join(map(repr, mismatches))
