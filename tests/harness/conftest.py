"""Shared pieces of the harness tests: the two installations this machine has."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgdrift.harness.binaries import PgInstall, embedded_bindir

LOCAL_BINDIR = Path("/usr/lib/postgresql/15/bin")


def _installs() -> dict[str, PgInstall]:
    found: dict[str, PgInstall] = {}
    if LOCAL_BINDIR.is_dir():
        found["pg15-local"] = PgInstall.from_bindir(LOCAL_BINDIR)
    bindir = embedded_bindir()
    if bindir is not None:
        found["pg18-embedded"] = PgInstall.from_bindir(bindir)
    return found


INSTALLS = _installs()


@pytest.fixture(params=sorted(INSTALLS), scope="session")
def install(request: pytest.FixtureRequest) -> PgInstall:
    """Each PostgreSQL installation on this machine (PG 15 local, PG 18 embedded)."""
    return INSTALLS[request.param]


@pytest.fixture(scope="session")
def local_install() -> PgInstall:
    return INSTALLS.get("pg15-local") or next(iter(INSTALLS.values()))
