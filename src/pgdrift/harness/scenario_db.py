"""A restartable throwaway server with the queue's SQL, for scenario runs and benches.

:class:`ScenarioServer` starts its own server with pgdrift's launcher (never the session's
shared one: scenarios crash and restart it), with ``synchronous_commit = on`` so an
acknowledged COMMIT survives an immediate restart (``fsync`` stays off: the server process
crashes, not the machine). Each scenario gets a fresh clone of the template holding the
SQL (a few milliseconds with ``STRATEGY FILE_COPY``).

>>> with ScenarioServer.start(["sql"]) as ss:  # doctest: +SKIP
...     db = ss.fresh_db()
...     result = run_scenario(scenario, db.dsn, restart=ss.restart)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pgdrift.harness.databases import Database, Databases
from pgdrift.harness.providers import ServerOptions, start_first
from pgdrift.harness.restart import crash_restart
from pgdrift.harness.sqlload import sql_files

SETTINGS = {"synchronous_commit": "on", "max_connections": "200"}


class ScenarioServer:
    """A server pgdrift launched, its databases, and one template per SQL source."""

    def __init__(self, server: Any, sql_paths: Sequence[str | Path]):
        self.server = server
        self.dbs = Databases(server, autocommit=True)
        self.template = self.dbs.template(sql_files(sql_paths))
        self.restarts = 0
        self._last: Database | None = None

    @classmethod
    def start(
        cls, sql_paths: Sequence[str | Path], options: ServerOptions | None = None
    ) -> ScenarioServer:
        base = options or ServerOptions()
        opts = ServerOptions(
            pg_bindir=base.pg_bindir,
            providers=("local", "embedded"),
            cache_dir=base.cache_dir,
            tmpfs=base.tmpfs,
            pg_user=base.pg_user,
            settings={**dict(base.settings), **SETTINGS},
        )
        server, _ = start_first(opts)
        try:
            return cls(server, sql_paths)
        except BaseException:
            server.stop()
            raise

    def with_sql(self, sql_paths: Sequence[str | Path]) -> str:
        """The template name for other SQL (e.g. a mutated copy of ``sql/``)."""
        return self.dbs.template(sql_files(sql_paths))

    def fresh_db(self, template: str | None = None) -> Database:
        """A new database cloned from ``template`` (default: the SQL given at start); the
        previous one is dropped."""
        if self._last is not None:
            with contextlib.suppress(Exception):
                self._last.drop()
        self._last = self.dbs.create(template or self.template)
        return self._last

    def restart(self, on_down: Callable[[], Any] | None = None) -> float:
        """Immediate restart (crash + crash recovery); returns the downtime in seconds.
        ``on_down`` runs when the old server has exited."""
        seconds = crash_restart(self.server, on_down=on_down)
        self.restarts += 1
        admin = self.dbs._admin
        self.dbs._admin = None
        if admin is not None:
            with contextlib.suppress(Exception):
                admin.close()
        return seconds

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.dbs.close()
        self.server.stop()

    def __enter__(self) -> ScenarioServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
