"""The pytest plugin, exercised as a user would: a project directory and pytest."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

SCHEMA = "CREATE TABLE t (id int PRIMARY KEY, v text);\n"

USES_DB = """
def test_insert(pgdrift_db):
    with pgdrift_db.connect(autocommit=True) as conn:
        conn.execute("INSERT INTO t VALUES (1, 'x')")
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1

def test_isolated(pgdrift_db):
    with pgdrift_db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0
"""


def test_zero_configuration_project_with_sql_dir(pytester: pytest.Pytester) -> None:
    pytester.mkdir("sql")
    pytester.path.joinpath("sql", "001_schema.sql").write_text(SCHEMA)
    pytester.makepyfile(test_user=USES_DB)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["pgdrift: server from local (*), PostgreSQL 1*", "pgdrift: template SQL sql (1 files)"]
    )
    result.stdout.fnmatch_lines(["pgdrift: provider local, PostgreSQL *; 2 databases created"])
