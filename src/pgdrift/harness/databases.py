"""Per-test databases: a template database per set of SQL files, built once, cloned per
test with ``CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY`` (no STRATEGY before 15),
dropped with ``DROP DATABASE … WITH (FORCE)``.

Every name carries a per-session token and the pytest-xdist worker id, so sessions and
workers sharing one server never collide; pgdrift only ever drops databases it named.

>>> dbs = Databases(server)  # doctest: +SKIP
>>> tpl = dbs.template([Path("sql/001_schema.sql")])  # doctest: +SKIP
>>> db = dbs.create(tpl)  # doctest: +SKIP
>>> with db.connect() as conn: ...  # doctest: +SKIP
>>> db.drop()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pgdrift.harness.providers import Server
from pgdrift.harness.sqlload import files_digest, load_files, load_source
from pgdrift.source import SourceFile

NAME_PREFIX = "pgdrift_"


def worker_id() -> str:
    """``gw0``… under pytest-xdist, else ``main``."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@dataclass
class Database:
    """A database pgdrift created; ``connect()`` opens psycopg connections to it."""

    name: str
    dsn: str
    server: Any
    template: str | None = None
    autocommit: bool = False
    seconds: float = 0.0  # time the clone took
    _owner: Databases | None = field(default=None, repr=False)
    _connections: list[psycopg.Connection] = field(default_factory=list, repr=False)

    def connect(self, autocommit: bool | None = None, **kwargs: Any) -> psycopg.Connection:
        """A new psycopg connection (closed when the database is dropped).
        ``autocommit`` defaults to the ``pgdrift_autocommit`` setting (off)."""
        conn = psycopg.connect(
            self.dsn, autocommit=self.autocommit if autocommit is None else autocommit, **kwargs
        )
        self._connections.append(conn)
        return conn

    def close_connections(self) -> None:
        for conn in self._connections:
            with contextlib.suppress(Exception):
                conn.close()
        self._connections.clear()

    def drop(self, wait: bool = True) -> None:
        """Close the connections made by :meth:`connect` and drop the database; with
        ``wait=False`` the DROP runs on a background connection (the caller goes on)."""
        self.close_connections()
        if self._owner is not None:
            if wait:
                self._owner.drop(self.name)
            else:
                self._owner.drop_later(self.name)


def _settle(conn: psycopg.Connection, name: str, limit: float = 0.05) -> None:
    """Wait (briefly) for the backends of just-closed connections to ``name`` to exit.

    DROP DATABASE finding a backend still attached to the database -- one whose client
    has already disconnected but that has not finished exiting -- sleeps 100 ms before
    looking again; polling first for a few milliseconds avoids that (measured under
    load: 105 ms -> 10 ms per drop). Connections still open are left to WITH (FORCE).
    """
    deadline = time.monotonic() + limit
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
    while True:
        row = conn.execute(query, (name,)).fetchone()
        if not row or row[0] == 0 or time.monotonic() > deadline:
            return
        time.sleep(0.001)


