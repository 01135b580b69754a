"""The checking pipeline behind :func:`pgdrift.check.check_paths`.

1. split every file into statements (pglast); syntax errors become PGD001;
2. build the catalog: ``expected_schema/`` DDL, then every file's DDL in order, the way
   migrations run. Views, DO blocks, trigger WHEN conditions and file-level DML see a
   snapshot of the catalog at their position (and the session search_path there); routine
   bodies see the final catalog, since they are resolved when they run -- except a
   routine redefined or dropped later, which is checked against the relations of its time;
3. check each unit (serially, or on every core with forked workers). Results are cached
   per file, keyed by the file's content, the DDL before it, the final DDL, the
   search_path and a fingerprint of pgdrift's own code; an unchanged run is one lookup.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import gc
import hashlib
import importlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pgdrift import __version__
from pgdrift.checker.cache import Cache
from pgdrift.config import Config
from pgdrift.diagnostic import Diagnostic
from pgdrift.source import SourceFile

if TYPE_CHECKING:  # at run time: _load()
    from pgdrift.catalog.model import Catalog
    from pgdrift.checker.ddl_refs import wants_check
    from pgdrift.checker.units import Unit, UnitResult, check_unit
    from pgdrift.parse.files import SqlFile, split_file

# What only a run that is not served whole from the cache needs (the parsers, the analysis):
# imported by _load(), so that an unchanged re-run does not pay for importing them. The
# names are module globals once loaded (tests replace check_unit and friends).
_LAZY = {
    "Catalog": "pgdrift.catalog.model",
    "wants_check": "pgdrift.checker.ddl_refs",
    "Unit": "pgdrift.checker.units",
    "UnitResult": "pgdrift.checker.units",
    "check_unit": "pgdrift.checker.units",
    "SqlFile": "pgdrift.parse.files",
    "split_file": "pgdrift.parse.files",
}


def _load() -> None:
    """Import the names of :data:`_LAZY` into this module (those already set are kept)."""
    namespace = globals()
    for name, module in _LAZY.items():
        if name not in namespace:
            namespace[name] = getattr(importlib.import_module(module), name)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        _load()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Below this many units the fork of worker processes costs more than it saves.
PARALLEL_MIN_UNITS = 64
_PLAIN_DML = ("InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "CallStmt")

_STATE: tuple[list[SqlFile], list[Catalog], list[Unit], tuple[str, ...]] | None = None


def run(
    sources: list[SourceFile],
    config: Config,
    progress: Callable[[int, int, str], Any] | None = None,
) -> Any:
    from pgdrift.check import CheckResult, CheckStats

    search_path = tuple(config.search_path) or ("public",)
    schema_files = schema_sources(config)
    cache = Cache(config) if config.cache else None
    # The keys hash every file and stat pgdrift's modules: computed only for a cache.
    run_key = _run_key(sources, schema_files, search_path) if cache is not None else ""
    if cache is not None:
        hit = cache.load(run_key)
        if isinstance(hit, CheckResult):
            hit.stats.cached_files = hit.stats.files
            return hit

    with _collector_off():
        _load()
        sqlfiles = [split_file(s) for s in sources]
        catalogs, units, ddl_diags, digests = _build(sqlfiles, schema_files, search_path)

    # Per-file cache: the file's own content + the catalog before it + the final catalog.
    stats = CheckStats(files=len(sources))
    per_file: dict[int, list[Diagnostic]] = {i: [] for i in range(len(sqlfiles))}
    file_stats: dict[int, UnitResult] = {i: UnitResult([]) for i in range(len(sqlfiles))}
    keys = [
        _digest(_code_fingerprint(), s.path, s.text, digests[i], digests[-1], repr(search_path))
        for i, s in enumerate(sources)
        if cache is not None
    ]
    todo: list[Unit] = []
    loaded: set[int] = set()
    for i in range(len(sqlfiles)):
        cached = cache.load(keys[i]) if cache is not None else None
        if isinstance(cached, UnitResult):
            file_stats[i] = cached
            loaded.add(i)
            stats.cached_files += 1
        else:
            todo.extend(u for u in units if u.file == i)

    # A changed file: its routines whose text did not change are served from the memo of
    # the file's previous run (same path, same final catalog), moved to their new offsets.
    memo_keys = {
        i: _digest("units", _code_fingerprint(), s.path, digests[-1], repr(search_path))
        for i, s in enumerate(sources)
        if i not in loaded and cache is not None
    }
    memos: dict[int, dict[str, Any]] = {}
    reused: dict[Unit, UnitResult] = {}
    if cache is not None:
        for i, key in memo_keys.items():
            memo = cache.load(key)
            memos[i] = memo if isinstance(memo, dict) else {}
        for unit in todo:
            if unit.kind == "routine" and unit.catalog == 0:
                stmt = sqlfiles[unit.file].statements[unit.stmt]
                hit = memos[unit.file].get(_unit_key(stmt.text, unit))
                if hit is not None:
                    reused[unit] = _moved(hit[1], hit[0], stmt.start, sqlfiles[unit.file])
    fresh = [u for u in todo if u not in reused]
    checked = dict(
        zip(
            fresh,
            _check_units(sqlfiles, catalogs, fresh, search_path, config.jobs, progress),
            strict=True,
        )
    )
    results = [reused[u] if u in reused else checked[u] for u in todo]
    if cache is not None:
        new_memos: dict[int, dict[str, Any]] = {i: {} for i in memo_keys}
        for unit, res in zip(todo, results, strict=True):
            if unit.kind == "routine" and unit.catalog == 0:
                stmt = sqlfiles[unit.file].statements[unit.stmt]
                new_memos[unit.file][_unit_key(stmt.text, unit)] = (stmt.start, res)
        for i, memo in new_memos.items():
            if memo:
                cache.store(memo_keys[i], memo)
    for unit, res in zip(todo, results, strict=True):
        acc = file_stats[unit.file]
        acc.diagnostics.extend(res.diagnostics)
        acc.functions += res.functions
        acc.views += res.views
        acc.statements += res.statements
        acc.unanalysed += res.unanalysed
    for i, sql in enumerate(sqlfiles):
        if cache is not None and i not in loaded:
            cache.store(keys[i], file_stats[i])
        acc = file_stats[i]
        per_file[i].extend(_syntax_diagnostics(sql))
        per_file[i].extend(ddl_diags[i])
        per_file[i].extend(acc.diagnostics)
        stats.functions += acc.functions
        stats.views += acc.views
        stats.statements += acc.statements + sum(1 for s in sql.statements if s.kind == "other")
        stats.unanalysed += acc.unanalysed
    diagnostics = [d for i in range(len(sqlfiles)) for d in per_file[i]]
    result = CheckResult(diagnostics, stats, {s.path: s for s in sources})
    if cache is not None:
        cache.store(run_key, result)
        cache.prune()
    return result


def _unit_key(text: str, unit: Unit) -> str:
    return _digest(text, unit.schema or "", repr(unit.path))


def _moved(res: UnitResult, old_start: int, new_start: int, sql: SqlFile) -> UnitResult:
    """A memoised result whose statement now starts at ``new_start`` in the file."""
    if old_start == new_start:
        return res
    delta = new_start - old_start
    diagnostics = [
        dataclasses.replace(d, span=sql.source.span(d.span.start + delta, d.span.end + delta))
        if d.span is not None
        else d
        for d in res.diagnostics
    ]
    return dataclasses.replace(res, diagnostics=diagnostics)


# -- catalog -------------------------------------------------------------------------------


def schema_sources(config: Config, *, missing_ok: bool = False) -> list[SourceFile]:
    """The ``*.sql`` files of the configured schema snapshot (``config.schema``, relative to
    the project root), in path order. A missing folder raises FileNotFoundError, or gives
    no files with ``missing_ok``."""
    if not config.schema:
        return []
    root = Path(config.schema)
    if not root.is_absolute():
        root = config.root / root
    if not root.exists():
        if missing_ok:
            return []
        raise FileNotFoundError(2, "schema folder does not exist", str(root))
    files = sorted(root.rglob("*.sql")) if root.is_dir() else [root]
    return [SourceFile.read(f) for f in files]


def _build(
    sqlfiles: list[SqlFile], schema_sources: list[SourceFile], search_path: tuple[str, ...]
) -> tuple[list[Catalog], list[Unit], list[list[Diagnostic]], list[str]]:
    """Apply the DDL in order. Returns catalogs (index 0 = final, then snapshots), units,
    DDL diagnostics per file and the DDL digest before each file (+ the final one)."""
    from pgdrift.catalog.ddl import DdlContext, apply_statement, catalog_from_files

    catalog, _schema_diags = catalog_from_files(schema_sources, search_path)
    catalogs: list[Catalog] = [catalog]
    units: list[Unit] = []
    ddl_diags: list[list[Diagnostic]] = []
    digests: list[str] = []
    digest = _digest(*(s.text for s in schema_sources))
    snapshot: int | None = None
    ctx = DdlContext(catalog, list(search_path), default_search_path=search_path)
    # (schema, name) -> number of input args -> (index of its unit, relations when defined)
    live: dict[tuple[str, str], dict[int, tuple[int, dict[Any, Any]]]] = {}
    relations_now: dict[Any, Any] | None = None

    def take() -> int:
        nonlocal snapshot
        if snapshot is None:
            catalogs.append(_copy_catalog(catalog))
            snapshot = len(catalogs) - 1
        return snapshot

    def supersede(keys: list[tuple[str, str, int | None]]) -> None:
        # A redefined or dropped routine was live until now: check it against the
        # relations of its time (plus any created since), not the final catalog.
        for schema, name, nargs in keys:
            overloads = live.get((schema, name), {})
            for n in [n for n in overloads if nargs is None or n == nargs]:
                i, relations = overloads.pop(n)
                merged = _copy_catalog(catalog)
                merged.relations.update(relations)
                catalogs.append(merged)
                units[i] = dataclasses.replace(units[i], catalog=len(catalogs) - 1)

    for fi, sql in enumerate(sqlfiles):
        digests.append(digest)
        ctx.search_path = list(search_path)
        ctx.source = sql.source
        diags: list[Diagnostic] = []
        parts = [digest]
        for stmt in sql.statements:
            plain = type(stmt.node).__name__ in _PLAIN_DML or (
                type(stmt.node).__name__ == "SelectStmt" and stmt.node.intoClause is None
            )
            recursive_view = stmt.kind == "view" and _names_itself(stmt.node)
            if stmt.kind in ("view", "dml", "create-as", "do") and not recursive_view:
                at = take()
                if stmt.kind != "create-as" or stmt.body is not None:
                    kind = {"view": "view", "do": "do", "create-as": "query"}.get(stmt.kind, "dml")
                    units.append(Unit(fi, stmt.index, kind, at, path=tuple(ctx.path)))
            elif stmt.kind == "trigger" and stmt.body is not None:
                units.append(Unit(fi, stmt.index, "trigger-when", take(), path=tuple(ctx.path)))
            elif type(stmt.node).__name__ in ("CreatePolicyStmt", "AlterPolicyStmt"):
                units.append(Unit(fi, stmt.index, "policy", take(), path=tuple(ctx.path)))
            elif stmt.kind == "function":
                key = _routine_key(stmt.node, ctx.create_schema)
                supersede([key])
                if relations_now is None:
                    relations_now = dict(catalog.relations)
                live.setdefault(key[:2], {})[key[2] or 0] = (len(units), relations_now)
                units.append(Unit(fi, stmt.index, "routine", 0, ctx.create_schema))
            elif type(stmt.node).__name__ == "DropStmt":
                supersede(_dropped_routines(stmt.node, ctx.create_schema))
            phase = wants_check(stmt.node) if stmt.kind == "other" else None
            if phase == "before":
                units.append(_ddl_unit(fi, stmt.index, catalog, catalogs, ctx))
            if not plain and stmt.kind != "do":
                ctx.base_offset = stmt.base
                diags.extend(_apply(apply_statement, catalog, stmt, sql, ctx))
                snapshot = None
                if stmt.kind not in ("function", "trigger"):
                    relations_now = None
            if stmt.kind == "do" and _apply_do_block_ddl(apply_statement, catalog, stmt, sql, ctx):
                snapshot = None
                relations_now = None
                parts.append(stmt.text)
            if recursive_view:  # CREATE RECURSIVE VIEW v: its body reads v itself
                units.append(Unit(fi, stmt.index, "view", take(), path=tuple(ctx.path)))
            if phase == "after":
                units.append(_ddl_unit(fi, stmt.index, catalog, catalogs, ctx))
                text = stmt.text
                if stmt.kind == "function" and stmt.body is not None:
                    text = text.replace(stmt.body.text, "")
                parts.append(text)
        ctx.base_offset = 0
        digest = _digest(*parts)
        ddl_diags.append(diags)
    digests.append(digest)
    return catalogs, units, ddl_diags, digests


def _ddl_unit(fi: int, index: int, catalog: Catalog, catalogs: list[Catalog], ctx: Any) -> Unit:
    """A DDL statement's column references, against the relations as they are now."""
    catalogs.append(Catalog(relations=dict(catalog.relations)))
    return Unit(fi, index, "ddl", len(catalogs) - 1, path=tuple(ctx.path))


