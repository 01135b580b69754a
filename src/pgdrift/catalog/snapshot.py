"""``expected_schema/``: the checked-in snapshot of a database schema, as SQL DDL files.

Reading: every ``*.sql`` file under the directory, parsed with pglast; statements are
applied in dependency order, not file order (schemas, extensions, types, sequences,
functions, tables parents-first, views in reference order, functions whose signatures use
table types, then constraints/indexes, then triggers), so one file per object works.
Writing: :func:`write_snapshot` puts each object's canonical DDL (from live introspection)
in its file, leaves unchanged files untouched and removes files of dropped objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pglast
from pglast import ast

from pgdrift.catalog.ddl import apply_statement, fill_type_values, syntax_error
from pgdrift.catalog.ddl_context import DdlContext
from pgdrift.catalog.model import Catalog
from pgdrift.catalog.names import is_node, str_list, walk
from pgdrift.diagnostic import Diagnostic
from pgdrift.source import SourceFile

if TYPE_CHECKING:
    from pgdrift.catalog.live import LiveSchema

__all__ = [
    "SnapshotDirError",
    "catalog_from_ordered",
    "load_script",
    "ordered_sources",
    "read_snapshot",
    "read_snapshot_with_diagnostics",
    "snapshot_files",
    "write_snapshot",
]

_PHASE = {
    "CreateSchemaStmt": 0,
    "CreateExtensionStmt": 1,
    "CreateEnumStmt": 2,
    "CreateDomainStmt": 2,
    "CreateRangeStmt": 2,
    "AlterEnumStmt": 2,
    "CompositeTypeStmt": 3,
    "CreateSeqStmt": 4,
    # 5: functions; 6: tables; 7: views; 8: functions using table types or BEGIN ATOMIC
    "AlterTableStmt": 9,
    "AlterSeqStmt": 9,
    "IndexStmt": 9,
    "CreateTrigStmt": 10,
}


def snapshot_files(directory: str | Path) -> list[Path]:
    """Every ``*.sql`` file under ``directory``, in a stable order."""
    root = Path(directory)
    return sorted(p for p in root.rglob("*.sql") if p.is_file())


def read_snapshot(directory: str | Path) -> Catalog:
    """The Catalog an ``expected_schema/`` directory describes.

    Raises ``FileNotFoundError`` when the directory does not exist."""
    return read_snapshot_with_diagnostics(directory)[0]


def read_snapshot_with_diagnostics(directory: str | Path) -> tuple[Catalog, list[Diagnostic]]:
    root = Path(directory)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such directory")
    sources = []
    diagnostics: list[Diagnostic] = []
    for path in snapshot_files(root):
        try:
            sources.append(SourceFile.read(path))
        except (OSError, UnicodeDecodeError) as exc:
            from pgdrift.diagnostic import Severity

            diagnostics.append(
                Diagnostic("PGD001", "syntax-error", Severity.ERROR, f"cannot read {path}: {exc}")
            )
    catalog, more = catalog_from_ordered(sources)
    return catalog, diagnostics + more


# -- dependency order --


def _referenced(node: Any) -> set[str]:
    return {n.relname for n in walk(node) if is_node(n, ast.RangeVar)}


def _type_names(fn: Any) -> set[str]:
    names: set[str] = set()
    for p in fn.parameters or ():
        if p.argType is not None:
            names.add(str_list(p.argType.names)[-1])
    if fn.returnType is not None:
        names.add(str_list(fn.returnType.names)[-1])
    return names


def ordered_statements(
    sources: Iterable[SourceFile],
) -> tuple[list[tuple[SourceFile, Any]], list[Diagnostic]]:
    """Every statement of ``sources`` as (source, RawStmt), in dependency order."""
    parsed: list[tuple[SourceFile, Any]] = []
    diagnostics: list[Diagnostic] = []
    for src in sources:
        try:
            parsed.extend((src, raw) for raw in pglast.parse_sql(src.text))
        except pglast.parser.ParseError as exc:
            diagnostics.append(syntax_error(src, exc))
    tables = {raw.stmt.relation.relname for _, raw in parsed if is_node(raw.stmt, ast.CreateStmt)}
    buckets: dict[int, list[tuple[SourceFile, Any]]] = defaultdict(list)
    for item in parsed:
        node = item[1].stmt
        kind = type(node).__name__
        if kind == "CreateFunctionStmt":
            late = node.sql_body is not None or bool(_type_names(node) & tables)
            phase = 8 if late else 5
        elif kind == "CreateStmt":
            phase = 6
        elif kind in ("ViewStmt", "CreateTableAsStmt"):
            phase = 7
        elif kind == "CompositeTypeStmt":
            attribute_types = {
                str_list(c.typeName.names)[-1] for c in node.coldeflist or () if c.typeName
            }
            phase = 7 if attribute_types & tables else 3  # a table's row type: after tables
        else:
            phase = _PHASE.get(kind, 11)
        buckets[phase].append(item)
    out: list[tuple[SourceFile, Any]] = []
    for phase in sorted(buckets):
        items = buckets[phase]
        if phase == 6:
            items = _parents_first(items)
        elif phase == 7:
            items = _views_in_order(items)
        out.extend(items)
    return out, diagnostics


def _name_of(node: Any) -> str:
    if is_node(node, ast.CreateStmt):
        return str(node.relation.relname)
    if is_node(node, ast.ViewStmt):
        return str(node.view.relname)
    if is_node(node, ast.CreateTableAsStmt):
        return str(node.into.rel.relname)
    return ""


def _topological(
    items: list[tuple[SourceFile, Any]], deps: dict[int, set[str]]
) -> list[tuple[SourceFile, Any]]:
    names = {_name_of(raw.stmt) for _, raw in items}
    done: set[str] = set()
    remaining = list(range(len(items)))
    out: list[tuple[SourceFile, Any]] = []
    while remaining:
        ready = [
            i for i in remaining if not ((deps[i] & names) - done - {_name_of(items[i][1].stmt)})
        ]
        if not ready:  # a cycle or a self-reference we cannot order: keep file order
            ready = remaining[:1]
        for i in ready:
            out.append(items[i])
            done.add(_name_of(items[i][1].stmt))
        remaining = [i for i in remaining if i not in ready]
    return out


def _parents_first(items: list[tuple[SourceFile, Any]]) -> list[tuple[SourceFile, Any]]:
    deps = {
        i: {rv.relname for rv in raw.stmt.inhRelations or ()} for i, (_, raw) in enumerate(items)
    }
    return _topological(items, deps)


def _views_in_order(items: list[tuple[SourceFile, Any]]) -> list[tuple[SourceFile, Any]]:
    deps = {}
    for i, (_, raw) in enumerate(items):
        node = raw.stmt
        query = node.query if hasattr(node, "query") else None
        deps[i] = _referenced(query) if query is not None else set()
    return _topological(items, deps)


def ordered_sources(sources: list[SourceFile]) -> list[SourceFile]:
    """``sources`` sorted by path (the order does not matter to :func:`catalog_from_ordered`)."""
    return sorted(sources, key=lambda s: s.path)


def catalog_from_ordered(
    sources: Iterable[SourceFile], search_path: tuple[str, ...] = ("public",)
) -> tuple[Catalog, list[Diagnostic]]:
    """Apply the statements of ``sources`` to a new Catalog in dependency order."""
    statements, diagnostics = ordered_statements(sources)
    catalog = Catalog()
    ctx = DdlContext(catalog, list(search_path), default_search_path=search_path)
    for src, raw in statements:
        ctx.source = src
        ctx.base_offset = 0
        ctx.search_path = list(search_path)
        apply_statement(catalog, raw, src, ctx=ctx)
    fill_type_values(ctx)
    return catalog, diagnostics + ctx.diagnostics


def load_script(sources_or_dir: str | Path | Iterable[SourceFile]) -> str:
    """One SQL script that creates the snapshot's objects in dependency order (for loading
    it into an empty database)."""
    if isinstance(sources_or_dir, (str, Path)):
        sources: Iterable[SourceFile] = [SourceFile.read(p) for p in snapshot_files(sources_or_dir)]
    else:
        sources = sources_or_dir
    statements, diagnostics = ordered_statements(sources)
    if diagnostics:
        d = diagnostics[0]
        where = f"{d.span.path}:{d.span.line}:{d.span.col}" if d.span else ""
        raise ValueError(f"{where}: {d.message}")
    parts = ["SET check_function_bodies = off;\n"]
    for src, raw in statements:
        end = raw.stmt_location + raw.stmt_len if raw.stmt_len else len(src.text)
        parts.append(src.text[raw.stmt_location : end].strip() + ";\n")
    return "".join(parts)


# -- writing --


MARKER = ".pgdrift-snapshot"
MARKER_TEXT = (
    "This directory is written by `pgdrift snapshot`: one file per database object.\n"
    "Files of objects that no longer exist are removed on the next snapshot.\n"
)


class SnapshotDirError(Exception):
    """The target directory holds SQL files that pgdrift did not write."""


def write_snapshot(
    live: LiveSchema, directory: str | Path, *, force: bool = False
) -> tuple[list[str], list[str]]:
    """Write one file per object under ``directory``; remove files of objects that no
    longer exist. Returns (written or changed paths, removed paths), relative.

    Stale files are only removed from a directory pgdrift wrote (it leaves a
    ``.pgdrift-snapshot`` marker): pointing ``-o`` at a folder of migrations raises
    :class:`SnapshotDirError` instead of deleting them, unless ``force``."""
    root = Path(directory)
    marker = root / MARKER
    if not force and not marker.is_file() and root.is_dir() and snapshot_files(root):
        raise SnapshotDirError(
            f"{root} holds *.sql files that `pgdrift snapshot` did not write (no {MARKER} "
            "marker); refusing to replace them: choose another directory or pass --force"
        )
    root.mkdir(parents=True, exist_ok=True)
    if not marker.is_file() or marker.read_text("utf-8") != MARKER_TEXT:
        marker.write_text(MARKER_TEXT, encoding="utf-8", newline="\n")
    files: dict[str, list[str]] = defaultdict(list)
    for obj in live.objects:
        files[obj.path].append(obj.ddl)
    changed: list[str] = []
    for rel_path, parts in sorted(files.items()):
        text = "\n".join(parts)
        target = root / rel_path
        if target.is_file() and target.read_text("utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        changed.append(rel_path)
    removed: list[str] = []
    for path in snapshot_files(root):
        rel = path.relative_to(root).as_posix()
        if rel not in files:
            path.unlink()
            removed.append(rel)
    for d in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(d.iterdir()):
            d.rmdir()
    return changed, removed


class BackgroundRead:
    """:func:`read_snapshot_with_diagnostics` in a forked worker process (when the
    platform forks and there is more than one core), so that ``pgdrift diff`` reads the
    snapshot while the database is introspected. ``result()`` returns what the function
    returns (or raises what it raised)."""

    def __init__(self, directory: str | Path) -> None:
        import multiprocessing
        import os

        self._directory = directory
        self._pool: Any = None
        self._future: Any = None
        if (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._future = self._pool.submit(read_snapshot_with_diagnostics, directory)

    def result(self) -> tuple[Catalog, list[Diagnostic]]:
        if self._future is None:
            return read_snapshot_with_diagnostics(self._directory)
        try:
            return self._future.result()  # type: ignore[no-any-return]
        finally:
            self._pool.shutdown()
