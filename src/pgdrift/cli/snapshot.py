"""``pgdrift snapshot``: write the live schema to ``expected_schema/`` (one file per object)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pgdrift.cli.base import cli
from pgdrift.cli.output import EXIT_CLEAN, fail, internal_error


def _masked_internal_error(exc: BaseException, dsn: str) -> None:
    from pgdrift.catalog.live import masked

    internal_error(masked(exc, dsn))


# build_config (cli/check.py) expects these keys; drift commands do not extend rule lists
_NO_EXTEND = {"extend_select": (), "extend_ignore": (), "extend_exclude": ()}


@cli.command("snapshot")
@click.option(
    "--dsn", help="Database to read (default: PGDRIFT_DSN, else the libpq PG* environment)."
)
@click.option(
    "--output",
    "-o",
    "out_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Directory to write (default: `schema` in [tool.pgdrift], else expected_schema/).",
)
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    help="Only these schemas (repeatable; default: all non-system).",
)
@click.option(
    "--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@click.option(
    "--force",
    is_flag=True,
    help="Write into a directory with *.sql files pgdrift did not write (they may be removed).",
)
def snapshot_command(
    dsn: str | None,
    out_dir: str | None,
    schemas: tuple[str, ...],
    config_file: Path | None,
    quiet: bool,
    force: bool,
) -> None:
    """Write the live database's schema as canonical SQL DDL, one file per object
    (expected_schema/<schema>/<object>.sql). Read-only; files of dropped objects are removed."""
    from pgdrift.catalog.live import resolve_dsn
    from pgdrift.catalog.snapshot import SnapshotDirError, write_snapshot
    from pgdrift.cli._live import read_live
    from pgdrift.cli.check import build_config

    config = build_config(config_file, {"dsn": dsn, **_NO_EXTEND})
    conninfo = resolve_dsn(config.dsn)
    try:
        target = Path(out_dir or config.schema or "expected_schema")
        live = read_live(conninfo, list(schemas or config.snapshot_schemas) or None)
        try:
            changed, removed = write_snapshot(live, target, force=force)
        except SnapshotDirError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write {target}: {exc.strerror or exc}")
        if not quiet:
            files = len({o.path for o in live.objects})
            click.echo(
                f"pgdrift: snapshot of {len(live.objects)} objects in {files} files under "
                f"{target} ({len(changed)} written, {len(removed)} removed; "
                f"{live.queries} queries, {live.seconds:.2f} s)",
                err=True,
            )
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # never a traceback (or a password) to the user
        _masked_internal_error(exc, conninfo)
    sys.exit(EXIT_CLEAN)
