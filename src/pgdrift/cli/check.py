"""``pgdrift check [PATHS…]``: resolve every table, column and record-field reference.

Settings come from ``[tool.pgdrift]`` in the nearest pyproject.toml (or ``--config``) and
flags override them. Exit codes: 0 clean, 1 findings, 2 usage or internal error.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

import click

from pgdrift.baseline import BaselineError, apply_baseline, write_baseline
from pgdrift.cli.base import cli
from pgdrift.cli.output import (
    EXIT_CLEAN,
    exit_code,
    fail,
    finish,
    internal_error,
    open_output,
    report_options,
    warn,
    write_step_summary,
)
from pgdrift.config import PATH_KEYS, Config, ConfigError, apply_overrides, load_config, suggest_key
from pgdrift.diagnostic import Diagnostic
from pgdrift.report import render, summary_line
from pgdrift.report.progress import Progress
from pgdrift.source import SourceFile


def _codes(values: Sequence[str]) -> tuple[str, ...] | None:
    """``--select PGD1,PGD2 --select PGD9`` -> ("PGD1", "PGD2", "PGD9"); None when not given."""
    if not values:
        return None
    return tuple(c.strip() for v in values for c in v.split(",") if c.strip())


def _list(values: Sequence[str]) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(c.strip() for v in values for c in v.split(",") if c.strip())


def _per_file_ignores(values: Sequence[str]) -> dict[str, list[str]] | None:
    """``--per-file-ignores 'sql/legacy/*:PGD101,PGD102'`` -> {glob: [codes]}."""
    if not values:
        return None
    table: dict[str, list[str]] = {}
    for value in values:
        glob, sep, codes = value.rpartition(":")
        if not sep or not glob or not codes.strip():
            fail(f"--per-file-ignores expects GLOB:CODE[,CODE…], not {value!r}")
        table.setdefault(glob, []).extend(c.strip() for c in codes.split(",") if c.strip())
    return table


def _absolute(value: str | None, base: Path) -> str | None:
    if value is None or "://" in value or value == "-":
        return value
    return str((base / value).resolve()) if not Path(value).is_absolute() else value


def _display(path: Path) -> str:
    """A path relative to the current directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def build_config(config_file: Path | None, overrides: dict[str, Any]) -> Config:
    """Load the configuration and apply flag overrides; paths in the file are relative to
    the file's folder, paths given as flags relative to the current directory."""
    try:
        config = load_config(Path.cwd(), config_file)
    except ConfigError as exc:
        fail(str(exc))
    where = config.config_file or "configuration"
    for key in config.unknown_keys:
        hint = suggest_key(key)
        warn(
            f'unknown key "{key}" in [tool.pgdrift] of {where}'
            + (f' (did you mean "{hint}"?)' if hint else "")
        )
    file_paths: dict[str, Any] = {k: _absolute(getattr(config, k), config.root) for k in PATH_KEYS}
    config = replace(config, **file_paths)
    cwd = Path.cwd()
    for key in PATH_KEYS:
        if overrides.get(key) is not None:
            overrides[key] = _absolute(overrides[key], cwd)
    extend = {k: overrides.pop(k) for k in ("extend_select", "extend_ignore", "extend_exclude")}
    try:
        config = apply_overrides(config, **overrides)
        config = apply_overrides(
            config,
            select=config.select + extend["extend_select"] if extend["extend_select"] else None,
            ignore=config.ignore + extend["extend_ignore"] if extend["extend_ignore"] else None,
            exclude=config.exclude + extend["extend_exclude"] if extend["extend_exclude"] else None,
        )
    except ConfigError as exc:
        fail(str(exc))
    return config


def resolve_paths(paths: Sequence[str], config: Config) -> list[str]:
    """The paths to check: the arguments, or ``paths`` from the configuration (relative to
    its folder). A path that does not exist is a usage error."""
    chosen = list(paths) if paths else [_display(config.root / p) for p in config.paths]
    missing = [p for p in chosen if not os.path.exists(p)]
    if missing:
        source = "" if paths else f" (from `paths` in {config.config_file or 'the defaults'})"
        fail(f"path does not exist: {', '.join(missing)}{source}")
    return chosen


