"""The project's own schema (sql/): DDL reader vs server, snapshot/diff and --deployed clean."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from tests.catalog.test_ddl_vs_server import _facts

from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.catalog.live import catalog_from_live, connect, introspect
from pgdrift.cli import cli

SQL = sorted((Path(__file__).parents[2] / "sql").glob("*.sql"))


def test_project_schema_drift_free_and_deployed_clean(pgdrift_db: Any, tmp_path: Path) -> None:
    snap = tmp_path / "expected_schema"
    result = CliRunner().invoke(cli, ["snapshot", "--dsn", pgdrift_db.dsn, "-o", str(snap)])
    assert result.exit_code == 0, result.output
    assert (snap / "public" / "chunked_sync_jobs.sql").is_file()
    result = CliRunner().invoke(cli, ["diff", "--dsn", pgdrift_db.dsn, str(snap)])
    assert result.exit_code == 0, result.output
    deployed = CliRunner().invoke(
        cli, ["check", "--no-cache", "--format", "json", "--dsn", pgdrift_db.dsn, "--deployed"]
    )
    offline = CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", *map(str, SQL)])
    # the deployed bodies (pg_get_functiondef text) get exactly the findings the files get
    found_deployed = sorted((f["code"], f["message"]) for f in json.loads(deployed.stdout))
    found_offline = sorted((f["code"], f["message"]) for f in json.loads(offline.stdout))
    assert found_deployed == found_offline, deployed.output
    assert deployed.exit_code == offline.exit_code

    from_files, diagnostics = catalog_from_files(SQL)
    assert diagnostics == []
    with connect(pgdrift_db.dsn) as conn:
        from_server = catalog_from_live(introspect(conn))
    ours = {f for f in _facts(from_files) if "volatility=" not in f}
    theirs = {f for f in _facts(from_server) if "volatility=" not in f}
    assert sorted(ours - theirs) == sorted(theirs - ours) == []
