"""``pgdrift diff``: compare ``expected_schema/`` with a live database (PGD2xx, exit 1 on drift)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from pgdrift.cli.base import cli
from pgdrift.cli.output import (
    exit_code,
    fail,
    internal_error,
    open_output,
    report_options,
)
from pgdrift.source import SourceFile

# build_config (cli/check.py) expects these keys; drift commands do not extend rule lists
_NO_EXTEND = {"extend_select": (), "extend_ignore": (), "extend_exclude": ()}


@cli.command("diff")
@click.argument("schema_dir", required=False, type=click.Path(path_type=str))
@click.option(
    "--dsn", help="Database to compare (default: PGDRIFT_DSN, else the libpq PG* environment)."
)
@click.option("--schema", "schemas", multiple=True, help="Only these schemas (repeatable).")
@click.option(
    "--ignore-object",
    "ignore_objects",
    multiple=True,
    help="Skip objects matching this glob (schema, schema.object, schema.table.column).",
)
@click.option(
    "--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@report_options
def diff_command(
    schema_dir: str | None,
    dsn: str | None,
    schemas: tuple[str, ...],
    ignore_objects: tuple[str, ...],
    config_file: Path | None,
    fmt: str | None,
    output: str | None,
    quiet: bool,
    color: bool | None,
    fail_on: str | None,
) -> None:
    """Compare the snapshot (SCHEMA_DIR, default `schema` in [tool.pgdrift] or
    expected_schema/) with the live database, structurally. Exit 1 on drift."""
    from pgdrift.catalog.live import masked, resolve_dsn
    from pgdrift.cli.check import build_config

    overrides: dict[str, Any] = {
        "dsn": dsn,
        "format": fmt,
        "output": output,
        "color": color,
        "fail_on": fail_on,
    }
    config = build_config(config_file, {**overrides, **_NO_EXTEND})
    conninfo = resolve_dsn(config.dsn)
    try:
        code = _diff(config, schema_dir, conninfo, schemas, ignore_objects, quiet)
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # never a traceback (or a password) to the user
        internal_error(masked(exc, conninfo))
    sys.exit(code)


def _diff(
    config: Any,
    schema_dir: str | None,
    conninfo: str,
    schemas: tuple[str, ...],
    ignore_objects: tuple[str, ...],
    quiet: bool,
) -> int:
    from pgdrift.catalog.diff import diff_catalogs
    from pgdrift.catalog.live import catalog_from_live_with_diagnostics
    from pgdrift.catalog.snapshot import BackgroundRead, snapshot_files
    from pgdrift.cli._live import read_live
    from pgdrift.report import render

    directory = Path(schema_dir or config.schema or "expected_schema")
    if not directory.is_dir():
        fail(f"{directory}: no such directory (write one with `pgdrift snapshot`)")
    if not snapshot_files(directory):
        fail(f"{directory}: no *.sql files (write them with `pgdrift snapshot`)")
    background = BackgroundRead(directory)  # parsed while the database is read
    sources: dict[str, SourceFile] = {}
    for path in snapshot_files(directory):
        try:
            sources[str(path)] = SourceFile.read(path)
        except (OSError, UnicodeDecodeError):
            continue  # reported by the snapshot reader as a diagnostic
    chosen = list(schemas or config.snapshot_schemas) or None
    live = read_live(conninfo, chosen)
    actual, live_problems = catalog_from_live_with_diagnostics(live)
    expected, problems = background.result()
    problems = problems + live_problems
    diagnostics = problems + diff_catalogs(
        expected,
        actual,
        sources=sources,
        ignore=tuple(config.drift_ignore) + ignore_objects,
        schemas=chosen,
    )
    diagnostics = [d for d in diagnostics if config.rule_enabled(d.code)]
    objects = len(live.objects)
    summary = (
        f"Compared {len(sources)} snapshot files with {objects} live objects "
        f"({live.queries} queries): {len(diagnostics)} difference"
        + ("" if len(diagnostics) == 1 else "s")
    )
    with open_output(config.output) as stream:
        render(
            diagnostics,
            config.format,
            sources,
            None,
            stream,
            config.color,
            root=config.root,
            summary=summary,
            quiet=quiet,
        )
    return exit_code(diagnostics, config.fail_on)
