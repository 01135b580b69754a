"""How fast is statement resolution? ``resolve()`` per statement, side by side with Postgres
analysing the same statements (``PREPARE``: parse analysis against the catalog, the work
``resolve()`` replaces), in one run.

    python bench/resolve_speed.py [--n 2000] [--no-postgres]

Statements are generated distinct (no parse cache can help): SELECTs with joins and CTEs,
UPDATE … FROM, INSERT … ON CONFLICT, DELETE … USING, one in 20 with a wrong column. Figures:
resolve() cold (parse + resolution), resolve() with the parse cached (the resolution alone),
and Postgres PREPARE + DEALLOCATE over a Unix socket on a throwaway PG 15 (includes the
client round trip; a server-side figure is printed too, timed inside one DO block).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pgdrift.analysis import resolve as resolve_mod  # noqa: E402
from pgdrift.analysis.env import Env  # noqa: E402
from pgdrift.catalog.ddl import catalog_from_files  # noqa: E402
from pgdrift.source import SourceFile  # noqa: E402

SCHEMA = """
CREATE TABLE jobs (id bigserial PRIMARY KEY, owner text NOT NULL, state text NOT NULL
    DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts int NOT NULL DEFAULT 0, payload jsonb, created_at timestamptz DEFAULT now());
CREATE TABLE chunks (id bigserial PRIMARY KEY, job_id bigint REFERENCES jobs, idx int NOT NULL,
    status text NOT NULL DEFAULT 'pending', worker text, started_at timestamptz,
    done_at timestamptz, error_message text, UNIQUE (job_id, idx));
CREATE TABLE events (id bigserial PRIMARY KEY, chunk_id bigint, kind text, at timestamptz);
"""

TEMPLATES = [
    "SELECT c.id, c.idx, j.owner FROM chunks c JOIN jobs j ON j.id = c.job_id "
    "WHERE c.status = 'pending' AND j.attempts < {n} ORDER BY c.id LIMIT {m} FOR UPDATE SKIP LOCKED",
    "WITH done AS (SELECT job_id, count(*) AS n FROM chunks WHERE status = 'done' "
    "GROUP BY job_id HAVING count(*) > {n}) SELECT j.id, d.n FROM jobs j JOIN done d ON d.job_id = j.id",
    "UPDATE chunks c SET status = 'running', worker = 'w{n}', started_at = now() FROM jobs j "
    "WHERE j.id = c.job_id AND c.id = {m} RETURNING c.id, c.{col}",
    "INSERT INTO events (chunk_id, kind, at) VALUES ({n}, 'claimed', now()) "
    "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, at = excluded.at RETURNING id",
    "DELETE FROM events e USING chunks c WHERE c.id = e.chunk_id AND c.done_at < now() - "
    "interval '{n} days' AND e.kind <> 'x{m}'",
    "SELECT j.id, (SELECT max(c.idx) FROM chunks c WHERE c.job_id = j.id) + {n} AS top, "
    "j.payload ->> 'k{m}' FROM jobs j WHERE EXISTS (SELECT 1 FROM events e WHERE e.chunk_id = j.id)",
]
COLUMNS = ["idx", "status", "worker", "error_message", "started_at"]


def generate(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        col = COLUMNS[i % len(COLUMNS)] if i % 20 else "chunk_number"
        out.append(TEMPLATES[i % len(TEMPLATES)].format(n=i, m=rnd.randint(1, 10**6), col=col))
    return out


def time_resolve(stmts: list[str], env: Env) -> tuple[float, float, int]:
    """Each statement resolved twice in a row: the first call parses (cold), the second is
    served the parse tree from the cache (the resolution alone)."""
    resolve_mod._parse.cache_clear()
    resolve_mod.resolve("SELECT 1", env)  # warm imports and built-in data
    cold = warm = 0.0
    findings = 0
    clock = time.perf_counter
    for s in stmts:
        t0 = clock()
        findings += len(resolve_mod.resolve(s, env).findings)
        t1 = clock()
        resolve_mod.resolve(s, env)
        t2 = clock()
        cold += t1 - t0
        warm += t2 - t1
    return cold, warm, findings


def time_postgres(stmts: list[str]) -> tuple[float, float, int] | None:
    import psycopg

    from pgdrift.harness.binaries import PgInstall
    from pgdrift.harness.launcher import start_server

    server = start_server(PgInstall.from_bindir("/usr/lib/postgresql/15/bin"))
    try:
        with psycopg.connect(server.dsn, autocommit=True) as conn:
            conn.execute(SCHEMA)
            errors = 0
            t0 = time.perf_counter()
            for s in stmts:
                try:
                    conn.execute(f"PREPARE p AS {s}")
                    conn.execute("DEALLOCATE p")
                except psycopg.Error:
                    errors += 1
            client = time.perf_counter() - t0
            body = "\n".join(
                f"BEGIN EXECUTE $q${'PREPARE p AS ' + s}$q$; EXECUTE 'DEALLOCATE p'; "
                "EXCEPTION WHEN OTHERS THEN NULL; END;"
                for s in stmts
            )
            t0 = time.perf_counter()
            conn.execute(f"DO $do$ BEGIN {body} END $do$")
            server_side = time.perf_counter() - t0
        return client, server_side, errors
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    stmts = generate(args.n)
    catalog, _ = catalog_from_files([SourceFile("schema.sql", SCHEMA)])
    env = Env(catalog, plpgsql=False)
    cold, warm, findings = time_resolve(stmts, env)
    per = 1e6 / args.n
    print(f"{args.n} distinct statements, python {sys.version.split()[0]}")
    print(f"  resolve() cold (parse + resolve)   {cold * per:8.1f} us/stmt   {findings} findings")
    print(f"  resolve() parse cached             {warm * per:8.1f} us/stmt")
    if not args.no_postgres:
        pg = time_postgres(stmts)
        if pg is not None:
            client, server_side, errors = pg
            print(
                f"  Postgres PREPARE (client loop)     {client * per:8.1f} us/stmt   {errors} errors"
            )
            print(f"  Postgres PREPARE (inside one DO)   {server_side * per:8.1f} us/stmt")
            print(f"  ratio resolve() cold / PREPARE in DO: {cold / server_side:.2f}x")


if __name__ == "__main__":
    main()
