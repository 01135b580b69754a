"""Live introspection: read a database's schema in a few bulk queries, read-only.

The one module that talks to a live database (snapshot, diff and ``check --dsn`` share it).
The session is read-only by construction: ``default_transaction_read_only = on``, a
``statement_timeout``, ``application_name = 'pgdrift'``, and one ``READ ONLY`` transaction
for every query. It works as a plain role: it reads the system catalogs and the ``pg_get_*``
functions every role may use, and says what it could not read.

Each object is rendered as canonical DDL (what ``pgdrift snapshot`` writes), and the live
:class:`~pgdrift.catalog.model.Catalog` is that DDL read back by the DDL reader, so a
snapshot and the database it came from compare equal by construction.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import psycopg

from pgdrift.catalog import live_queries as q
from pgdrift.catalog.live_render import render_objects
from pgdrift.catalog.model import Catalog
from pgdrift.diagnostic import Diagnostic
from pgdrift.source import SourceFile

DEFAULT_CONNECT_TIMEOUT = 10  # seconds
DEFAULT_STATEMENT_TIMEOUT = 60_000  # milliseconds


class LiveError(Exception):
    """A connection or privilege problem, with a one-line message safe to print (no password)."""


@dataclass(frozen=True, slots=True)
class LiveObject:
    """One object's canonical DDL and where ``snapshot`` writes it (relative path)."""

    schema: str | None
    name: str
    kind: str  # schema | extension | enum | domain | composite type | sequence | table | view | ...
    path: str  # e.g. "public/chunked_sync_jobs.sql"
    ddl: str


@dataclass
class LiveSchema:
    objects: list[LiveObject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    queries: int = 0
    server_version: str = ""
    seconds: float = 0.0


# -- DSN and connection --


def resolve_dsn(dsn: str | None) -> str:
    """``--dsn``, else ``PGDRIFT_DSN``, else "" (libpq reads PGHOST, PGUSER, … itself)."""
    if dsn:
        return dsn
    return os.environ.get("PGDRIFT_DSN", "")


_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?=@)", re.I)
_KV_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|\S+)", re.I)
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)(?P<pw>[^&\s]+)", re.I)


def mask_password(text: str, dsn: str | None = None) -> str:
    """``text`` with every password (URL, key=value, query parameter, or the literal
    password of ``dsn``/``PGPASSWORD``) replaced by ``***``."""
    out = _URL_PASSWORD.sub(lambda m: m.group("head") + "***", text)
    out = _KV_PASSWORD.sub(lambda m: m.group("head") + "***", out)
    out = _QUERY_PASSWORD.sub(lambda m: m.group("head") + "***", out)
    secrets: list[str] = [os.environ.get("PGPASSWORD", "")]
    if dsn:
        with contextlib.suppress(psycopg.Error):
            secrets.append(str(psycopg.conninfo.conninfo_to_dict(dsn).get("password") or ""))
    for secret in secrets:
        if secret and len(secret) >= 3:
            out = out.replace(str(secret), "***")
    return out


def masked(exc: BaseException, dsn: str | None = None) -> Exception:
    """An exception of the same name whose message has every password masked (for the
    CLI's one-line internal-error message)."""
    kind = type(type(exc).__name__, (Exception,), {})
    return kind(mask_password(str(exc), dsn))  # type: ignore[no-any-return]


