"""Throwaway Postgres, side by side: pgdrift's launcher vs pytest-postgresql,
testing.postgresql and testcontainers, on the same PostgreSQL binaries, in one run.

Measures
  session start, cold    initdb + start until a connection is accepted
  session start, cached  from an initdb'ed copy (pgdrift, testing.postgresql's
                         cache_initialized_db); pytest-postgresql has no cache
  per test               what each tool does for one test: pgdrift and pytest-postgresql
                         clone a template database, connect, close, drop it;
                         testing.postgresql starts a server from its cache and stops it
                         (its documented per-test pattern)
Storage: each tool's default place (disk for the peers) and /dev/shm for all, so that
the comparison on the same storage is there too.

Usage:
    python bench/throwaway.py [--n 30] [--deps DIR] [--bindir /usr/lib/postgresql/15/bin]

The peers refuse to run as root; as root they run as the ``postgres`` user in a
subprocess. Install them for the bench only, e.g.
``pip install --target /tmp/pgdrift-bench-deps pytest-postgresql testing.postgresql``
and pass ``--deps /tmp/pgdrift-bench-deps`` (or install them in the environment).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import site
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = """
CREATE TABLE jobs (id bigserial PRIMARY KEY, account text NOT NULL, status text NOT NULL
    DEFAULT 'pending', created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE chunks (id bigserial PRIMARY KEY, job_id bigint REFERENCES jobs, idx int,
    status text, UNIQUE (job_id, idx));
CREATE INDEX ON chunks (status);
CREATE FUNCTION claim() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v bigint; BEGIN
  SELECT id INTO v FROM chunks WHERE status = 'pending' ORDER BY id LIMIT 1
    FOR UPDATE SKIP LOCKED;
  UPDATE chunks SET status = 'running' WHERE id = v; RETURN v; END $$;
"""


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered),
        "p90": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))],
        "n": len(ordered),
    }


# -- the peers (run in a subprocess as an unprivileged user) --------------------------


def _peer_pytest_postgresql(bindir: Path, storage: str, n: int) -> dict[str, Any]:
    import port_for
    import psycopg
    from pytest_postgresql.executors.proc import PostgreSQLExecutor
    from pytest_postgresql.janitor import DatabaseJanitor

    base = Path(tempfile.mkdtemp(dir="/dev/shm" if storage == "shm" else None))
    port = port_for.select_random()
    ex = PostgreSQLExecutor(
        executable=str(bindir / "pg_ctl"),
        host="127.0.0.1",
        port=port,
        datadir=str(base / "data"),
        unixsocketdir=str(base),
        logfile=str(base / "log"),
        startparams="-w",
        dbname="tests",
    )
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    ex.start()
    out["cold"] = [time.perf_counter() - t0]
    kw = {"user": ex.user, "host": ex.host, "port": ex.port, "password": None}
    tpl = DatabaseJanitor(dbname=ex.template_dbname, as_template=True, **kw)
    tpl.init()
    with psycopg.connect(dbname=ex.template_dbname, autocommit=True, **kw) as conn:
        conn.execute(SCHEMA)
    per: list[float] = []
    for _ in range(n):
        t = time.perf_counter()
        with DatabaseJanitor(dbname="tests", template_dbname=ex.template_dbname, **kw):
            psycopg.connect(dbname="tests", **kw).close()
        per.append(time.perf_counter() - t)
    out["per_test"] = per
    ex.stop()
    shutil.rmtree(base, ignore_errors=True)
    return out


def _peer_testing_postgresql(bindir: Path, storage: str, n: int) -> dict[str, Any]:
    import testing.postgresql as tp

    # its temporary directories follow TMPDIR, which _run_peer sets to /dev/shm for "shm"
    progs = {"initdb": str(bindir / "initdb"), "postgres": str(bindir / "postgres")}
    out: dict[str, Any] = {"tmpdir": tempfile.gettempdir()}
    t0 = time.perf_counter()
    pg = tp.Postgresql(**progs)
    out["cold"] = [time.perf_counter() - t0]
    pg.stop()
    factory = tp.PostgresqlFactory(cache_initialized_db=True, **progs)
    per: list[float] = []
    starts: list[float] = []
    for _ in range(n):
        t = time.perf_counter()
        inst = factory()
        starts.append(time.perf_counter() - t)
        inst.stop()
        per.append(time.perf_counter() - t)
    factory.clear_cache()
    out["cached"] = starts
    out["per_test"] = per
    return out


def _peer_main(args: argparse.Namespace) -> None:
    if args.deps:
        site.addsitedir(args.deps)  # appended: the environment's own packages win
    fn = {
        "pytest-postgresql": _peer_pytest_postgresql,
        "testing.postgresql": _peer_testing_postgresql,
    }
    try:
        result = fn[args.peer](Path(args.bindir), args.storage, args.n)
    except ImportError as exc:
        result = {"error": f"not installed ({exc.name})"}
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result))


def _peer_python() -> str:
    """An interpreter the postgres user can run (the venv's may live under /root)."""
    if os.geteuid() != 0:
        return sys.executable
    from pgdrift.harness.runas import run_as_user, unreachable_parent

    user = run_as_user()
    for exe in (sys.executable, "/usr/bin/python3", shutil.which("python3") or ""):
        if exe and unreachable_parent(Path(os.path.realpath(exe)), user) is None:
            return exe
    return sys.executable


def _run_peer(peer: str, storage: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [_peer_python(), __file__, "--peer", peer, "--storage", storage, "--n", str(args.n)]
    cmd += ["--bindir", str(args.bindir)] + (["--deps", args.deps] if args.deps else [])
    kw: dict[str, Any] = {}
    if os.geteuid() == 0:
        kw = {"user": "postgres", "group": "postgres", "extra_groups": []}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["HOME"] = "/tmp"
    env["TMPDIR"] = "/dev/shm" if storage == "shm" else "/tmp"
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/tmp", env=env, **kw)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (proc.stderr or proc.stdout).strip()[-400:]}


# -- pgdrift ---------------------------------------------------------------------------


def _pgdrift(bindir: Path, storage: str, n: int) -> dict[str, Any]:
    from pgdrift.harness.binaries import PgInstall
    from pgdrift.harness.databases import Databases
    from pgdrift.harness.launcher import start_server

    install = PgInstall.from_bindir(bindir)
    tmpfs = "on" if storage == "shm" else "off"
    out: dict[str, Any] = {}
    cold_cache = Path(tempfile.mkdtemp(prefix="pgdrift-bench-cache-", dir="/var/tmp"))
    os.chmod(cold_cache, 0o755)
    try:
        t0 = time.perf_counter()
        server = start_server(install, cache_dir=cold_cache, tmpfs=tmpfs)
        _connect_once(server.dsn)
        out["cold"] = [time.perf_counter() - t0]
        server.stop()
        cached: list[float] = []
        for _ in range(max(5, n // 3)):
            t = time.perf_counter()
            server = start_server(install, cache_dir=cold_cache, tmpfs=tmpfs)
            _connect_once(server.dsn)
            cached.append(time.perf_counter() - t)
            server.stop()
        out["cached"] = cached
        server = start_server(install, cache_dir=cold_cache, tmpfs=tmpfs)
        dbs = Databases(server)
        tpl = dbs.template_from_text(SCHEMA)
        per: list[float] = []
        clone: list[float] = []
        drop: list[float] = []
        for _ in range(n):
            t = time.perf_counter()
            db = dbs.create(tpl)
            t1 = time.perf_counter()
            db.connect().close()
            t2 = time.perf_counter()
            db.drop()
            t3 = time.perf_counter()
            per.append(t3 - t)
            clone.append(t1 - t)
            drop.append(t3 - t2)
        out["per_test_sync"] = per
        out["clone"] = clone
        out["drop"] = drop
        # what the pgdrift_db fixture does: the DROP goes to a background connection
        per_async: list[float] = []
        for _ in range(n):
            t = time.perf_counter()
            db = dbs.create(tpl)
            db.connect().close()
            db.drop(wait=False)
            per_async.append(time.perf_counter() - t)
        t = time.perf_counter()
        dbs.close()  # waits for the queued drops; spread over the tests above
        out["per_test"] = [x + (time.perf_counter() - t) / n for x in per_async]
        server.stop()
    finally:
        shutil.rmtree(cold_cache, ignore_errors=True)
    return out


def _connect_once(dsn: str) -> None:
    import psycopg

    psycopg.connect(dsn).close()


def _testcontainers(n: int) -> dict[str, Any]:
    from pgdrift.harness.providers import ServerOptions, docker_engine_error, start_first

    why = docker_engine_error()
    if why is not None:
        return {"error": why}
    t0 = time.perf_counter()
    server, _ = start_first(ServerOptions(providers=("docker",)))
    out: dict[str, Any] = {"cold": [time.perf_counter() - t0]}
    from pgdrift.harness.databases import Databases

    dbs = Databases(server)
    tpl = dbs.template_from_text(SCHEMA)
    per = []
    for _ in range(n):
        t = time.perf_counter()
        db = dbs.create(tpl)
        db.connect().close()
        db.drop()
        per.append(time.perf_counter() - t)
    out["per_test"] = per
    dbs.close()
    server.stop()
    return out


# -- report ----------------------------------------------------------------------------


def _merge(raw: dict[str, dict[str, Any]], name: str, r: dict[str, Any]) -> None:
    into = raw.setdefault(name, {})
    if "error" in r:
        into.setdefault("error", r["error"])
        return
    for key, value in r.items():
        if isinstance(value, list):
            into.setdefault(key, []).extend(value)


def _summarise(r: dict[str, Any]) -> dict[str, Any]:
    if "error" in r and "per_test" not in r:
        return {"error": r["error"]}
    out: dict[str, Any] = {}
    for key in ("cold", "cached"):
        if key in r:
            out[key] = statistics.median(r[key])
    for key in ("per_test", "per_test_sync", "clone", "drop"):
        if key in r:
            out[key] = _stats(r[key])
    return out


def _row(name: str, r: dict[str, Any]) -> str:
    if "error" in r:
        return f"  {name:<34} {r['error']}"
    cold = _ms(r["cold"]) if "cold" in r else " " * 11
    cached = _ms(r["cached"]) if "cached" in r else "        n/a"
    per = r["per_test"]
    return f"  {name:<34} {cold}   {cached}   {_ms(per['median'])} (p90 {_ms(per['p90']).strip()})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=30, help="per-test iterations per round")
    ap.add_argument("--rounds", type=int, default=3, help="rounds over all tools")
    ap.add_argument("--bindir", default="/usr/lib/postgresql/15/bin")
    ap.add_argument("--deps", default=os.environ.get("PGDRIFT_BENCH_DEPS"))
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    ap.add_argument("--storage", default="disk", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer:
        _peer_main(args)
        return
    if args.deps is None and Path("/tmp/pgdrift-bench-deps").is_dir():
        args.deps = "/tmp/pgdrift-bench-deps"
    from pgdrift.harness.binaries import PgInstall

    install = PgInstall.from_bindir(args.bindir)
    print(
        f"PostgreSQL {install.version} from {install.bindir}; {args.rounds} rounds of "
        f"{args.n} per-test iterations; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores"
    )
    raw: dict[str, dict[str, Any]] = {}
    for _round in range(args.rounds):  # rounds interleave the tools: load spikes hit all
        for storage in ("shm", "disk"):
            _merge(raw, f"pgdrift [{storage}]", _pgdrift(install.bindir, storage, args.n))
            for peer in ("pytest-postgresql", "testing.postgresql"):
                _merge(raw, f"{peer} [{storage}]", _run_peer(peer, storage, args))
    _merge(raw, "testcontainers", _testcontainers(args.n))
    results = {name: _summarise(r) for name, r in raw.items()}
    print(f"\n  {'tool [storage]':<34} {'cold start':>11}   {'cached':>11}   per test")
    for name, r in results.items():
        print(_row(name, r))
    pg = results["pgdrift [shm]"]
    print("\npgdrift details [shm]:")
    print(f"  clone (CREATE DATABASE … TEMPLATE … FILE_COPY) median {_ms(pg['clone']['median'])}")
    print(f"  drop (DROP DATABASE … WITH (FORCE))             median {_ms(pg['drop']['median'])}")
    print(
        "  per test with the drop waited for (not what the fixture does)"
        f" median {_ms(pg['per_test_sync']['median'])}"
    )
    print(
        "  per test as the pgdrift_db fixture does it (drop on a background connection,"
        " its wait at the end spread over the tests)"
    )
    print("\nratios (per test, same storage):")
    for storage in ("shm", "disk"):
        ours = results[f"pgdrift [{storage}]"]["per_test"]["median"]
        for peer in ("pytest-postgresql", "testing.postgresql"):
            other = results[f"{peer} [{storage}]"]
            if "error" not in other:
                ratio = other["per_test"]["median"] / ours
                sync = results[f"pgdrift [{storage}]"]["per_test_sync"]["median"]
                print(
                    f"  [{storage}] {peer:<20} / pgdrift = {ratio:5.1f}x"
                    f"   (with pgdrift waiting for each drop: {other['per_test']['median'] / sync:4.1f}x)"
                )
    print("\ntargets:")
    ppg = results["pytest-postgresql [shm]"]
    checks = [
        ("ready from cache <= 0.2 s", pg["cached"], pg["cached"] <= 0.2),
        ("clone <= 30 ms on tmpfs", pg["clone"]["median"], pg["clone"]["median"] <= 0.030),
    ]
    for label, value, ok in checks:
        print(f"  {label:<40} {_ms(value)}  {'met' if ok else 'MISSED'}")
    for storage in ("shm", "disk"):
        other = results[f"pytest-postgresql [{storage}]"]
        if "error" in other:
            print(f"  >= 2x faster per test than pytest-postgresql: {other['error']}")
            continue
        ratio = other["per_test"]["median"] / results[f"pgdrift [{storage}]"]["per_test"]["median"]
        verdict = "met" if ratio >= 2 else "MISSED"
        print(
            f"  >= 2x faster per test than pytest-postgresql [{storage}]   {ratio:5.1f}x  {verdict}"
        )
    with contextlib.suppress(KeyError):
        del ppg


if __name__ == "__main__":
    main()
