"""Real code written by others: a queue's shipped migrations check clean.

procrastinate (a PostgreSQL job queue, in the ``test`` extra; also the peer of
bench/queue_throughput.py) ships its schema as ordered SQL migrations with PL/pgSQL functions,
triggers and views. Postgres runs them; pgdrift must report no error on them. The files are
read from the installed package, so no third-party code lives in this repository.
"""

from __future__ import annotations

from importlib import resources

from pgdrift.check import check_paths
from pgdrift.config import Config
from pgdrift.diagnostic import Severity


def test_procrastinate_migrations_check_without_errors() -> None:
    migrations = resources.files("procrastinate") / "sql" / "migrations"
    files = sorted(str(p) for p in migrations.iterdir() if p.name.endswith(".sql"))
    assert len(files) >= 30
    result = check_paths(files, Config(schema=None, cache=False))
    errors = [d for d in result.diagnostics if d.severity is not Severity.INFO]
    assert errors == []
    assert result.stats.functions >= 40
    assert result.stats.statements >= 150