def _friendly(exc: Exception, dsn: str) -> str:
    raw = str(exc).strip()
    text = mask_password(raw, dsn)
    lowered = text.lower()
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn) if dsn else {}
    except psycopg.Error:
        params = {}
    host = params.get("host") or os.environ.get("PGHOST") or "the default socket"
    port = params.get("port") or os.environ.get("PGPORT") or "5432"
    user = params.get("user") or os.environ.get("PGUSER") or ""
    dbname = params.get("dbname") or os.environ.get("PGDATABASE") or user
    where = f"{host}:{port}" if not str(host).startswith(("/", "the ")) else f"{host} (port {port})"
    if "password authentication failed" in lowered or "authentication failed" in lowered:
        return f"authentication failed for user {user!r} on {where}"
    if "no password supplied" in lowered:
        return f"the server at {where} requires a password for user {user!r}"
    m = re.search(r'database "([^"]+)" does not exist', text)
    if m:
        return f"database {m.group(1)!r} does not exist on {where}"
    m = re.search(r'role "([^"]+)" does not exist', text)
    if m:
        return f"role {m.group(1)!r} does not exist on {where}"
    if "timeout expired" in lowered or "timed out" in lowered:
        return f"could not connect to {where}: timed out"
    if "connection refused" in lowered:
        return f"could not connect to {where}: connection refused"
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return f"could not connect: unknown host {host!r}"
    if "permission denied" in lowered:
        first = text.splitlines()[0]
        return f"permission denied: {first}"
    if (
        "invalid dsn" in lowered
        or 'missing "="' in lowered
        or "invalid connection option" in lowered
    ):
        return f"invalid connection string: {text.splitlines()[0]}"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    detail = lines[-1] if lines else type(exc).__name__
    return f"could not connect to {where}: {detail}" if dbname is not None else detail


def connect(
    dsn: str | None = None,
    *,
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT,
    statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT,
) -> psycopg.Connection[Any]:
    """A read-only session: raises :class:`LiveError` with a one-line, password-free message."""
    conninfo = resolve_dsn(dsn)
    kwargs: dict[str, Any] = {"application_name": "pgdrift", "autocommit": True}
    try:
        given = psycopg.conninfo.conninfo_to_dict(conninfo) if conninfo else {}
    except psycopg.Error as exc:
        raise LiveError(f"invalid connection string: {mask_password(str(exc), conninfo)}") from None
    if "connect_timeout" not in given and not os.environ.get("PGCONNECT_TIMEOUT"):
        kwargs["connect_timeout"] = connect_timeout
    try:
        conn = psycopg.connect(conninfo, **kwargs)
    except (psycopg.Error, OSError) as exc:
        raise LiveError(_friendly(exc, conninfo)) from None
    except Exception as exc:  # e.g. psycopg.ProgrammingError for a malformed DSN
        raise LiveError(f"invalid connection string: {mask_password(str(exc), conninfo)}") from None
    try:
        conn.execute(
            "SET default_transaction_read_only = on;"
            f" SET statement_timeout = {int(statement_timeout_ms)};"
            " SET application_name = 'pgdrift';"
            " SET search_path = pg_catalog;"
            " SET lock_timeout = 5000"
        )
    except psycopg.Error as exc:
        conn.close()
        raise LiveError(_friendly(exc, conninfo)) from None
    return conn


# -- introspection --


class _Reader:
    """Runs the bulk queries in one read-only transaction, counting them."""

    def __init__(self, conn: psycopg.Connection[Any], schemas: list[str] | None) -> None:
        self.conn = conn
        self.params = {"schemas": schemas}
        self.queries = 0
        self.warnings: list[str] = []

    def rows(self, label: str, sql: str) -> list[tuple[Any, ...]]:
        self.queries += 1
        try:
            with self.conn.transaction():  # a savepoint: one failure does not end the rest
                return self.conn.execute(sql, self.params).fetchall()
        except psycopg.errors.InsufficientPrivilege as exc:
            self.warnings.append(f"could not read {label}: {str(exc).splitlines()[0]}")
        except psycopg.errors.QueryCanceled:
            self.warnings.append(f"could not read {label}: statement timeout")
        except psycopg.Error as exc:
            self.warnings.append(f"could not read {label}: {str(exc).splitlines()[0]}")
        return []