class Databases:
    """Creates, clones and drops the databases of one server for one session."""

    def __init__(self, server: Server, *, autocommit: bool = False, token: str | None = None):
        self.server = server
        self.autocommit = autocommit
        self.prefix = f"{NAME_PREFIX}{token or secrets.token_hex(3)}_{worker_id()}_"
        self._admin: psycopg.Connection | None = None
        self._lock = threading.RLock()
        self._counter = 0
        self._templates: dict[str, str] = {}  # digest -> template name
        self._live: set[str] = set()
        self.created = 0
        self._drops: queue.Queue[str | None] | None = None
        self._dropper: threading.Thread | None = None
        self.drop_errors: list[str] = []

    # -- plumbing --

    @property
    def admin(self) -> psycopg.Connection:
        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.server.dsn_for("postgres"), autocommit=True)
        return self._admin

    def _next_name(self, kind: str = "") -> str:
        with self._lock:
            self._counter += 1
            return f"{self.prefix}{kind}{self._counter}"

    @property
    def _strategy(self) -> sql.Composable:
        return sql.SQL(" STRATEGY FILE_COPY") if self.server.version_num >= 150000 else sql.SQL("")

    def _create(self, name: str, template: str | None) -> None:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        query += self._strategy
        for attempt in range(5):
            try:
                with self._lock:
                    self.admin.execute(query)
                    self._live.add(name)
                return
            except psycopg.errors.ObjectInUse:
                # someone is connected to the template: close them out, then retry
                if attempt == 4 or template is None:
                    raise
                self._terminate(template)
                time.sleep(0.01 * (attempt + 1))

    def _terminate(self, name: str) -> None:
        with self._lock:
            self.admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )

    # -- templates --

    def template(self, files: Sequence[Path], *, display_root: Path | None = None) -> str:
        """The template database holding ``files`` loaded in order (built on first use,
        keyed by the files' content). Raises :class:`SqlLoadError` on a failing statement."""
        digest = files_digest(files)
        with self._lock:
            if digest in self._templates:
                return self._templates[digest]
            name = self._next_name("tpl")
            self._create(name, None)
            try:
                with psycopg.connect(self.server.dsn_for(name), autocommit=True) as conn:
                    load_files(conn, files, display_root=display_root)
            except BaseException:
                self.drop(name)
                raise
            self._seal(name)
            self._templates[digest] = name
            return name

    def template_from_text(self, text: str, path: str = "<sql>") -> str:
        """Like :meth:`template`, from SQL text."""
        key = "text:" + text
        with self._lock:
            if key in self._templates:
                return self._templates[key]
            name = self._next_name("tpl")
            self._create(name, None)
            try:
                with psycopg.connect(self.server.dsn_for(name), autocommit=True) as conn:
                    load_source(conn, SourceFile(path, text))
            except BaseException:
                self.drop(name)
                raise
            self._seal(name)
            self._templates[key] = name
            return name

    def _seal(self, name: str) -> None:
        """No new connections to a template (a connection would make cloning fail)."""
        self._terminate(name)
        with self._lock:
            self.admin.execute(
                sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(
                    sql.Identifier(name)
                )
            )

    # -- per-test databases --

    def create(self, template: str | None = None, *, name: str | None = None) -> Database:
        """A fresh database cloned from ``template`` (None: an empty database)."""
        name = name or self._next_name()
        t0 = time.perf_counter()
        self._create(name, template)
        self.created += 1
        return Database(
            name,
            self.server.dsn_for(name),
            self.server,
            template=template,
            autocommit=self.autocommit,
            seconds=time.perf_counter() - t0,
            _owner=self,
        )

    def drop(self, name: str) -> None:
        """``DROP DATABASE … WITH (FORCE)`` (terminate + drop before 13). Only names this
        object created are dropped."""
        if not name.startswith(self.prefix) and name not in self._live:
            raise ValueError(f"refusing to drop {name!r}: pgdrift did not create it")
        ident = sql.Identifier(name)
        with self._lock:
            _settle(self.admin, name)
            if self.server.version_num >= 130000:
                self.admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            else:
                self._terminate(name)
                self.admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(ident))
            self._live.discard(name)
            for key, value in list(self._templates.items()):
                if value == name:
                    del self._templates[key]

    def drop_later(self, name: str) -> None:
        """Queue ``name`` for dropping on a background connection: a test's teardown
        need not wait for ``DROP DATABASE`` (which checkpoints). :meth:`close` waits."""
        if not name.startswith(self.prefix) and name not in self._live:
            raise ValueError(f"refusing to drop {name!r}: pgdrift did not create it")
        with self._lock:
            if self._dropper is None:
                self._drops = queue.Queue()
                self._dropper = threading.Thread(
                    target=self._drop_loop, name="pgdrift-dropper", daemon=True
                )
                self._dropper.start()
        assert self._drops is not None
        self._drops.put(name)

    def _drop_loop(self) -> None:
        assert self._drops is not None
        conn: psycopg.Connection | None = None
        while True:
            name = self._drops.get()
            if name is None:
                break
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self.server.dsn_for("postgres"), autocommit=True)
                ident = sql.Identifier(name)
                _settle(conn, name)
                if self.server.version_num >= 130000:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
                else:
                    conn.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        (name,),
                    )
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(ident))
                with self._lock:
                    self._live.discard(name)
            except Exception as exc:  # left in _live: close() drops it synchronously
                self.drop_errors.append(f"{name}: {exc}")
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        """Wait for queued drops, drop everything else this object created, and close
        the admin connection."""
        if self._dropper is not None and self._drops is not None:
            self._drops.put(None)
            self._dropper.join(timeout=120)
            self._dropper = None
        with self._lock:
            for name in sorted(self._live):
                with contextlib.suppress(psycopg.Error):
                    self.drop(name)
            if self._admin is not None:
                with contextlib.suppress(Exception):
                    self._admin.close()
                self._admin = None
