"""Snapshot and diff speed on a large schema, side by side with ``pg_dump --schema-only``.

A throwaway PG server (pgdrift's harness) gets a database with N tables (each with a
primary key, a CHECK, a default, an index; every 10th with a view) and M PL/pgSQL / SQL
functions. Then, in one run:

  pg_dump -s        the peer: one schema-only dump of the same database (text to /dev/null)
  snapshot          introspect (bulk queries) + render + write expected_schema/
  snapshot again    the same, files unchanged (nothing rewritten)
  diff              read expected_schema/ (DDL reader) + introspect + structural diff
  queries           catalog queries pgdrift sends per introspection (it counts its own
                    statements; each runs under a savepoint, one extra round trip pair)

Usage: python bench/snapshot_speed.py [--tables 500] [--functions 2000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from pgdrift.catalog.diff import diff_catalogs
from pgdrift.catalog.live import catalog_from_live, connect, introspect
from pgdrift.catalog.snapshot import BackgroundRead, read_snapshot, write_snapshot
from pgdrift.harness.providers import ServerOptions, start_first


def _schema_sql(tables: int, functions: int) -> str:
    parts = ["CREATE TYPE public.state AS ENUM ('new', 'done', 'failed');"]
    for i in range(tables):
        parts.append(
            f"CREATE TABLE public.t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            f" name text NOT NULL DEFAULT 'x', amount numeric(12,2) CHECK (amount >= 0),"
            f" state public.state NOT NULL DEFAULT 'new', ref_id bigint, payload jsonb,"
            f" created_at timestamptz NOT NULL DEFAULT now());"
            f"CREATE INDEX t{i}_state_idx ON public.t{i} (state, created_at);"
        )
        if i % 10 == 0:
            parts.append(f"CREATE VIEW public.v{i} AS SELECT id, name, state FROM public.t{i};")
    for j in range(functions):
        t = j % tables
        if j % 2:
            parts.append(
                f"CREATE FUNCTION public.f{j}(p_id bigint) RETURNS text LANGUAGE sql STABLE"
                f" AS $$ SELECT name FROM public.t{t} WHERE id = p_id $$;"
            )
        else:
            parts.append(
                f"CREATE FUNCTION public.f{j}(p_id bigint, p_state public.state DEFAULT 'done')"
                f" RETURNS integer LANGUAGE plpgsql AS $$\nDECLARE\n  r public.t{t}%ROWTYPE;\n"
                f"BEGIN\n  SELECT * INTO r FROM public.t{t} WHERE id = p_id FOR UPDATE;\n"
                f"  IF NOT FOUND THEN RETURN 0; END IF;\n"
                f"  UPDATE public.t{t} SET state = p_state, amount = r.amount + 1"
                f" WHERE id = r.id;\n  RETURN 1;\nEND\n$$;"
            )
    return "\n".join(parts)


def _timed(fn, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=500)
    ap.add_argument("--functions", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    server, _passed_over = start_first(ServerOptions())
    try:
        admin = server.dsn_for("postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS pgdrift_bench")
            conn.execute("CREATE DATABASE pgdrift_bench")
        dsn = server.dsn_for("pgdrift_bench")
        started = time.perf_counter()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(_schema_sql(args.tables, args.functions))
        print(
            f"server: PostgreSQL {server.version}; schema: {args.tables} tables, "
            f"{args.tables // 10} views, {args.functions} functions "
            f"(loaded in {time.perf_counter() - started:.1f} s)"
        )

        params = psycopg.conninfo.conninfo_to_dict(dsn)
        pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
        cmd = [
            pg_dump,
            "--schema-only",
            "-h",
            str(params["host"]),
            "-p",
            str(params["port"]),
            "-U",
            str(params.get("user", "postgres")),
            "-d",
            "pgdrift_bench",
            "-f",
            "/dev/null",
        ]
        t_dump, _ = _timed(lambda: subprocess.run(cmd, check=True), args.repeat)

        out = Path(tempfile.mkdtemp(prefix="pgdrift-bench-"))
        try:

            def snapshot() -> object:
                with connect(dsn) as conn:
                    live = introspect(conn)
                write_snapshot(live, out / "expected_schema")
                return live

            t_snap, _live = _timed(snapshot, args.repeat)
            files = len(list((out / "expected_schema").rglob("*.sql")))

            def diff() -> object:
                # what `pgdrift diff` does: the snapshot is read in a forked worker while
                # the database is introspected and its DDL read back
                background = BackgroundRead(out / "expected_schema")
                with connect(dsn) as conn:
                    actual = catalog_from_live(introspect(conn))
                expected, _ = background.result()
                return diff_catalogs(expected, actual)

            def diff_one_core() -> object:
                expected = read_snapshot(out / "expected_schema")
                with connect(dsn) as conn:
                    actual = catalog_from_live(introspect(conn))
                return diff_catalogs(expected, actual)

            t_diff, found = _timed(diff, args.repeat)
            t_diff1, _found = _timed(diff_one_core, args.repeat)
            with connect(dsn) as conn:
                t_intro, live2 = _timed(lambda: introspect(conn), args.repeat)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        queries = live2.queries  # type: ignore[attr-defined]
        objects = len(live2.objects)  # type: ignore[attr-defined]
        print(f"objects: {objects}, snapshot files: {files}; best of {args.repeat}")
        print(f"  pg_dump --schema-only (peer)    {t_dump:7.3f} s")
        print(
            f"  pgdrift introspection only      {t_intro:7.3f} s   "
            f"({queries} queries incl. 1 version query, "
            f"+1 savepoint round trip pair each)"
        )
        print(
            f"  pgdrift snapshot (write files)  {t_snap:7.3f} s   "
            f"ratio vs pg_dump: {t_snap / t_dump:.2f}x"
        )
        print(
            f"  pgdrift diff (snapshot read in a worker) {t_diff:7.3f} s   "
            f"ratio vs pg_dump: {t_diff / t_dump:.2f}x; differences: {len(found)}"
        )  # type: ignore[arg-type]
        print(
            f"  pgdrift diff, one process       {t_diff1:7.3f} s   "
            f"ratio vs pg_dump: {t_diff1 / t_dump:.2f}x"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