def run_checker(paths: list[str], config: Config, progress: bool) -> Any:
    """:func:`pgdrift.check.check_paths` with a progress display (only on a terminal)."""
    from pgdrift.check import check_paths

    with Progress("checking", enabled=progress) as bar:
        return check_paths(paths, config, progress=bar if bar.enabled else None)


def postprocess(
    diagnostics: Sequence[Diagnostic],
    sources: dict[str, SourceFile],
    config: Config,
    already_suppressed: bool,
) -> list[Diagnostic]:
    """select/ignore/per-file-ignores/exclude, then inline suppressions (PGD901/PGD902)."""
    from pgdrift.suppress import apply_suppressions

    excluded = _excluded_paths(sources, config)
    kept = [
        d
        for d in diagnostics
        if config.rule_enabled_for(d.code, d.span.path if d.span else None)
        and not (d.span is not None and d.span.path in excluded)
    ]
    if not already_suppressed:
        kept = apply_suppressions(
            kept, {p: s for p, s in sources.items() if p not in excluded}, config
        ).diagnostics
        kept = [d for d in kept if config.rule_enabled_for(d.code, d.span.path if d.span else None)]
    return kept


def _excluded_paths(sources: dict[str, SourceFile], config: Config) -> set[str]:
    import fnmatch

    if not config.exclude:
        return set()
    out = set()
    for path in sources:
        rel = Path(path).as_posix().removeprefix("./")
        parts = rel.split("/")
        for pattern in config.exclude:
            pat = pattern.rstrip("/")
            if (
                fnmatch.fnmatchcase(rel, pat)
                or any(fnmatch.fnmatchcase(part, pat) for part in parts)
                or rel.startswith(pat + "/")
            ):
                out.add(path)
    return out


def print_statistics(diagnostics: Sequence[Diagnostic], fmt: str, stream: TextIO) -> None:
    """``--statistics``: one line per rule with its count, most frequent first."""
    import json

    counts = Counter((d.code, d.name) for d in diagnostics)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    if fmt == "json":
        data = [{"code": c, "name": n, "count": k} for (c, n), k in rows]
        stream.write(json.dumps(data, indent=2) + "\n")
        return
    width = max((len(str(k)) for _, k in rows), default=1)
    for (code, name), count in rows:
        stream.write(f"{count:>{width}}\t{code}\t{name}\n")


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml to read [tool.pgdrift] from (default: the nearest one).",
)
@click.option(
    "--select", multiple=True, help="Only these rule codes or prefixes (comma-separated)."
)
@click.option("--extend-select", multiple=True, help="Add codes to the selected ones.")
@click.option("--ignore", multiple=True, help="Skip these rule codes or prefixes.")
@click.option("--extend-ignore", multiple=True, help="Add codes to the ignored ones.")
@click.option("--exclude", multiple=True, help="Skip files matching these globs (replaces).")
@click.option("--extend-exclude", multiple=True, help="Add globs to the excluded ones.")
@click.option("--schema", type=click.Path(path_type=str), help="expected_schema/ directory.")
@click.option("--search-path", multiple=True, help="Schemas for unqualified names (a,b,…).")
@click.option("--dsn", help="Read the schema from this live database (read-only).")
@click.option(
    "--deployed",
    is_flag=True,
    help="With --dsn: check the functions, procedures, views and triggers deployed there.",
)
@click.option("--cache/--no-cache", default=None, help="Serve unchanged files from the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str))
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (0 = one per core).")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=str),
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=str),
    help="Record the current findings in FILE and exit 0.",
)
@click.option(
    "--per-file-ignores",
    multiple=True,
    metavar="GLOB:CODES",
    help="Ignore codes in matching files, e.g. 'sql/legacy/*:PGD101,PGD102' (replaces).",
)
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("--show-config", is_flag=True, help="Print the effective settings and exit.")
@click.option(
    "--no-progress", is_flag=True, help="No progress display (never shown off a terminal)."
)
@report_options
def check_command(
    paths: tuple[str, ...],
    config_file: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    schema: str | None,
    search_path: tuple[str, ...],
    dsn: str | None,
    deployed: bool,
    cache: bool | None,
    cache_dir: str | None,
    jobs: int | None,
    baseline: str | None,
    write_baseline: str | None,
    per_file_ignores: tuple[str, ...],
    statistics: bool,
    show_config: bool,
    no_progress: bool,
    fmt: str | None,
    output: str | None,
    quiet: bool,
    color: bool | None,
    fail_on: str | None,
) -> None:
    """Check SQL files and folders (*.sql, recursive) for wrong table, column and
    record-field references. PATHS default to `paths` in [tool.pgdrift]."""
    try:
        config = build_config(
            config_file,
            {
                "select": _codes(select),
                "ignore": _codes(ignore),
                "exclude": _list(exclude),
                "extend_select": _codes(extend_select) or (),
                "extend_ignore": _codes(extend_ignore) or (),
                "extend_exclude": _list(extend_exclude) or (),
                "schema": schema,
                "search_path": _list(search_path),
                "dsn": dsn,
                "cache": cache,
                "cache_dir": cache_dir,
                "jobs": jobs,
                "baseline": baseline,
                "format": fmt,
                "output": output,
                "color": color,
                "fail_on": fail_on,
                "progress": False if no_progress else None,
                "quiet": True if quiet else None,
                "statistics": True if statistics else None,
                "per_file_ignores": _per_file_ignores(per_file_ignores),
            },
        )
        if show_config:
            click.echo(config.to_toml(), nl=False)
            sys.exit(EXIT_CLEAN)
        if deployed and not config.dsn and not os.environ.get("PGDRIFT_DSN"):
            fail("--deployed needs a database: give --dsn URL (or set PGDRIFT_DSN)")
        code = _check(config, paths, write_baseline, config.statistics, config.quiet, deployed)
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # never a traceback to the user
        internal_error(exc)
    finish(code)


