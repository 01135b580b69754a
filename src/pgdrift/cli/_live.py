"""``pgdrift check --dsn URL [--deployed]``: checking against, or checking, a live database.

Helpers for cli/check.py (no command of its own). The live schema is introspected
read-only (catalog/live.py); with ``--deployed`` its objects' canonical DDL (the same text
``pgdrift snapshot`` writes, one source per object, in dependency order) is what gets
checked: every deployed function, procedure, view and trigger body, resolved like files.
Without it the live schema is the catalog the given files are checked against (instead of
``expected_schema/``).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from pgdrift.catalog.live import LiveError, connect, introspect, live_sources, resolve_dsn
from pgdrift.catalog.snapshot import load_script
from pgdrift.cli.output import fail, warn
from pgdrift.config import Config


def read_live(conninfo: str, schemas: list[str] | None) -> Any:
    """Introspect the database (read-only) and close the connection; a connection error
    exits 2 with its one-line message, what could not be read is warned about."""
    try:
        conn = connect(conninfo)
    except LiveError as exc:
        fail(str(exc))
    try:
        live = introspect(conn, schemas)
    finally:
        conn.close()
    for message in live.warnings:
        warn(message)
    return live


def check_live(paths: list[str], config: Config, deployed: bool) -> Any:
    """A CheckResult: the deployed objects (plus ``paths``) with ``deployed``, else
    ``paths`` checked against the live schema."""
    from pgdrift.check import check_paths, collect_files
    from pgdrift.checker import run
    from pgdrift.source import SourceFile

    live = read_live(resolve_dsn(config.dsn), list(config.snapshot_schemas) or None)
    dbname = _dbname(config)
    if deployed:
        sources = live_sources(live, prefix=f"{dbname}:")
        sources += [SourceFile.read(f) for f in collect_files(paths, config)] if paths else []
        return run(sources, replace(config, schema=None))
    with tempfile.TemporaryDirectory(prefix="pgdrift-live-") as tmp:
        script = Path(tmp) / "live_schema.sql"
        script.write_text(load_script(live_sources(live)), encoding="utf-8")
        return check_paths(paths, replace(config, schema=str(script), cache=False))


def _dbname(config: Config) -> str:
    import psycopg

    try:
        params = psycopg.conninfo.conninfo_to_dict(resolve_dsn(config.dsn))
    except psycopg.Error:
        return "live"
    return str(params.get("dbname") or "live")
