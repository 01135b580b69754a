"""files -> parse -> analysis -> rules -> suppressions -> diagnostics.

The public entry point is :func:`check_paths`; the CLI owns printing and exit codes (and
applies inline suppressions, baselines and per-file ignores afterwards).

Recipe: collect ``*.sql`` in path order; read the ``expected_schema/`` DDL, then apply the
DDL of every file in order (the way migrations run); check every PL/pgSQL / SQL function
body against the final catalog (bodies are resolved when they run), trigger functions once
per table a CREATE TRIGGER attaches them to, and views / file-level DML against the catalog
as it stands at their position. Per-file results are cached (file content + catalog
fingerprint + pgdrift's code); the checks run on every core. See :mod:`pgdrift.checker`.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.sql").write_text(
...     "CREATE TABLE jobs (id int, error_message text);\\n"
...     "UPDATE jobs SET error = 'x';\\n")
>>> result = check_paths([str(folder)], Config(cache=False))
>>> [(d.code, d.span.line, d.span.col, d.help) for d in result.diagnostics]
[('PGD101', 2, 17, 'did you mean "error_message"?')]
"""

from __future__ import annotations

import errno
import fnmatch
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgdrift.config import Config
from pgdrift.diagnostic import Diagnostic
from pgdrift.source import SourceFile


@dataclass
class CheckStats:
    files: int = 0
    functions: int = 0
    views: int = 0
    statements: int = 0
    unanalysed: int = 0
    cached_files: int = 0


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: CheckStats = field(default_factory=CheckStats)
    sources: dict[str, SourceFile] = field(default_factory=dict)


ProgressCallback = Callable[[int, int, str], Any]


def collect_files(paths: list[str] | tuple[str, ...], config: Config) -> list[str]:
    """``*.sql`` under ``paths`` (recursive, sorted within a folder), in the order given,
    without duplicates, honouring ``config.exclude`` and skipping the schema folder.

    Raises ``FileNotFoundError`` for a path that does not exist.
    """
    out: list[str] = []
    seen: set[str] = set()
    schema_dir = os.path.realpath(config.schema) if config.schema else None
    for p in paths:
        if not os.path.exists(p):
            raise FileNotFoundError(errno.ENOENT, "no such file or directory", p)
        if os.path.isdir(p):
            found = sorted(_sql_files(p))
            if schema_dir and os.path.realpath(p) != schema_dir:
                found = [
                    f for f in found if not os.path.realpath(f).startswith(schema_dir + os.sep)
                ]
        else:
            found = [p]
        for f in found:
            key = os.path.realpath(f)
            if key in seen or _excluded(f, config):
                continue
            seen.add(key)
            out.append(f)
    return _without_down_migrations(out)


def _without_down_migrations(files: list[str]) -> list[str]:
    """Migration tools keep each step as ``N_name.up.sql`` + ``N_name.down.sql`` (golang-migrate,
    river, supabase auth…); the down file undoes the step and never runs when migrating up.
    A ``.down.sql`` whose ``.up.sql`` is among the files too is left out."""
    ups = {f[: -len(".up.sql")] for f in files if f.endswith(".up.sql")}
    return [f for f in files if not (f.endswith(".down.sql") and f[: -len(".down.sql")] in ups)]


def _sql_files(folder: str) -> list[str]:
    """``*.sql`` files below ``folder``; hidden folders skipped, symlinked folders not
    followed (no loops)."""
    out: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        out.extend(os.path.join(root, f) for f in files if f.endswith(".sql"))
    return out


def _excluded(path: str, config: Config) -> bool:
    if not config.exclude:
        return False
    rel = Path(path).as_posix().removeprefix("./")
    try:
        rel_root = Path(path).resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        rel_root = rel
    parts = rel.split("/") + rel_root.split("/")
    for pattern in config.exclude:
        pat = pattern.rstrip("/")
        for cand in (rel, rel_root):
            if fnmatch.fnmatchcase(cand, pat) or cand.startswith(pat + "/"):
                return True
        if any(fnmatch.fnmatchcase(part, pat) for part in parts):
            return True
    return False


def check_paths(
    paths: list[str] | tuple[str, ...],
    config: Config | None = None,
    progress: ProgressCallback | None = None,
) -> CheckResult:
    """Check every ``*.sql`` file under ``paths``.

    Args:
        paths: files and folders, in the order their DDL applies.
        config: settings (schema folder, search_path, exclude, select/ignore, cache, jobs).
        progress: optional ``(done, total, label)`` callback.

    Returns:
        A :class:`CheckResult` with diagnostics sorted by file position (select/ignore
        applied; inline suppressions are the CLI's), statistics and the sources read.

    Raises ``OSError`` / ``UnicodeDecodeError`` for a missing or unreadable path.
    """
    from pgdrift.checker import run

    config = config or Config()
    files = collect_files(paths, config)
    sources = [SourceFile.read(f) for f in files]
    result = run(sources, config, progress)
    result.diagnostics = sorted(
        (d for d in result.diagnostics if config.rule_enabled(d.code)), key=lambda d: d.sort_key
    )
    return result