def _apply(apply_statement: Any, catalog: Catalog, stmt: Any, sql: SqlFile, ctx: Any) -> Any:
    """Apply one statement to the catalog; an internal failure is a diagnostic, not a crash."""
    try:
        return apply_statement(catalog, stmt.raw, sql.source, stmt.base, ctx=ctx)
    except RecursionError:
        message = "statement too deeply nested to apply to the catalog"
    except Exception as exc:
        message = f"statement not applied to the catalog: {type(exc).__name__}: {exc}"
    from pgdrift.rules.pgd002_unanalysed_statement import UnanalysedStatement

    span = sql.source.span(stmt.start, stmt.start)
    return [UnanalysedStatement.diagnostic(message, span)]


_DDL_VERB = re.compile(r"\s*(?:create|alter|drop)\b", re.IGNORECASE)


def _apply_do_block_ddl(
    apply_statement: Any, catalog: Catalog, stmt: Any, sql: SqlFile, ctx: Any
) -> bool:
    """Apply the static DDL a DO block runs (CREATE/ALTER/DROP, in body order, whatever
    ``IF`` branch it sits in) to the catalog: migrations guard DDL that way (``IF NOT EXISTS
    (…) THEN ALTER TABLE … ADD COLUMN``). Diagnostics of that DDL are dropped (a guarded
    branch may name what does not exist yet). True when anything was applied."""
    body = stmt.body
    if body is None or (stmt.language or "plpgsql") != "plpgsql":
        return False
    low = body.text.lower()
    if "create" not in low and "alter" not in low and "drop" not in low:
        return False
    from pglast import parse_sql

    from pgdrift.parse.plpgsql import parse_do

    fn = parse_do(body.text)
    if fn.tree is None:
        return False
    applied = False
    for node in _execsql_nodes(fn.tree.get("action")):
        query = node.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query", "")
        if not _DDL_VERB.match(query):
            continue
        try:
            raws = parse_sql(query)
            offset = body.file_offset(fn.locate(query, node.get("lineno")).base)
            ctx.base_offset = offset
            before = len(ctx.diagnostics)
            apply_statement(catalog, raws[0], sql.source, offset, ctx=ctx)
            del ctx.diagnostics[before:]
            applied = True
        except Exception:  # DDL pgdrift cannot model stays out of the catalog
            continue
    ctx.base_offset = 0
    return applied


