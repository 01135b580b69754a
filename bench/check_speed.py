"""How fast is ``pgdrift check``? Functions per second, cold and cached, for N = 200 and 2000
generated PL/pgSQL functions (records, DML, loops, CTEs, cursors, exception blocks), side by
side with plpgsql_check analysing the same functions inside Postgres 15, in one run.

    python bench/check_speed.py [--sizes 200,2000] [--repeat 5] [--no-plpgsql-check]

The headline figures are the whole ``pgdrift check`` command in a fresh process (interpreter
start, imports, output included; ``--format json`` to /dev/null): cold with ``--no-cache``
and cached (the same files again, served by the cache a first run wrote), each the median
of ``--repeat`` runs, with the CPU seconds of the process and its workers. The in-process
lines below them time ``check_paths`` alone (imports excluded) in a fresh process. plpgsql_check is timed as one ``plpgsql_check_function_tb`` query over every
generated function on a fresh connection, the functions already loaded (the load itself is
not counted). Every function's statements are distinct (no parse cache can help). A broken
function has two wrong references in different statements; plpgsql_check runs with its
defaults (fatal_errors: it stops at a function's first error). One in 40 functions carries a wrong column reference; both tools' finding
counts are printed so the comparison is between tools that do the same job.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = 20
PER_FILE = 50

SCHEMA_TABLE = """CREATE TABLE jobs_{k} (
    id          bigserial PRIMARY KEY,
    owner       text NOT NULL,
    state       text NOT NULL DEFAULT 'pending',
    attempts    integer NOT NULL DEFAULT 0,
    payload     jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz
);
CREATE TABLE events_{k} (
    id      bigserial PRIMARY KEY,
    job_id  bigint NOT NULL REFERENCES jobs_{k} (id),
    kind    text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
"""

TEMPLATES = [
    # records, SELECT INTO, IF, UPDATE, INSERT … RETURNING, jsonb
    """CREATE FUNCTION claim_{i}(p_owner text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_job jobs_{k}%ROWTYPE;
    v_event_id bigint;
BEGIN
    SELECT * INTO v_job FROM jobs_{k}
     WHERE state = 'pending' AND attempts < {i} + 3 ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    UPDATE jobs_{k} SET state = 'running', attempts = attempts + 1, owner = p_owner || '-{i}'
     WHERE id = v_job.id;
    INSERT INTO events_{k} (job_id, kind) VALUES (v_job.id, 'claimed-{i}') RETURNING id INTO v_event_id;
    RETURN jsonb_build_object('id{i}', v_job.id, 'payload', v_job.{col_a}, 'event', v_event_id);
END $$;
""",
    # FOR rec IN query, nested IF, GET DIAGNOSTICS, PERFORM
    """CREATE FUNCTION sweep_{i}(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n integer := 0;
    moved integer;
BEGIN
    FOR r IN SELECT j.id, j.attempts, j.{col_b} AS extra FROM jobs_{k} j
              WHERE j.state = 'running' AND j.created_at < now() - interval '{i} seconds'
              ORDER BY j.id LIMIT p_limit LOOP
        IF r.attempts >= 3 THEN
            UPDATE jobs_{k} SET state = 'failed', done_at = now() WHERE id = r.id AND attempts > {i};
        ELSE
            UPDATE jobs_{k} SET state = 'pending' WHERE id = r.id AND attempts <= {i};
        END IF;
        GET DIAGNOSTICS moved = ROW_COUNT;
        n := n + moved;
        PERFORM pg_notify('sweep{i}', r.id::text);
    END LOOP;
    RETURN n;
END $$;
""",
    # data-modifying CTE, RETURN QUERY, RETURNS TABLE
    """CREATE FUNCTION finish_{i}(p_owner text)
RETURNS TABLE (job_id bigint, finished_at timestamptz) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    WITH done AS (
        UPDATE jobs_{k} j SET state = 'completed', done_at = now()
         WHERE j.owner = p_owner AND j.state = 'running'
        RETURNING j.id, j.done_at
    ), logged AS (
        INSERT INTO events_{k} (job_id, kind) SELECT d.id, 'completed-{i}' FROM done d
        RETURNING events_{k}.job_id
    )
    SELECT d.id, d.done_at + interval '{i} ms' FROM done d WHERE d.id IN (SELECT l.job_id FROM logged l);
END $$;
""",
    # cursor loop, exception block, CASE, aggregate into variables
    """CREATE FUNCTION report_{i}(p_since timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    c CURSOR (since timestamptz) FOR
        SELECT e.kind, count(*) AS n FROM events_{k} e WHERE e.at >= since AND e.id > {i} GROUP BY e.kind;
    v_total bigint := 0;
    v_text text := '';
BEGIN
    FOR row IN c(p_since) LOOP
        v_total := v_total + row.n;
        v_text := v_text || row.{col_d} || '=' || row.n || ' ';
    END LOOP;
    BEGIN
        SELECT count(*) INTO STRICT v_total FROM jobs_{k} WHERE {col_c} IS NOT NULL AND id <> {i};
    EXCEPTION WHEN others THEN
        RAISE WARNING 'report failed: %', SQLERRM;
    END;
    CASE WHEN v_total > {i} THEN v_text := 'busy ' || v_text;
         ELSE v_text := 'quiet ' || v_text;
    END CASE;
    RETURN v_text;
END $$;
""",
]
GOOD = {"col_a": "payload", "col_b": "owner", "col_c": "done_at", "col_d": "kind"}
BAD = {"col_a": "payload_json", "col_b": "ownr", "col_c": "finished_at", "col_d": "knd"}


def generate(root: Path, n: int) -> tuple[list[Path], int]:
    """Write the schema and ``n`` functions; returns the files and the number of wrong
    references (two per broken function)."""
    root.mkdir(parents=True, exist_ok=True)
    files = [root / "000_schema.sql"]
    files[0].write_text("".join(SCHEMA_TABLE.format(k=k) for k in range(TABLES)))
    mistakes = 0
    chunk: list[str] = []
    for i in range(n):
        bad = i % 40 == 39
        mistakes += 2 * bad
        cols = BAD if bad else GOOD
        chunk.append(TEMPLATES[i % len(TEMPLATES)].format(i=i, k=i % TABLES, **cols))
        if len(chunk) == PER_FILE or i == n - 1:
            path = root / f"{len(files):03d}_functions.sql"
            path.write_text("\n".join(chunk))
            files.append(path)
            chunk = []
    return files, mistakes


_TIMER = """
import json, resource, sys, time
t0 = time.perf_counter()
from pgdrift.check import check_paths
from pgdrift.config import Config
import pgdrift.analysis.resolve, pgdrift.checker
def cpu():
    return sum(
        r.ru_utime + r.ru_stime
        for r in (resource.getrusage(resource.RUSAGE_SELF),
                  resource.getrusage(resource.RUSAGE_CHILDREN))
    )
t1 = time.perf_counter()
c1 = cpu()
cfg = Config(cache=True, cache_dir=sys.argv[2], jobs=int(sys.argv[3]))
r = check_paths([sys.argv[1]], cfg)
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "check": t2 - t1, "cpu": cpu() - c1,
                  "findings": len(r.diagnostics),
                  "functions": r.stats.functions, "cached": r.stats.cached_files}))
"""


# Where the CPU time of one cold check goes, in a fresh process on one core: imports, the
# serial phases (file splitting, catalog build) and the units, with the time inside the two
# parsers of the units measured by wrapping them (their share of "units"). Uses pgdrift's
# internals, so it is a bench figure only.
_SPLIT = """
import json, sys, time
t0 = time.process_time()
import dataclasses, gc
import pgdrift.checker as ch
from pgdrift.check import collect_files
from pgdrift.config import Config
from pgdrift.source import SourceFile
ch._load()
import pgdrift.analysis.resolve as resolve
import pgdrift.checker.units as units
t1 = time.process_time()
spent = {"sqlglot": 0.0, "plpgsql": 0.0}
def timed(key, fn):
    def wrapper(*args):
        t = time.process_time()
        try:
            return fn(*args)
        finally:
            spent[key] += time.process_time() - t
    return wrapper
resolve._parse_once = timed("sqlglot", resolve._parse_once)
units.parse_function = timed("plpgsql", units.parse_function)
config = Config(cache=False, jobs=1)
sources = [SourceFile.read(f) for f in collect_files([sys.argv[1]], config)]
t2 = time.process_time()
sqlfiles = [ch.split_file(s) for s in sources]
t3 = time.process_time()
catalogs, todo, _, _ = ch._build(sqlfiles, [], ("public",))
t4 = time.process_time()
gc.freeze(); gc.disable()
ch._GC_EVERY = len(todo) + 1  # as in a worker of a 2-core run: no collection (see checker)
for unit in todo:
    ch._one(sqlfiles, catalogs, unit, ("public",))
t5 = time.process_time()
print(json.dumps({"imports": t1 - t0, "read": t2 - t1, "split": t3 - t2, "build": t4 - t3,
                  "units": t5 - t4, **spent}))
"""


def cost_split(folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _SPLIT, str(folder)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_pgdrift(folder: Path, cache_dir: Path, jobs: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _TIMER, str(folder), str(cache_dir), str(jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_cli(folder: Path, cache_dir: Path | None, repeat: int) -> dict[str, float]:
    """The whole ``pgdrift check`` command, ``repeat`` times: median wall, min wall and
    median CPU (user + system of the process and its workers). ``cache_dir`` None:
    ``--no-cache``; else the cache is written by a first run that is not counted."""
    exe = Path(sys.executable).with_name("pgdrift")
    cache = ["--no-cache"] if cache_dir is None else ["--cache-dir", str(cache_dir)]
    cmd = [str(exe), "check", str(folder), *cache, "--format", "json", "-o", os.devnull]
    if cache_dir is not None:
        subprocess.run(cmd, capture_output=True, check=False)
    walls, cpus = [], []
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False)
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
        if done.returncode not in (0, 1):
            raise SystemExit(f"pgdrift check failed: {done.stderr.decode()}")
    return {
        "wall": statistics.median(walls),
        "min": min(walls),
        "cpu": statistics.median(cpus),
    }


def time_plpgsql_check(files: list[Path], repeat: int = 1) -> dict[str, float] | None:
    """plpgsql_check over the same functions inside a throwaway PG 15 (median of ``repeat``
    runs, each on a fresh connection, so no function is already compiled), or None."""
    bindir = Path("/usr/lib/postgresql/15/bin")
    if not (bindir.parent / "lib" / "plpgsql_check.so").exists():
        return None
    import psycopg

    from pgdrift.harness.binaries import PgInstall
    from pgdrift.harness.launcher import start_server

    server = start_server(PgInstall.from_bindir(str(bindir)))
    try:
        with psycopg.connect(server.dsn, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION plpgsql_check")
            for f in files:
                conn.execute(f.read_text())
        runs = []
        for _ in range(repeat):
            with psycopg.connect(server.dsn, autocommit=True) as conn:
                backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
                c0 = _proc_cpu(backend)
                t0 = time.perf_counter()
                rows = conn.execute(
                    """SELECT p.oid::regprocedure, c.level, c.message
                         FROM pg_proc p
                         JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
                         CROSS JOIN LATERAL plpgsql_check_function_tb(p.oid) c
                        WHERE p.pronamespace = 'public'::regnamespace"""
                ).fetchall()
                runs.append((time.perf_counter() - t0, _proc_cpu(backend) - c0))
        elapsed = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        errors = sum(1 for r in rows if r[1] == "error")
        return {"check": elapsed, "cpu": cpu, "findings": float(errors)}
    finally:
        server.stop()


def _bytecode(tmp: Path, cache: bool) -> None:
    """An installed package has its .pyc files; an editable one writes them on first use
    unless PYTHONDONTWRITEBYTECODE is set (as in some sandboxes), and then every run
    compiles pgdrift's modules from source. With ``cache``, the pgdrift processes timed
    here get .pyc files, compiled up front into a prefix under ``tmp``."""
    import pgdrift

    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("byte-code cache: the environment's own")
        return
    if not cache:
        print("byte-code cache: off (PYTHONDONTWRITEBYTECODE is set: pgdrift compiled each run)")
        return
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    package = Path(pgdrift.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    print(
        "byte-code cache: on (PYTHONDONTWRITEBYTECODE is set here; pgdrift's .pyc files are"
        " compiled into the temporary folder, as an installed package has them;"
        " --no-bytecode-cache to time without)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="200,2000")
    ap.add_argument("--jobs", type=int, default=0, help="pgdrift workers (0 = every core)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per CLI figure (median)")
    ap.add_argument("--no-plpgsql-check", action="store_true")
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run pgdrift without .pyc files when PYTHONDONTWRITEBYTECODE is set (each "
        "run then compiles pgdrift's modules from source)",
    )
    args = ap.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, load average {load}")
    tmp = Path(tempfile.mkdtemp(prefix="pgdrift-bench-"))
    _bytecode(tmp, not args.no_bytecode_cache)
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            folder = tmp / f"n{n}"
            files, mistakes = generate(folder, n)
            cache = tmp / f"cache{n}"
            # One untimed run first: with PYTHONPYCACHEPREFIX set (see _bytecode) the first
            # process compiles every module it imports (the standard library's included:
            # their .pyc files are looked up under the prefix only) -- measured +0.1 s on
            # "cold (2 jobs)" at N = 200, which imports multiprocessing.
            time_pgdrift(folder, tmp / f"warmup{n}", args.jobs)
            cold = time_pgdrift(folder, cache, args.jobs)
            warm = time_pgdrift(folder, cache, args.jobs)
            edited = files[1]
            edited.write_text(edited.read_text().replace("'claimed-", "'taken-", 1))
            touched = time_pgdrift(folder, cache, args.jobs)
            serial = time_pgdrift(folder, tmp / f"serial{n}", 1)
            cli_cold = time_cli(folder, None, args.repeat)
            cli_warm = time_cli(folder, tmp / f"cli{n}", args.repeat)
            print(f"\nN = {n} functions in {len(files)} files ({mistakes} wrong references)")
            print(
                f"  pgdrift check, fresh process, --no-cache  {cli_cold['wall']:7.3f} s wall"
                f" (min {cli_cold['min']:.3f})  {n / cli_cold['wall']:6.0f} functions/s"
                f"  cpu {cli_cold['cpu']:.3f} s"
            )
            print(
                f"  pgdrift check, fresh process, cached      {cli_warm['wall']:7.3f} s wall"
                f" (min {cli_warm['min']:.3f})  cpu {cli_warm['cpu']:.3f} s"
            )
            print(f"  pgdrift imports           {cold['import']:7.3f} s")
            print(
                f"  pgdrift cold ({args.jobs or os.cpu_count()} jobs)     {cold['check']:7.3f} s"
                f"  {n / cold['check']:8.0f} functions/s  {cold['findings']:.0f} findings"
                f"  (cpu {cold['cpu']:.3f} s)"
            )
            print(
                f"  pgdrift cold (1 job)      {serial['check']:7.3f} s"
                f"  {n / serial['check']:8.0f} functions/s"
                f"  (cpu {serial['cpu']:.3f} s)"
            )
            print(
                f"  pgdrift cached            {warm['check']:7.3f} s"
                f"  {n / warm['check']:8.0f} functions/s  ({warm['cached']:.0f} files cached)"
            )
            print(
                f"  pgdrift, one function edited {touched['check']:7.3f} s"
                f"  ({touched['cached']:.0f} files cached, the edited file's other routines"
                " from its memo)"
            )
            split = cost_split(folder)
            analysis = split["units"] - split["sqlglot"] - split["plpgsql"]
            print(
                f"  where one core's CPU goes (fresh process, 1 job): imports {split['imports']:.3f} s,"
                f" splitting files {split['split']:.3f}, catalog {split['build']:.3f},"
                f" units {split['units']:.3f} = sqlglot parsing {split['sqlglot']:.3f}"
                f" + PL/pgSQL parsing (pglast) {split['plpgsql']:.3f} + analysis {analysis:.3f}"
            )
            peer = None if args.no_plpgsql_check else time_plpgsql_check(files, args.repeat)
            if peer is None:
                print("  plpgsql_check             not available")
                continue
            print(
                f"  plpgsql_check (in PG 15)  {peer['check']:7.3f} s"
                f"  {n / peer['check']:8.0f} functions/s  {peer['findings']:.0f} findings"
                f"  (backend cpu {peer['cpu']:.3f} s)"
            )
            print(
                f"  ratios (target: cold <= 1, cached <= 10%): pgdrift check cold / plpgsql_check"
                f" = {cli_cold['wall'] / peer['check']:.2f} wall,"
                f" {cli_cold['cpu'] / max(peer['cpu'], 1e-3):.2f} cpu;"
                f" cached / plpgsql_check = {cli_warm['wall'] / peer['check']:.0%} wall"
            )
            print(
                f"  in-process ratios: check_paths cold / plpgsql_check ="
                f" {cold['check'] / peer['check']:.2f} wall, "
                f"{serial['cpu'] / max(peer['cpu'], 1e-3):.2f} cpu (1 job); "
                f"cached / plpgsql_check = {warm['check'] / peer['check']:.1%}"
            )
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"\nload average at the end {load}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
