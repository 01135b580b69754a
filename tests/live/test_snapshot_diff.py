"""snapshot -> alter the live schema -> diff, against a real Postgres."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from tests.live.conftest import run_sql

from pgdrift.catalog.diff import RULES, diff_catalogs
from pgdrift.catalog.live import catalog_from_live, connect, introspect
from pgdrift.catalog.snapshot import load_script, read_snapshot, snapshot_files
from pgdrift.cli import cli
from pgdrift.rules import load_all


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in snapshot_files(root)}


def _snapshot(dsn: str, out: Path) -> Any:
    result = CliRunner().invoke(cli, ["snapshot", "--dsn", dsn, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result


def test_snapshot_deterministic_stale_removed_and_round_trip(
    varied_db: Any, pgdrift_make_db: Any, tmp_path: Path
) -> None:
    first = tmp_path / "expected_schema"
    _snapshot(varied_db.dsn, first)
    tree = _tree(first)
    assert "app/jobs.sql" in tree and "app/functions/claim_job.sql" in tree
    assert "Mixed%20Case/Events.sql" in tree and "app/job_status.sql" in tree
    assert 'CREATE TABLE "Mixed Case"."Events"' in tree["Mixed%20Case/Events.sql"]
    stale = first / "app" / "dropped_table.sql"
    stale.write_text("CREATE TABLE app.dropped_table (id integer);\n")
    result = _snapshot(varied_db.dsn, first)
    assert "0 written, 1 removed" in result.output
    assert not stale.exists()
    assert _tree(first) == tree  # byte-identical

    # round trip: load the snapshot into an empty database and snapshot that
    copy = pgdrift_make_db(sql=load_script(first))
    second = tmp_path / "again"
    _snapshot(copy.dsn, second)
    # identical, also for `varchar IN (...)` CHECKs, which Postgres prints differently once
    # reloaded (the snapshot writes the reloaded form at once)
    assert _tree(second) == tree
    assert "ANY (ARRAY[('sync'::character varying)::text" in tree["app/jobs.sql"]

    # the reloaded database and the original snapshot: no drift
    result = CliRunner().invoke(cli, ["diff", "--dsn", copy.dsn, str(first)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["diff", "--dsn", varied_db.dsn, str(first)])
    assert result.exit_code == 0, result.output


def test_snapshot_refuses_a_folder_of_migrations(varied_db: Any, tmp_path: Path) -> None:
    migrations = tmp_path / "sql"
    migrations.mkdir()
    (migrations / "001_schema.sql").write_text("CREATE TABLE t (id integer);\n")
    result = CliRunner().invoke(cli, ["snapshot", "--dsn", varied_db.dsn, "-o", str(migrations)])
    assert result.exit_code == 2
    assert "refusing" in result.output
    assert (migrations / "001_schema.sql").is_file()
    assert not (migrations / "app").exists()


def test_diff_reports_each_change_exactly_once(varied_db: Any, tmp_path: Path) -> None:
    snap = tmp_path / "expected_schema"
    _snapshot(varied_db.dsn, snap)
    run_sql(
        varied_db,
        """
        ALTER TABLE public.plain RENAME COLUMN label TO title;
        ALTER TABLE public.plain ADD COLUMN extra integer;
        ALTER TABLE app.accounts DROP COLUMN tags;
        ALTER TABLE app.accounts ALTER COLUMN balance TYPE numeric(14,2);
        DROP INDEX app.jobs_status_idx;
        CREATE OR REPLACE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE app.accounts SET tags = '{}' WHERE id = NEW.account_id;
            RETURN NEW;
        END
        $$;
        """,
    )
    result = CliRunner().invoke(
        cli, ["diff", "--dsn", varied_db.dsn, str(snap), "--format", "json", "--no-color"]
    )
    assert result.exit_code == 1, result.output
    import json

    findings = json.loads(result.stdout)
    got = sorted((f["code"], f["message"]) for f in findings)
    codes = [c for c, _ in got]
    assert codes == ["PGD204", "PGD205", "PGD206", "PGD207", "PGD213", "PGD219"], got
    messages = dict(got)
    assert "app.accounts.tags" in messages["PGD204"]
    assert "public.plain.extra" in messages["PGD205"]
    assert "label was renamed to title" in messages["PGD206"]
    assert "numeric(14,2)" in messages["PGD207"] and "numeric(12,2)" in messages["PGD207"]
    assert "jobs_status_idx" in messages["PGD213"]
    assert "app.touch()" in messages["PGD219"]
    located = {f["code"]: f for f in findings}
    assert located["PGD204"]["filename"].endswith("app/accounts.sql")
    assert located["PGD219"]["filename"].endswith("app/functions/touch.sql")
    index = located["PGD213"]
    line = Path(index["filename"]).read_text().splitlines()[index["location"]["row"] - 1]
    assert line.startswith("CREATE INDEX jobs_status_idx")

    # ignoring by configuration (glob over schema.object / schema.table.column)
    result = CliRunner().invoke(
        cli,
        [
            "diff",
            "--dsn",
            varied_db.dsn,
            str(snap),
            "--ignore-object",
            "public.*",
            "--ignore-object",
            "app.accounts",
            "--ignore-object",
            "app.touch",
            "--ignore-object",
            "app.jobs",
        ],
    )
    assert result.exit_code == 0, result.output


def test_diff_structural_not_textual(varied_db: Any, tmp_path: Path) -> None:
    """Reformatting a snapshot file changes nothing; the catalogs compare equal."""
    snap = tmp_path / "s"
    _snapshot(varied_db.dsn, snap)
    path = snap / "public" / "plain.sql"
    path.write_text(path.read_text().replace("\n    ", "\n\t\t").lower())
    with connect(varied_db.dsn) as conn:
        live = catalog_from_live(introspect(conn))
    assert diff_catalogs(read_snapshot(snap), live) == []


def test_drift_rules_registered_and_documented() -> None:
    registry = load_all()
    for code, (name, severity) in RULES.items():
        rule = registry[code]
        assert (rule.name, rule.severity) == (name, severity)
        assert "## What it does" in rule.doc() and "## Use instead" in rule.doc()


def test_snapshot_files_read_in_plain_path_order(varied_db: Any, tmp_path: Path) -> None:
    """The checker reads expected_schema/ file by file in path order: each file is
    self-contained enough (qualified names, inherited columns written out) that the
    relations come out as in dependency order."""
    from pgdrift.catalog.ddl import catalog_from_files
    from pgdrift.catalog.describe import describe

    snap = tmp_path / "s"
    _snapshot(varied_db.dsn, snap)
    plain, diagnostics = catalog_from_files(snapshot_files(snap))
    assert diagnostics == []

    def columns(cat: Any) -> list[str]:
        return [line for line in describe(cat) if line.startswith(("columns ", "column "))]

    assert columns(plain) == columns(read_snapshot(snap))
