"""pytest plugin: throwaway PostgreSQL servers and a fresh database per test.

Registered through the ``pytest11`` entry point, so installing pgdrift is enough. A project
with its schema in ``sql/`` and a test that takes ``pgdrift_db`` works with no
configuration at all::

    def test_insert(pgdrift_db):
        with pgdrift_db.connect(autocommit=True) as conn:
            conn.execute("INSERT INTO sync_jobs (account_id) VALUES ('a')")

Fixtures
--------
``pgdrift_server`` (session)
    The running server: ``.provider`` (``dsn``/``local``/``embedded``/``docker``),
    ``.version`` (``"15.18"``), ``.version_num`` (``150018``), ``.dsn`` (maintenance
    database ``postgres``), ``.dsn_for(dbname)``. pgdrift stops the servers it started.
``pgdrift_db`` (function)
    A fresh database cloned from the template holding the project's SQL: ``.name``,
    ``.dsn``, ``.server``, ``.connect(autocommit=None, **kwargs)`` returning a
    ``psycopg.Connection``. After the test its connections are closed and the database
    is dropped (``DROP DATABASE … WITH (FORCE)``) on a background connection, so the
    next test does not wait for it; the session end waits for every drop.
``pgdrift_empty_db`` (function)
    The same without the project's SQL: an empty database, for tests that load other SQL.
``pgdrift_make_db`` (function)
    A factory: ``pgdrift_make_db(sql_paths=None, sql=None, *, project=False)`` returns a
    new database holding ``project``'s SQL (when true), then the files/directories in
    ``sql_paths``, then the text ``sql``; templates are built once per content and
    cloned. Every database it made is dropped after the test.
``pgdrift_databases`` (session)
    The :class:`~pgdrift.harness.databases.Databases` manager behind them
    (``.create(template)``, ``.template(files)``, ``.drop(name)``).

A failing SQL file fails the tests that need it with ``file:line:col: <Postgres's message>``.

Settings (each an ini option and a flag; the flag wins)
--------------------------------------------------------
=========================  ============================  ====================================
ini option                 flag                          meaning
=========================  ============================  ====================================
``pgdrift_dsn``            ``--pgdrift-dsn``             use this server (also
                                                         ``PGDRIFT_TEST_DSN``; never
                                                         ``DATABASE_URL``)
``pgdrift_providers``      ``--pgdrift-providers``       order/subset of ``dsn,local,
                                                         embedded,docker``
``pgdrift_pg_bindir``      ``--pgdrift-pg-bindir``       PostgreSQL ``bin`` directory (also
                                                         ``PGDRIFT_PG_BINDIR``)
``pgdrift_sql``            ``--pgdrift-sql``             SQL files/dirs for the template
                                                         (default ``[tool.pgdrift] paths``,
                                                         else ``sql/``)
``pgdrift_autocommit``     ``--pgdrift-autocommit``      default of ``connect()`` (off)
``pgdrift_cache_dir``      ``--pgdrift-cache-dir``       initdb cache (``PGDRIFT_CACHE_DIR``)
``pgdrift_tmpfs``          ``--pgdrift-tmpfs``           data dir on /dev/shm: auto/on/off
``pgdrift_pg_user``        ``--pgdrift-pg-user``         unprivileged user when root
``pgdrift_server_settings`` ``--pgdrift-server-setting`` extra ``name=value`` settings
``pgdrift_docker_image``   ``--pgdrift-docker-image``    image for the docker provider
=========================  ============================  ====================================
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgdrift.harness.providers import (
    NoServerError,
    ServerOptions,
    describe_plan,
    parse_providers,
    start_first,
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# (name, help, ini type, multiple)
_SETTINGS: tuple[tuple[str, str, str, bool], ...] = (
    ("dsn", "PostgreSQL server to use (also PGDRIFT_TEST_DSN); pgdrift creates and drops "
     "only databases it names itself", "string", False),
    ("providers", "server providers to try, in order (dsn,local,embedded,docker)", "string",
     False),
    ("pg_bindir", "PostgreSQL bin directory to use first (also PGDRIFT_PG_BINDIR)", "string",
     False),
    ("sql", "SQL files/directories loaded into the template database (default: "
     "[tool.pgdrift] paths, else sql/)", "linelist", True),
    ("autocommit", "default autocommit of pgdrift_db.connect() (on/off; default off)",
     "string", False),
    ("cache_dir", "directory for the initdb cache (also PGDRIFT_CACHE_DIR)", "string", False),
    ("tmpfs", "put data directories on /dev/shm: auto, on or off", "string", False),
    ("pg_user", "unprivileged user running postgres when pytest runs as root", "string", False),
    ("server_settings", "extra server settings, name=value", "linelist", True),
    ("docker_image", "image for the docker (testcontainers) provider", "string", False),
)  # fmt: skip


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pgdrift", "pgdrift throwaway PostgreSQL")
    for name, help_text, ini_type, multiple in _SETTINGS:
        parser.addini(f"pgdrift_{name}", help_text, type=ini_type)  # type: ignore[arg-type]
        flag = "--pgdrift-" + name.replace("_", "-")
        if name == "server_settings":
            flag = "--pgdrift-server-setting"
        group.addoption(
            flag,
            dest=f"pgdrift_{name}",
            action="append" if multiple else "store",
            default=None,
            help=help_text + (" (repeatable)" if multiple else ""),
        )


def _setting(config: pytest.Config, name: str) -> Any:
    """The flag if given, else the ini option, else None."""
    value = config.getoption(f"pgdrift_{name}", None)
    if value not in (None, [], ""):
        return value
    ini = config.getini(f"pgdrift_{name}")
    return ini if ini not in (None, [], "") else None


class UsageError(Exception):
    pass


def _bool(value: Any, name: str) -> bool:
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise UsageError(f"pgdrift_{name}: expected on/off, got {value!r}")


def server_options(config: pytest.Config) -> ServerOptions:
    settings: dict[str, str] = {}
    for item in _setting(config, "server_settings") or ():
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise UsageError(f"pgdrift_server_settings: expected name=value, got {item!r}")
        settings[key.strip()] = value.strip()
    tmpfs = str(_setting(config, "tmpfs") or "auto").lower()
    if tmpfs not in ("auto", "on", "off"):
        raise UsageError(f"pgdrift_tmpfs: expected auto, on or off, got {tmpfs!r}")
    try:
        providers = parse_providers(_setting(config, "providers"))
    except ValueError as exc:
        raise UsageError(f"pgdrift_providers: {exc}") from None
    cache = _setting(config, "cache_dir")
    return ServerOptions(
        dsn=_setting(config, "dsn"),
        pg_bindir=_setting(config, "pg_bindir"),
        providers=providers,
        cache_dir=Path(cache) if cache else None,
        tmpfs=tmpfs,
        pg_user=_setting(config, "pg_user"),
        settings=settings,
        docker_image=_setting(config, "docker_image") or "postgres:16-alpine",
    )


@dataclass
class SqlSource:
    """Where the project's SQL comes from."""

    paths: tuple[str, ...]
    root: Path
    explicit: bool
    exclude: tuple[str, ...] = ()

    def files(self) -> list[Path]:
        from pgdrift.harness.sqlload import missing_paths, sql_files

        missing = missing_paths(self.paths, self.root)
        if missing and self.explicit:
            raise UsageError(f"pgdrift_sql: not found: {', '.join(missing)} (under {self.root})")
        return sql_files(self.paths, root=self.root, exclude=self.exclude)


