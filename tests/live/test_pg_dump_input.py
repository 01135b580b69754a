"""The DDL reader on ``pg_dump --schema-only`` output (ALTER TABLE ONLY … ADD CONSTRAINT,
identity added by ALTER, ATTACH PARTITION, set_config search_path …) gives the catalog the
server has."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import psycopg
from tests.catalog.test_ddl_vs_server import _facts

from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.catalog.live import catalog_from_live, connect, introspect
from pgdrift.source import SourceFile


def _pg_dump(server: Any) -> str:
    found = shutil.which("pg_dump")
    install = getattr(server, "install", None)
    if install is not None:
        found = str(Path(install.bindir) / "pg_dump")
    return found or "pg_dump"


def test_pg_dump_schema_only_reads_like_the_server(varied_db: Any) -> None:
    params = psycopg.conninfo.conninfo_to_dict(varied_db.dsn)
    cmd = [
        _pg_dump(varied_db.server),
        "--schema-only",
        "--no-owner",
        "--no-privileges",
        "-h",
        str(params["host"]),
        "-p",
        str(params["port"]),
        "-U",
        str(params.get("user", "postgres")),
        "-d",
        str(params["dbname"]),
    ]
    dump = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    from_dump, diagnostics = catalog_from_files([SourceFile("dump.sql", dump)])
    assert [d for d in diagnostics if d.code == "PGD001"] == []
    with connect(varied_db.dsn) as conn:
        from_server = catalog_from_live(introspect(conn))
    ours = {f for f in _facts(from_dump) if "volatility=" not in f}
    theirs = {f for f in _facts(from_server) if "volatility=" not in f}
    assert sorted(ours - theirs) == sorted(theirs - ours) == []
