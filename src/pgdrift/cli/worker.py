"""``pgdrift worker``: run the reference worker of the Safe Chunk Processing System."""

from __future__ import annotations

import logging
import sys

import click

from pgdrift.cli.base import cli


@cli.command()
@click.option(
    "--dsn",
    envvar="PGDRIFT_WORKER_DSN",
    required=True,
    help="libpq connection string of the queue's database (or PGDRIFT_WORKER_DSN).",
)
@click.option(
    "--handler",
    "handler_spec",
    default=None,
    metavar="MODULE:FUNCTION",
    help="Handler called as function(chunk, ctx); default: a simulated sync "
    "(sleeps --ms-per-email per estimated email).",
)
@click.option("--ms-per-email", type=float, default=0.0, show_default=True)
@click.option("--worker-id", default=None, help="Name recorded with each lease (default host:pid).")
@click.option("--lease-seconds", type=click.IntRange(min=1), default=300, show_default=True)
@click.option(
    "--heartbeat-interval", type=float, default=None, help="Default: a third of the lease."
)
@click.option("--poll-interval", type=float, default=5.0, show_default=True)
@click.option(
    "--cleanup-interval",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds between cleanup_stuck_chunks() calls; 0 disables.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker threads in this process; with more than one, completions are committed "
    "in shared batches.",
)
@click.option("--max-chunks", type=click.IntRange(min=1), default=None)
@click.option("--drain", is_flag=True, help="Exit as soon as no chunk is due.")
@click.option(
    "--chain/--no-chain",
    default=True,
    show_default=True,
    help="Report a chunk and claim the next one in one transaction.",
)
@click.option("--verbose", "-v", is_flag=True, help="Log every claim, retry and reclaim.")
def worker(
    dsn: str,
    handler_spec: str | None,
    ms_per_email: float,
    worker_id: str | None,
    lease_seconds: int,
    heartbeat_interval: float | None,
    poll_interval: float,
    cleanup_interval: float,
    concurrency: int,
    max_chunks: int | None,
    drain: bool,
    chain: bool,
    verbose: bool,
) -> None:
    """Claim, process, heartbeat and complete chunks until SIGTERM (graceful) or --drain.

    Wakes on LISTEN/NOTIFY and falls back to polling. Exit code 0 after a clean stop,
    2 when the worker cannot start (bad handler, bad options, database unreachable).
    """
    import psycopg

    from pgdrift.harness.queue_worker import (
        WorkerConfig,
        load_handler,
        run_pool,
        simulated_handler,
    )

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        handler = load_handler(handler_spec) if handler_spec else simulated_handler(ms_per_email)
        options = {
            "dsn": dsn,
            "lease_seconds": lease_seconds,
            "heartbeat_interval": heartbeat_interval,
            "poll_interval": poll_interval,
            "cleanup_interval": cleanup_interval,
            "max_chunks": max_chunks,
            "exit_when_idle": drain,
            "chain": chain,
        }
        if worker_id:
            options["worker_id"] = worker_id
        config = WorkerConfig(**options)  # type: ignore[arg-type]
        # Fail fast on an unreachable database or a schema without the queue.
        with psycopg.connect(dsn, connect_timeout=10) as conn:
            conn.execute(
                "SELECT 'claim_next_chunk_job_safe(text,integer,timestamptz)'::regprocedure"
            )
    except (ValueError, ImportError) as exc:
        click.echo(f"pgdrift worker: {exc}", err=True)
        sys.exit(2)
    except psycopg.Error as exc:
        click.echo(f"pgdrift worker: cannot use the queue database: {exc}".rstrip(), err=True)
        sys.exit(2)
    all_stats = run_pool(config, handler, concurrency)
    total = {
        name: sum(getattr(s, name) for s in all_stats)
        for name in (
            "claimed",
            "completed",
            "retry_scheduled",
            "dead_lettered",
            "rejected",
            "reclaimed",
        )
    }
    click.echo(
        f"worker {config.worker_id}: claimed {total['claimed']}, completed {total['completed']}, "
        f"retried {total['retry_scheduled']}, dead-lettered {total['dead_lettered']}, "
        f"rejected {total['rejected']}, reclaimed {total['reclaimed']}",
        err=True,
    )