def _names_itself(node: Any) -> bool:
    """A view whose query is ``WITH RECURSIVE <the view's name> …`` (what the grammar makes
    of CREATE RECURSIVE VIEW): checked after the view exists."""
    query = getattr(node, "query", None)
    with_clause = getattr(query, "withClause", None)
    if with_clause is None or not with_clause.recursive:
        return False
    name = node.view.relname
    return any(getattr(cte, "ctename", None) == name for cte in with_clause.ctes or ())


def _execsql_nodes(node: Any) -> Any:
    """Every ``PLpgSQL_stmt_execsql`` under ``node``, in body order."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "PLpgSQL_stmt_execsql":
                yield value
            yield from _execsql_nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _execsql_nodes(item)


def _routine_key(node: Any, default_schema: str) -> tuple[str, str, int | None]:
    from pgdrift.catalog.names import str_list

    names = str_list(node.funcname)
    schema = names[-2] if len(names) >= 2 else default_schema
    n_in = sum(
        1
        for p in node.parameters or ()
        if str(getattr(p.mode, "value", p.mode)) in ("i", "b", "v", "d")
    )
    return (schema, names[-1], n_in)


def _dropped_routines(node: Any, default_schema: str) -> list[tuple[str, str, int | None]]:
    from pglast.enums import ObjectType

    from pgdrift.catalog.names import str_list

    kinds = (ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE, ObjectType.OBJECT_ROUTINE)
    if node.removeType not in kinds:
        return []
    out: list[tuple[str, str, int | None]] = []
    for obj in node.objects or ():
        names = str_list(obj.objname)
        schema = names[-2] if len(names) >= 2 else default_schema
        n_args = None if obj.args_unspecified else len(obj.objargs or ())
        out.append((schema, names[-1], n_args))
    return out


def _copy_catalog(cat: Catalog) -> Catalog:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cat):
        value = getattr(cat, f.name)
        if f.name == "functions":
            value = {k: list(v) for k, v in value.items()}
        else:
            value = copy.copy(value)
        values[f.name] = value
    return Catalog(**values)


def _syntax_diagnostics(sql: SqlFile) -> list[Diagnostic]:
    from pgdrift.rules.pgd001_syntax_error import InvalidSyntax

    return [
        InvalidSyntax.diagnostic(e.message, sql.source.span(e.offset, e.end)) for e in sql.errors
    ]


# -- running -------------------------------------------------------------------------------


def _check_units(
    sqlfiles: list[SqlFile],
    catalogs: list[Catalog],
    units: list[Unit],
    search_path: tuple[str, ...],
    jobs: int,
    progress: Callable[[int, int, str], Any] | None,
) -> list[UnitResult]:
    workers = jobs if jobs > 0 else _cores()
    # every worker gets at least half a threshold's worth of units
    workers = min(workers, max(1, 2 * len(units) // PARALLEL_MIN_UNITS))
    if units:
        # Imported here, once: forked workers inherit it instead of each importing
        # sqlglot and the resolver again (~0.25 s of CPU per worker).
        with _collector_off():
            import pgdrift.analysis.resolve  # noqa: F401
    with _collector_paused():
        if workers > 1 and len(units) >= PARALLEL_MIN_UNITS and _can_fork():
            return _parallel(sqlfiles, catalogs, units, search_path, workers, progress)
        out = []
        for n, unit in enumerate(units):
            out.append(_one(sqlfiles, catalogs, unit, search_path))
            if progress is not None:
                progress(n + 1, len(units), sqlfiles[unit.file].source.path)
        return out


# Units checked between two explicit collections while the collector is paused: sqlglot
# trees are cyclic (parent pointers), so their garbage waits for a collection; this bounds
# it (~25 KB per unit measured on the bench functions, so ~50 MB) on very large runs.
_GC_EVERY = 2000
_checked_since_gc = 0


@contextlib.contextmanager
def _collector_off() -> Any:
    """No automatic collection while importing the parsers, splitting files, building the
    catalog and importing the resolver: they allocate ~150,000 objects (pglast trees, catalog entries, modules)
    that are garbage-free (pglast trees hold no cycles) and live on, so the collections
    their allocation triggers find nothing to free. Measured on the 2,000 bench functions:
    splitting 0.155 -> 0.12 s of CPU. The previous state comes back afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _collector_paused() -> Any:
    """Freeze what exists now -- the catalogs and the parsed files, never garbage during
    the check -- and pause automatic collection while checking.

    Measured on the 2,000 bench functions (one core): freezing alone 2.55 -> 1.85 s of
    CPU (collections no longer walk the catalog again and again); pausing on top, most of
    the rest of the collector's time (4 full collections walking the promoted parse trees,
    ~0.2-0.5 s). Forked workers inherit the paused collector and never pay to free their
    garbage: they end with ``os._exit``. The previous state comes back afterwards."""
    global _checked_since_gc
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    _checked_since_gc = 0
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.unfreeze()