def sql_source(config: pytest.Config) -> SqlSource:
    flag = config.getoption("pgdrift_sql", None)
    if flag:
        items = [p for v in flag for p in str(v).split(",") if p.strip()]
        return SqlSource(tuple(items), Path(config.invocation_params.dir), True)
    ini = config.getini("pgdrift_sql")
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return SqlSource(tuple(ini), base, True)
    from pgdrift.config import ConfigError, load_config

    try:
        cfg = load_config(config.rootpath)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return SqlSource(tuple(cfg.paths), cfg.root, False, tuple(cfg.exclude))


@dataclass
class _State:
    """What the plugin keeps for one pytest process."""

    server: Any = None
    passed_over: list[tuple[str, str]] = field(default_factory=list)
    databases: Any = None


_STATE = pytest.StashKey[_State]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STATE] = _State()


def pytest_report_header(config: pytest.Config) -> list[str]:
    try:
        opts = server_options(config)
        plan = describe_plan(opts)
    except UsageError as exc:
        plan = f"configuration error: {exc}"
    lines = [f"pgdrift: server from {plan}"]
    try:
        src = sql_source(config)
        files = src.files()
        shown = ", ".join(src.paths) or "-"
        lines.append(f"pgdrift: template SQL {shown} ({len(files)} files)")
    except UsageError as exc:
        lines.append(f"pgdrift: {exc}")
    return lines


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or state.server is None:
        return
    server = state.server
    created = state.databases.created if state.databases is not None else 0
    extra = ""
    if getattr(server, "startup_seconds", 0):
        extra = f", ready in {server.startup_seconds:.3f} s"
    terminalreporter.write_line(
        f"pgdrift: provider {server.provider}, PostgreSQL {server.version}{extra}; "
        f"{created} databases created"
    )


