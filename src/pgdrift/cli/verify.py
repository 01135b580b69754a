"""``pgdrift verify [PATHS…]``: load the files into a throwaway Postgres and have Postgres
itself analyse every embedded statement; findings with the codes, positions and output
formats of ``check``. Exit codes: 0 clean, 1 findings, 2 usage or internal error (also
when no server can be had).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pgdrift.cli.base import cli
from pgdrift.cli.output import exit_code, fail, internal_error, open_output, report_options
from pgdrift.config import Config


@cli.command("verify")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml (or TOML file) to read [tool.pgdrift] from.",
)
@click.option("--select", multiple=True, help="Only these rule codes or prefixes.")
@click.option("--ignore", multiple=True, help="Skip these rule codes or prefixes.")
@click.option(
    "--schema",
    help="Load this schema snapshot folder (expected_schema/) before the files.",
)
@click.option("--search-path", multiple=True, help="Schemas for unqualified names (a,b,…).")
@click.option(
    "--provider",
    "providers",
    help="Server providers to try, in order (dsn,local,embedded,docker).",
)
@click.option("--pg-bindir", help="PostgreSQL bin directory to use first.")
@click.option(
    "--server-dsn",
    help="Create the throwaway database on this server (also PGDRIFT_TEST_DSN); "
    "pgdrift creates and drops only a database it names itself.",
)
@click.option("--no-progress", is_flag=True, help="No progress display.")
@report_options
def verify_command(
    paths: tuple[str, ...],
    config_file: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    schema: str | None,
    search_path: tuple[str, ...],
    providers: str | None,
    pg_bindir: str | None,
    server_dsn: str | None,
    no_progress: bool,
    fmt: str | None,
    output: str | None,
    quiet: bool,
    color: bool | None,
    fail_on: str | None,
) -> None:
    """Load SQL files into a throwaway PostgreSQL server, in order, and have Postgres
    analyse every statement of every function without running it. PATHS default to
    `paths` in [tool.pgdrift]."""
    from pgdrift.cli.check import _codes, _list, build_config, resolve_paths

    try:
        config = build_config(
            config_file,
            {
                "select": _codes(select),
                "ignore": _codes(ignore),
                "extend_select": (),
                "extend_ignore": (),
                "extend_exclude": (),
                "schema": schema,
                "search_path": _list(search_path),
                "format": fmt,
                "output": output,
                "color": color,
                "fail_on": fail_on,
            },
        )
        chosen = resolve_paths(paths, config)
        code = _verify(
            config, chosen, providers, pg_bindir, server_dsn, quiet, no_progress, schema is not None
        )
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # never a traceback to the user
        internal_error(exc)
    sys.exit(code)


def _verify(
    config: Config,
    chosen: list[str],
    providers: str | None,
    pg_bindir: str | None,
    server_dsn: str | None,
    quiet: bool,
    no_progress: bool,
    load_schema: bool = False,
) -> int:
    from pgdrift.cli.check import postprocess
    from pgdrift.harness.providers import NoServerError, ServerOptions, parse_providers
    from pgdrift.report import render, summary_line
    from pgdrift.report.progress import Progress
    from pgdrift.verify import verify_paths

    try:
        opts = ServerOptions(
            dsn=server_dsn, pg_bindir=pg_bindir, providers=parse_providers(providers)
        )
    except ValueError as exc:
        fail(str(exc))
    progress = bool(getattr(config, "progress", None) is not False) and not (quiet or no_progress)
    try:
        with Progress("verifying", enabled=progress) as bar:
            result = verify_paths(
                chosen,
                config,
                server_options=opts,
                progress=bar if bar.enabled else None,
                load_schema=load_schema,
            )  # type: ignore[arg-type]
    except NoServerError as exc:
        fail(str(exc))
    except UnicodeDecodeError as exc:
        fail(f"cannot read a file: not UTF-8 ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        fail(f"cannot read {exc.filename or 'a file'}: {exc.strerror or exc}")
    diagnostics = postprocess(result.diagnostics, result.sources, config, False)  # type: ignore[arg-type]
    stats = result.stats
    extra = f" (verified by {result.server}"
    if stats.failed:
        extra += f"; {stats.failed} of {stats.loaded + stats.failed} statements failed to load"
    extra += ")"
    with open_output(getattr(config, "output", None)) as stream:
        render(
            diagnostics,
            getattr(config, "format", None) or "text",
            result.sources,
            stats,
            stream,
            getattr(config, "color", None),
            root=getattr(config, "root", None),
            summary=summary_line(stats, len(diagnostics), extra),
            quiet=quiet,
        )
    return exit_code(diagnostics, getattr(config, "fail_on", None) or "warning")
