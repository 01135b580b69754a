"""The pytest plugin, exercised as a user would: a project directory and pytest."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

SCHEMA = "CREATE TABLE t (id int PRIMARY KEY, v text);\n"


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # hypothesis' plugin costs ~1 s per inner session in its terminal summary
    return pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args
    )


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
    result = _run(pytester)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["pgdrift: server from local (*), PostgreSQL 1*", "pgdrift: template SQL sql (1 files)"]
    )
    result.stdout.fnmatch_lines(["pgdrift: provider local, PostgreSQL *; 2 databases created"])


def test_missing_sql_dir_gives_an_empty_template(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        def test_empty(pgdrift_db):
            with pgdrift_db.connect() as conn:
                n = conn.execute(
                    "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                ).fetchone()[0]
            assert n == 0
        """
    )
    result = _run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["pgdrift: template SQL sql (0 files)"])


def test_failing_sql_names_file_and_line(pytester: pytest.Pytester) -> None:
    pytester.mkdir("sql")
    pytester.path.joinpath("sql", "001_schema.sql").write_text(
        SCHEMA + "\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n"
        "  RETURN (SELECT v FROM t WHERE id = 1;\nEND $$;\n"
    )
    pytester.makepyfile(test_user=USES_DB)
    result = _run(pytester)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*pgdrift: loading the project's SQL failed:*",
            '*sql/001_schema.sql:5:39: mismatched parentheses at or near ";"*',
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert "During handling" not in result.stdout.str()


def test_ini_options(pytester: pytest.Pytester) -> None:
    pytester.mkdir("db")
    pytester.path.joinpath("db", "schema.sql").write_text(SCHEMA)
    pytester.makeini(
        """
        [pytest]
        pgdrift_sql = db/schema.sql
        pgdrift_autocommit = on
        pgdrift_server_settings = work_mem=5MB
        """
    )
    pytester.makepyfile(
        test_user="""
        def test_settings(pgdrift_db, pgdrift_server):
            with pgdrift_db.connect() as conn:
                assert conn.autocommit
                assert conn.execute("SHOW work_mem").fetchone() == ("5MB",)
                assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
            assert pgdrift_db.name.startswith("pgdrift_")
            assert pgdrift_db.name in pgdrift_db.dsn
        """
    )
    result = _run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["pgdrift: template SQL db/schema.sql (1 files)"])


def test_flags_override_and_pick_the_embedded_server(pytester: pytest.Pytester) -> None:
    pytester.mkdir("other")
    pytester.path.joinpath("other", "s.sql").write_text("CREATE TABLE u (id int);\n")
    pytester.makeini("[pytest]\npgdrift_sql = nowhere.sql\n")
    pytester.makepyfile(
        test_user="""
        def test_version(pgdrift_db, pgdrift_server):
            assert pgdrift_server.provider == "embedded"
            assert pgdrift_server.version_num >= 180000
            with pgdrift_db.connect() as conn:
                assert conn.execute("SELECT count(*) FROM u").fetchone() == (0,)
        """
    )
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--pgdrift-sql=other", "--pgdrift-providers=embedded"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["pgdrift: server from embedded (*), PostgreSQL 18*"])


def test_tool_pgdrift_paths_from_pyproject(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.pgdrift]\npaths = ["schema"]\n')
    pytester.mkdir("schema")
    pytester.path.joinpath("schema", "a.sql").write_text(SCHEMA)
    pytester.makepyfile(test_user=USES_DB)
    result = _run(pytester)
    result.assert_outcomes(passed=2)


def test_explicit_dsn_server_only_gets_pgdrift_databases(
    pytester: pytest.Pytester, pgdrift_server
) -> None:
    import psycopg

    def names() -> set[str]:
        with psycopg.connect(pgdrift_server.dsn) as conn:
            return {r[0] for r in conn.execute("SELECT datname FROM pg_database")}

    before = names()
    pytester.mkdir("sql")
    pytester.path.joinpath("sql", "001.sql").write_text(SCHEMA)
    pytester.makepyfile(
        test_user=USES_DB
        + """
def test_provider(pgdrift_server):
    assert pgdrift_server.provider == "dsn"
"""
    )
    result = _run(pytester, f"--pgdrift-dsn={pgdrift_server.dsn}")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["pgdrift: server from dsn (*), PostgreSQL 1*"])
    assert names() == before  # everything it created was dropped; nothing else touched
    with psycopg.connect(pgdrift_server.dsn) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)  # and the server still runs


def test_empty_db_and_make_db(pytester: pytest.Pytester) -> None:
    pytester.mkdir("sql")
    pytester.path.joinpath("sql", "001.sql").write_text(SCHEMA)
    pytester.mkdir("extra")
    pytester.path.joinpath("extra", "e.sql").write_text("CREATE TABLE e (id int);\n")
    pytester.makepyfile(
        test_user="""
        import pytest
        from pgdrift.harness.sqlload import SqlLoadError

        def tables(db):
            with db.connect() as conn:
                return {r[0] for r in conn.execute(
                    "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                    " AND relkind = 'r'")}

        def test_empty(pgdrift_empty_db):
            assert tables(pgdrift_empty_db) == set()

        def test_make(pgdrift_make_db):
            assert tables(pgdrift_make_db(["extra"])) == {"e"}
            assert tables(pgdrift_make_db(sql="CREATE TABLE s (id int);")) == {"s"}
            both = pgdrift_make_db(["extra"], sql="CREATE TABLE s2 (id int);", project=True)
            assert tables(both) == {"t", "e", "s2"}
            assert tables(pgdrift_make_db()) == set()
            with pytest.raises(SqlLoadError, match="<sql>:1:15: relation .nope. does not exist"):
                pgdrift_make_db(sql="SELECT 1 FROM nope")
        """
    )
    result = _run(pytester)
    result.assert_outcomes(passed=2)


def test_bad_setting_is_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USES_DB)
    result = _run(pytester, "--pgdrift-providers=podman")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*pgdrift: pgdrift_providers: unknown provider(s) podman*"])
