"""Claims+completes per second of the Safe Chunk Processing System, side by side.

Same server, same run, same client harness (one thread and one connection per worker,
no-op handler), for 1, 4, 8 and 16 workers:

* ``chunkq``          claim_next_chunk_job_safe() then complete_chunk_job_safe(), two
                      transactions per chunk, every guarantee on (lease + token, attempts,
                      per-sync-job order and one-at-a-time, event row per transition,
                      outbox row + pg_notify per completion);
* ``chunkq-chained``  the same functions, but a chunk's completion and the next claim
                      share one transaction (what ``pgdrift worker`` does by default);
* ``chunkq-batched``  every guarantee on, as ``pgdrift worker --concurrency N`` runs: the
                      workers' complete-and-claim-next items (each with its lease check,
                      attempt, order, event rows, outbox row and pg_notify) are sent as one
                      complete_and_claim_next_chunks_safe() statement per batch (set-based:
                      a fixed number of statements per batch) and committed together, by one
                      completer connection (like River's batch completer) that waits, at most
                      2 ms, for the reports of the workers it leased chunks to. Connections:
                      each worker's own one is used for its first claim only, so the database
                      work runs on 1 backend (procrastinate: N); the run prints the mean
                      completions per commit. With 1 worker it is chunkq-chained, as
                      pgdrift worker --concurrency 1 runs no completer;
* ``procrastinate``   procrastinate's own procrastinate_fetch_job_v2 /
                      procrastinate_finish_job_v1 (its schema.sql, from PyPI);
* ``bare``            ``DELETE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1)``,
                      one transaction per job: the ceiling no real queue beats;
* ``chunkq-no-notify`` diagnostic, NOT every guarantee: chunkq-chained with
                      ``SET chunkq.notify = off`` (outbox rows still written, no pg_notify),
                      to show what Postgres's commit-serialising NOTIFY lock costs.

The server runs with fsync, synchronous_commit and full_page_writes on, its data directory
on disk (not tmpfs). Each run starts from a fresh copy of a template database holding
``--jobs`` jobs (chunkq: ``--jobs`` chunks in sync jobs of ``--chunks-per-job``).

    python bench/queue_throughput.py                    # starts its own server
    python bench/queue_throughput.py --dsn "host=... user=postgres" --jobs 20000 --repeat 3

Each figure is the median of ``--repeat`` rounds (systems interleaved within a round), so a
noisy shared machine moves every system alike.

``procrastinate`` must be importable (``pip install procrastinate``; a bench-only need).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pgdrift.harness.queue_worker import BatchCompleter, claim

ROOT = Path(__file__).resolve().parents[1]
SYSTEMS = (
    "chunkq",
    "chunkq-chained",
    "chunkq-batched",
    "procrastinate",
    "bare",
    "chunkq-no-notify",
)
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}

Loop = Callable[[psycopg.Connection[Any], int], int]


# --- one worker's loop per system: returns how many jobs it finished ------------------------


def _chunkq_loop(conn: psycopg.Connection[Any], worker: int) -> int:
    name = f"bench-{worker}"
    done = 0
    claim = "SELECT chunk_id, lease_token FROM claim_next_chunk_job_safe(%s, 60)"
    complete = "SELECT outcome FROM complete_chunk_job_safe(%s, %s, true, 0)"
    while True:
        row = conn.execute(claim, (name,)).fetchone()
        if row is None:
            return done
        outcome = conn.execute(complete, row).fetchone()
        assert outcome is not None and outcome[0] == "completed", outcome
        done += 1


def _chunkq_chained_loop(conn: psycopg.Connection[Any], worker: int) -> int:
    name = f"bench-{worker}"
    done = 0
    claim = "SELECT chunk_id, lease_token FROM claim_next_chunk_job_safe(%s, 60)"
    chained = (
        "SELECT outcome, next_chunk_id, next_lease_token"
        " FROM complete_and_claim_next_chunk_safe(%s, %s, true, %s, 0, NULL, 60)"
    )
    row = conn.execute(claim, (name,)).fetchone()
    while row is not None:
        result = conn.execute(chained, (row[0], row[1], name)).fetchone()
        assert result is not None and result[0] == "completed", result
        done += 1
        row = (result[1], result[2]) if result[1] is not None else None
    return done


def _chunkq_batched_loop(
    completer: BatchCompleter, conn: psycopg.Connection[Any], worker: int
) -> int:
    name = f"bench-{worker}"
    done = 0
    chunk = claim(conn, name, 60)
    while chunk is not None:
        result, chunk = completer.complete_and_claim(chunk, True, name, 60, 0)
        assert result.outcome == "completed", result
        done += 1
    return done


def _chunkq_no_notify_loop(conn: psycopg.Connection[Any], worker: int) -> int:
    conn.execute("SET chunkq.notify = off")
    return _chunkq_chained_loop(conn, worker)


def _procrastinate_loop(conn: psycopg.Connection[Any], worker: int) -> int:
    row = conn.execute("SELECT worker_id FROM procrastinate_register_worker_v1()").fetchone()
    assert row is not None
    worker_id = row[0]
    done = 0
    fetch = "SELECT id FROM procrastinate_fetch_job_v2(NULL, %s)"
    finish = "SELECT procrastinate_finish_job_v1(%s, 'succeeded', false)"
    while True:
        job = conn.execute(fetch, (worker_id,)).fetchone()
        if job is None or job[0] is None:
            return done
        conn.execute(finish, (job[0],))
        done += 1


def _bare_loop(conn: psycopg.Connection[Any], worker: int) -> int:
    done = 0
    take = (
        "DELETE FROM bench_jobs WHERE id = (SELECT id FROM bench_jobs ORDER BY id"
        " FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id"
    )
    while conn.execute(take).fetchone() is not None:
        done += 1
    return done


LOOPS: dict[str, Loop] = {
    "chunkq": _chunkq_loop,
    "chunkq-chained": _chunkq_chained_loop,
    "procrastinate": _procrastinate_loop,
    "bare": _bare_loop,
    "chunkq-no-notify": _chunkq_no_notify_loop,
}


# --- templates --------------------------------------------------------------------------------


def _procrastinate_schema() -> str:
    try:
        import procrastinate
    except ImportError:
        sys.exit("bench: procrastinate is not installed (pip install procrastinate)")
    return (Path(procrastinate.__file__).parent / "sql" / "schema.sql").read_text()


def _fill(system: str, conn: psycopg.Connection[Any], jobs: int, per_job: int) -> None:
    if system.startswith("chunkq"):
        for path in sorted((ROOT / "sql").glob("*.sql")):
            conn.execute(path.read_text())
        sync_jobs = -(-jobs // per_job)
        conn.execute(
            "INSERT INTO sync_jobs (account_id) SELECT 'acct-' || g FROM generate_series(1, %s) g",
            (sync_jobs,),
        )
        conn.execute(
            "INSERT INTO chunked_sync_jobs (sync_job_id, chunk_index, estimated_emails)"
            " SELECT (n / %s) + 1, n %% %s, 100 FROM generate_series(0, %s - 1) n",
            (per_job, per_job, jobs),
        )
    elif system == "procrastinate":
        conn.execute(_procrastinate_schema())
        conn.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
            " SELECT 'default', 'bench', jsonb_build_object('n', g)"
            " FROM generate_series(1, %s) g",
            (jobs,),
        )
    else:
        conn.execute("CREATE TABLE bench_jobs (id bigserial PRIMARY KEY, payload jsonb)")
        conn.execute(
            "INSERT INTO bench_jobs (payload) SELECT jsonb_build_object('n', g)"
            " FROM generate_series(1, %s) g",
            (jobs,),
        )
    conn.execute("VACUUM ANALYZE")


def _remaining(system: str, conn: psycopg.Connection[Any]) -> int:
    query = {
        "procrastinate": "SELECT count(*) FROM procrastinate_jobs WHERE status <> 'succeeded'",
        "bare": "SELECT count(*) FROM bench_jobs",
    }.get(system, "SELECT count(*) FROM chunk_processing_queue WHERE status <> 'completed'")
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else -1


@dataclass
class Bench:
    admin_dsn: str
    dsn_for: Callable[[str], str]
    jobs: int
    per_job: int
    #: BatchCompleter connections of chunkq-batched (0: as pgdrift worker, the default)
    completer_connections: int = 0
    #: BatchCompleter linger cap of chunkq-batched, seconds (None: pgdrift worker's default)
    linger: float | None = None
    #: completions per batch of the chunkq-batched runs, per worker count
    batch_sizes: dict[int, list[float]] = field(default_factory=dict)
    built: set[str] = field(default_factory=set)

    def template(self, system: str) -> str:
        name = "bench_tpl_" + system.replace("-", "_")
        # chunkq and chunkq-chained share one template
        if system.startswith("chunkq"):
            name = "bench_tpl_chunkq"
        if name in self.built:
            return name
        with psycopg.connect(self.admin_dsn, autocommit=True) as admin:
            # built afresh by every run, so it always holds the current sql/
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.built.add(name)
        with psycopg.connect(self.dsn_for(name), autocommit=True) as conn:
            _fill(system, conn, self.jobs, self.per_job)
        return name

    @contextlib.contextmanager
    def fresh(self, system: str) -> Iterator[str]:
        tpl = self.template(system)
        name = f"bench_run_{system.replace('-', '_')}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(tpl)
                )
            )
        try:
            yield name
        finally:
            with psycopg.connect(self.admin_dsn, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    def run(self, system: str, workers: int) -> float:
        with self.fresh(system) as db:
            dsn = self.dsn_for(db)
            conns = [psycopg.connect(dsn, autocommit=True) for _ in range(workers)]
            counts = [0] * workers
            errors: list[BaseException] = []
            barrier = threading.Barrier(workers + 1)

            completer = None
            # pgdrift worker --concurrency 1 reports without a completer (chained calls)
            if system == "chunkq-batched" and workers > 1:
                options: dict[str, Any] = {}
                if self.linger is not None:
                    options["linger"] = self.linger
                if self.completer_connections:
                    options["connections"] = self.completer_connections
                completer = BatchCompleter(dsn, **options).start()
            loop = (
                functools.partial(_chunkq_batched_loop, completer)
                if completer
                else LOOPS["chunkq-chained" if system == "chunkq-batched" else system]
            )

            def work(i: int) -> None:
                barrier.wait()
                try:
                    counts[i] = loop(conns[i], i)
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
            for t in threads:
                t.start()
            barrier.wait()
            started = time.perf_counter()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            if completer is not None:
                completer.close()
                self.batch_sizes.setdefault(workers, []).append(
                    completer.completions / max(1, completer.batches)
                )
            left = _remaining(system, conns[0])
            for c in conns:
                c.close()
        if errors:
            raise errors[0]
        if sum(counts) != self.jobs or left != 0:
            raise RuntimeError(f"{system}: finished {sum(counts)} of {self.jobs}, {left} left")
        return self.jobs / elapsed


# --- server -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _server(dsn: str | None) -> Iterator[tuple[str, Callable[[str], str], str]]:
    if dsn:
        with psycopg.connect(dsn, autocommit=True) as conn:
            row = conn.execute("SHOW server_version").fetchone()

        def dsn_for(db: str) -> str:
            return psycopg.conninfo.make_conninfo(dsn, dbname=db)

        yield dsn, dsn_for, f"given server, PostgreSQL {row[0] if row else '?'}"
        return
    from pgdrift.harness.providers import ServerOptions, start_first

    server, _ = start_first(
        ServerOptions(providers=("local", "embedded"), tmpfs="off", settings=DURABLE)
    )
    try:
        yield server.dsn, server.dsn_for, f"throwaway {server.provider} PostgreSQL {server.version}"
    finally:
        stop = getattr(server, "stop", None)
        if stop:
            stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dsn", help="use this server (maintenance database DSN)")
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--chunks-per-job", type=int, default=10)
    parser.add_argument("--workers", default="1,4,8,16")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds per worker count, systems interleaved; the median is reported",
    )
    parser.add_argument(
        "--completer-connections",
        type=int,
        default=0,
        help="connections of chunkq-batched's BatchCompleter (default: pgdrift worker's)",
    )
    parser.add_argument(
        "--linger",
        type=float,
        default=None,
        help="at most this many seconds chunkq-batched's BatchCompleter waits for the"
        " reports of busy workers (default: pgdrift worker's)",
    )
    args = parser.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    systems = [s for s in args.systems.split(",") if s]
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")

    with _server(args.dsn) as (admin_dsn, dsn_for, where):
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            settings = {
                name: conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0]  # type: ignore[index]
                for name in DURABLE
            }
        print(f"server: {where}; " + ", ".join(f"{k}={v}" for k, v in settings.items()))
        print(f"jobs per run: {args.jobs} (chunkq: sync jobs of {args.chunks_per_job} chunks)")
        bench = Bench(
            admin_dsn,
            dsn_for,
            args.jobs,
            args.chunks_per_job,
            args.completer_connections,
            args.linger,
        )
        rates: dict[tuple[str, int], float] = {}
        for n in workers:
            samples: dict[str, list[float]] = {system: [] for system in systems}
            for _ in range(args.repeat):
                for system in systems:
                    samples[system].append(bench.run(system, n))
            for system in systems:
                runs = sorted(samples[system])
                rates[system, n] = statistics.median(runs)
                spread = (
                    f"  (runs: {', '.join(f'{r:,.0f}' for r in runs)})" if len(runs) > 1 else ""
                )
                print(
                    f"  {system:<17} {n:>2} workers: {rates[system, n]:>8,.0f} jobs/s{spread}",
                    flush=True,
                )
            if n in bench.batch_sizes:
                sizes = bench.batch_sizes[n]
                print(f"  (chunkq-batched: {statistics.mean(sizes):.1f} completions per commit)")
        print()
        header = f"{'workers':>7} " + " ".join(f"{s:>15}" for s in systems)
        if "procrastinate" in systems:
            header += "   " + " ".join(
                f"{s + '/procr.':>22}" for s in systems if s != "procrastinate"
            )
        print(header)
        for n in workers:
            line = f"{n:>7} " + " ".join(f"{rates[s, n]:>15,.0f}" for s in systems)
            if "procrastinate" in systems:
                base = rates["procrastinate", n]
                line += "   " + " ".join(
                    f"{rates[s, n] / base:>21.2f}x" for s in systems if s != "procrastinate"
                )
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