def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def pgdrift_server(pytestconfig: pytest.Config) -> Iterator[Any]:
    """The session's server (started on first use; stopped at the end if pgdrift
    started it)."""
    state = pytestconfig.stash[_STATE]
    problem = ""
    try:
        opts = server_options(pytestconfig)
        server, passed = start_first(opts)
    except (UsageError, NoServerError) as exc:
        problem = f"pgdrift: {exc}"
    if problem:
        _fail(problem)
    state.server, state.passed_over = server, passed
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pgdrift_databases(pgdrift_server: Any, pytestconfig: pytest.Config) -> Iterator[Any]:
    from pgdrift.harness.databases import Databases

    problem = ""
    try:
        autocommit = _bool(_setting(pytestconfig, "autocommit"), "autocommit")
    except UsageError as exc:
        problem = f"pgdrift: {exc}"
    if problem:
        _fail(problem)
    dbs = Databases(pgdrift_server, autocommit=autocommit)
    pytestconfig.stash[_STATE].databases = dbs
    try:
        yield dbs
    finally:
        dbs.close()


def _project_template(dbs: Any, config: pytest.Config) -> str | None:
    from pgdrift.harness.sqlload import SqlLoadError

    problem = ""
    try:
        src = sql_source(config)
        files = src.files()
        if not files:
            return None
        return dbs.template(files, display_root=src.root)
    except UsageError as exc:
        problem = f"pgdrift: {exc}"
    except SqlLoadError as exc:
        problem = f"pgdrift: loading the project's SQL failed:\n{exc}"
    except psycopg.Error as exc:
        problem = f"pgdrift: cannot create the template database: {exc}".strip()
    _fail(problem)  # outside the except block: no chained traceback
    return None


@pytest.fixture(scope="session")
def pgdrift_template(pgdrift_databases: Any, pytestconfig: pytest.Config) -> str | None:
    """Name of the template database holding the project's SQL (None when there is none)."""
    return _project_template(pgdrift_databases, pytestconfig)


def _create(dbs: Any, template: str | None) -> Any:
    problem = ""
    try:
        return dbs.create(template)
    except psycopg.Error as exc:
        problem = f"pgdrift: cannot create a test database: {exc}".strip()
    _fail(problem)


@pytest.fixture
def pgdrift_db(pgdrift_databases: Any, pgdrift_template: str | None) -> Iterator[Any]:
    """A fresh database with the project's SQL, dropped after the test (in the
    background: the next test does not wait for the DROP)."""
    db = _create(pgdrift_databases, pgdrift_template)
    try:
        yield db
    finally:
        db.drop(wait=False)


@pytest.fixture
def pgdrift_empty_db(pgdrift_databases: Any) -> Iterator[Any]:
    """A fresh, empty database (no project SQL), dropped after the test."""
    db = _create(pgdrift_databases, None)
    try:
        yield db
    finally:
        db.drop(wait=False)


@pytest.fixture
def pgdrift_make_db(
    pgdrift_databases: Any, pytestconfig: pytest.Config
) -> Iterator[Callable[..., Any]]:
    """Factory of databases from other SQL; see the module docstring."""
    from pgdrift.harness.sqlload import load_source, sql_files
    from pgdrift.source import SourceFile

    made: list[Any] = []
    dbs = pgdrift_databases

    def make(
        sql_paths: Sequence[str | Path] | None = None,
        sql: str | None = None,
        *,
        project: bool = False,
    ) -> Any:
        files: list[Path] = []
        if project:
            files += sql_source(pytestconfig).files()
        if sql_paths:
            missing = [str(p) for p in sql_paths if not Path(p).exists()]
            if missing:
                raise FileNotFoundError(f"pgdrift_make_db: not found: {', '.join(missing)}")
            files += sql_files(sql_paths)
        template = dbs.template(files) if files else None
        if sql and template is not None:
            # layer the text on a clone of the files' template
            db = dbs.create(template)
            made.append(db)
            with db.connect(autocommit=True) as conn:
                load_source(conn, SourceFile("<sql>", sql))
            return db
        if sql:
            template = dbs.template_from_text(sql)
        db = dbs.create(template)
        made.append(db)
        return db

    try:
        yield make
    finally:
        for db in made:
            with contextlib.suppress(Exception):
                db.drop(wait=False)