def _collect_now_and_then() -> None:
    global _checked_since_gc
    _checked_since_gc += 1
    if _checked_since_gc >= _GC_EVERY and not gc.isenabled():
        _checked_since_gc = 0
        gc.collect()


def _cores() -> int:
    """The cores this process may run on (its affinity mask, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _one(
    sqlfiles: list[SqlFile], catalogs: list[Catalog], unit: Unit, search_path: tuple[str, ...]
) -> UnitResult:
    sql = sqlfiles[unit.file]
    _collect_now_and_then()
    try:
        return check_unit(unit, sql, catalogs[unit.catalog], search_path)
    except RecursionError:
        return _internal(sql, unit, "statement too deeply nested to analyse")
    except Exception as exc:  # one unit's internal failure must not stop the run
        return _internal(sql, unit, f"internal error: {type(exc).__name__}: {exc}")


def _internal(sql: SqlFile, unit: Unit, message: str) -> UnitResult:
    from pgdrift.rules.pgd002_unanalysed_statement import UnanalysedStatement

    stmt = sql.statements[unit.stmt]
    span = sql.source.span(stmt.start, stmt.start)
    return UnitResult(
        [UnanalysedStatement.diagnostic(f"statement not checked: {message}", span)],
        unanalysed=1,
    )


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _work(chunk: list[int]) -> list[tuple[int, UnitResult]]:
    assert _STATE is not None
    sqlfiles, catalogs, units, search_path = _STATE
    return [(i, _one(sqlfiles, catalogs, units[i], search_path)) for i in chunk]


def _parallel(
    sqlfiles: list[SqlFile],
    catalogs: list[Catalog],
    units: list[Unit],
    search_path: tuple[str, ...],
    workers: int,
    progress: Callable[[int, int, str], Any] | None,
) -> list[UnitResult]:
    """Check ``units`` in forked workers (they inherit the parsed files and catalogs).

    A worker that dies (a crash in a C parser on some odd input) does not hang or stop
    the run: the units of its chunk are retried one by one, and the one that kills its
    worker is reported as unchecked."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    global _STATE
    _STATE = (sqlfiles, catalogs, units, search_path)
    chunks = _chunks(sqlfiles, units, workers)
    out: list[UnitResult | None] = [None] * len(units)
    failed: list[int] = []
    done = 0
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            futures = {pool.submit(_work, chunk): chunk for chunk in chunks}
            for future in as_completed(futures):
                try:
                    part = future.result()
                except BrokenProcessPool:
                    failed.extend(futures[future])
                    continue
                for i, res in part:
                    out[i] = res
                done += len(part)
                if progress is not None:
                    progress(done, len(units), "")
        for i in failed:
            out[i] = _isolated(ctx, i, sqlfiles, units)
    finally:
        _STATE = None
    return [r if r is not None else UnitResult([]) for r in out]