def introspect(
    conn: psycopg.Connection[Any], schemas: list[str] | tuple[str, ...] | None = None
) -> LiveSchema:
    """Every object of ``schemas`` (default: all non-system schemas) as canonical DDL."""
    started = time.perf_counter()
    reader = _Reader(conn, list(schemas) if schemas else None)
    result = LiveSchema()
    reader.queries += 1
    row = conn.execute("SELECT current_setting('server_version')").fetchone()
    result.server_version = str(row[0]) if row else ""
    data: dict[str, list[tuple[Any, ...]]] = {}
    triggers_sql = q.TRIGGERS
    if conn.info.server_version < 130000:
        triggers_sql = triggers_sql.replace(q.TRIGGER_PARENT_CLAUSE, "")
    multirange = q.RANGE_MULTIRANGE if conn.info.server_version >= 140000 else "NULL"
    ranges_sql = q.RANGES.replace("MULTIRANGE", multirange)
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for label, sql in (
            ("schemas", q.SCHEMAS),
            ("extensions", q.EXTENSIONS),
            ("enums", q.ENUMS),
            ("domains", q.DOMAINS),
            ("ranges", ranges_sql),
            ("relations", q.RELATIONS),
            ("columns", q.COLUMNS),
            ("constraints", q.CONSTRAINTS),
            ("indexes", q.INDEXES),
            ("sequences", q.SEQUENCES),
            ("functions", q.FUNCTIONS),
            ("aggregates", q.AGGREGATES),
            ("triggers", triggers_sql),
        ):
            data[label] = reader.rows(label, sql)
    for name, usable in data["schemas"]:
        if not usable:
            reader.warnings.append(
                f"no USAGE privilege on schema {name}: its objects are listed from the "
                "system catalogs only"
            )
    if schemas:
        found = {r[0] for r in data["schemas"]}
        for s in schemas:
            if s not in found:
                reader.warnings.append(f"schema {s} does not exist")
    result.objects = render_objects(data)
    result.warnings = reader.warnings
    result.queries = reader.queries
    result.seconds = time.perf_counter() - started
    return result


def live_sources(schema: LiveSchema, prefix: str = "live:") -> list[SourceFile]:
    """The objects' DDL as source files (``live:public/functions/f.sql``), in load order."""
    from pgdrift.catalog.snapshot import ordered_statements

    files: dict[str, list[str]] = defaultdict(list)
    for obj in schema.objects:
        files[obj.path].append(obj.ddl)
    sources = [SourceFile(prefix + path, "\n".join(parts)) for path, parts in sorted(files.items())]
    # dependency order: each file where its first statement falls in the ordered list
    statements, _ = ordered_statements(sources)
    first: dict[str, int] = {}
    for i, (src, _raw) in enumerate(statements):
        first.setdefault(src.path, i)
    return sorted(sources, key=lambda s: (first.get(s.path, len(statements)), s.path))


def catalog_from_live(schema: LiveSchema, prefix: str = "live:") -> Catalog:
    """The Catalog of an introspected database, with function bodies and definitions."""
    return catalog_from_live_with_diagnostics(schema, prefix)[0]


def catalog_from_live_with_diagnostics(
    schema: LiveSchema, prefix: str = "live:"
) -> tuple[Catalog, list[Diagnostic]]:
    """:func:`catalog_from_live` and the diagnostics of reading the DDL back (a definition
    the DDL reader cannot parse, e.g. syntax newer than pglast's grammar, is one)."""
    from pgdrift.catalog.snapshot import catalog_from_ordered

    return catalog_from_ordered(live_sources(schema, prefix))


def live_catalog(
    dsn: str | None = None, schemas: list[str] | tuple[str, ...] | None = None
) -> tuple[Catalog, LiveSchema]:
    """Connect (read-only), introspect and return the live Catalog and the raw result.

    Raises :class:`LiveError` (one line, no password) on connection problems."""
    conn = connect(dsn)
    try:
        schema = introspect(conn, schemas)
    except psycopg.Error as exc:
        raise LiveError(_friendly(exc, resolve_dsn(dsn))) from None
    finally:
        conn.close()
    return catalog_from_live(schema), schema