def _check(
    config: Config,
    paths: tuple[str, ...],
    write_baseline_to: str | None,
    statistics: bool,
    quiet: bool,
    deployed: bool = False,
) -> int:
    chosen = list(paths) if deployed else resolve_paths(paths, config)
    try:
        if deployed or config.dsn:
            from pgdrift.cli._live import check_live

            result = check_live(chosen, config, deployed)
        else:
            result = run_checker(chosen, config, config.progress and not quiet)
    except UnicodeDecodeError as exc:
        fail(_decode_error(exc, chosen, config))
    except OSError as exc:
        fail(_read_error(exc))
    sources: dict[str, SourceFile] = dict(getattr(result, "sources", {}) or {})
    diagnostics = postprocess(
        result.diagnostics, sources, config, bool(getattr(result, "suppressions_applied", False))
    )
    if write_baseline_to is not None:
        try:
            n = write_baseline(Path(write_baseline_to), diagnostics, sources, config.root)
        except BaselineError as exc:
            fail(str(exc))
        click.echo(f"pgdrift: wrote {n} finding(s) to baseline {write_baseline_to}", err=True)
        return EXIT_CLEAN
    extra = ""
    if config.baseline is not None:
        try:
            split = apply_baseline(Path(config.baseline), diagnostics, sources, config.root)
        except BaselineError as exc:
            fail(str(exc))
        diagnostics = split.new
        extra = f" ({len(split.baselined)} more in the baseline"
        if split.stale:
            extra += f"; {split.stale} baseline entries no longer occur: rewrite it"
        extra += ")"
    summary = summary_line(result.stats, len(diagnostics), extra)
    if config.format == "github":
        write_step_summary(diagnostics, summary, "pgdrift check")
    with open_output(config.output) as stream:
        if statistics:
            print_statistics(diagnostics, config.format, stream)
        else:
            render(
                diagnostics,
                config.format,
                sources,
                result.stats,
                stream,
                config.color,
                root=config.root,
                summary=summary,
                quiet=quiet,
            )
    return exit_code(diagnostics, config.fail_on)


def _decode_error(exc: UnicodeDecodeError, paths: list[str], config: Config) -> str:
    """Name the file that is not UTF-8 (the exception does not carry it)."""
    where = "a file"
    try:
        from pgdrift.check import collect_files

        for name in collect_files(paths, config):
            try:
                Path(name).read_bytes().decode("utf-8")
            except UnicodeDecodeError as bad:
                exc, where = bad, name
                break
    except (ImportError, OSError):
        pass
    return f"cannot read {where}: not UTF-8 ({exc.reason} at byte {exc.start})"


def _read_error(exc: OSError) -> str:
    name = exc.filename if exc.filename is not None else "a file"
    return f"cannot read {name}: {exc.strerror or exc}"