# Chunks per worker: small enough that the last one to finish leaves the other workers
# idle only briefly, large enough that dispatching them costs nothing measurable.
_CHUNKS_PER_WORKER = 16


def _chunks(sqlfiles: list[SqlFile], units: list[Unit], workers: int) -> list[list[int]]:
    """Unit indexes in chunks of about equal work: units dealt round-robin in decreasing
    statement length (what checking a unit costs is about proportional to it), so that no
    chunk holds only the heaviest kind of unit of a regular file."""
    nchunks = max(1, min(len(units), workers * _CHUNKS_PER_WORKER))
    size = [len(sqlfiles[u.file].statements[u.stmt].text) for u in units]
    order = sorted(range(len(units)), key=lambda i: -size[i])
    chunks = [order[k::nchunks] for k in range(nchunks)]
    return [c for c in chunks if c]


def _isolated(ctx: Any, i: int, sqlfiles: list[SqlFile], units: list[Unit]) -> UnitResult:
    """Check one unit in a worker of its own; a crash makes it an unchecked unit."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(1, mp_context=ctx) as pool:
            return pool.submit(_work, [i]).result()[0][1]
    except BrokenProcessPool:
        return _internal(sqlfiles[units[i].file], units[i], "the checker crashed on it")


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def _code_fingerprint() -> str:
    """Size and mtime of every module of the installed pgdrift (and the versions of the
    parsers it uses): a cache entry made by other code is never served."""
    global _CODE
    if _CODE is None:
        import importlib.util

        root = Path(__file__).resolve().parent.parent
        parts = [__version__]
        # The parsers' installed files, found without importing them (a cached run does
        # not otherwise need them: importing pglast alone took ~25 ms of it).
        spec = importlib.util.find_spec("sqlglot")
        if spec is not None and spec.origin:
            version = Path(spec.origin).with_name("_version.py")
            parts.append(version.read_text("utf-8") if version.exists() else spec.origin)
        spec = importlib.util.find_spec("pglast")
        if spec is not None and spec.origin:
            for entry in sorted(os.scandir(Path(spec.origin).parent), key=lambda e: e.name):
                if entry.name == "__init__.py" or entry.name.startswith("parser."):
                    st = entry.stat()
                    parts.append(f"pglast/{entry.name}:{st.st_size}:{st.st_mtime_ns}")
        for dirpath, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json")):
                    st = os.stat(os.path.join(dirpath, name))
                    parts.append(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}")
        _CODE = _digest(*parts)
    return _CODE


_CODE: str | None = None


def _run_key(
    sources: list[SourceFile], schema: list[SourceFile], search_path: tuple[str, ...]
) -> str:
    return _digest(
        "run",
        _code_fingerprint(),
        repr(search_path),
        *(p for s in schema for p in (s.path, s.text)),
        "--",
        *(p for s in sources for p in (s.path, s.text)),
    )
