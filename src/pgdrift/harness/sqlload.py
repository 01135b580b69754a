"""Load SQL files into a database statement by statement, reporting a failure at the
failing statement's ``file:line:col`` with Postgres's own message.

Statements come from :func:`pgdrift.parse.files.split_file`; text that pglast cannot parse
is still sent to the server (its verdict is the one that counts), so a syntax error is
reported with Postgres's message at its position.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pgdrift.parse.files import SqlFile, split_file
from pgdrift.source import SourceFile


class SqlLoadError(Exception):
    """A statement failed. ``path``/``line``/``col`` locate it; ``message`` is the server's."""

    def __init__(
        self,
        path: str,
        line: int,
        col: int,
        message: str,
        *,
        sqlstate: str | None = None,
        detail: str | None = None,
        hint: str | None = None,
        context: str | None = None,
        start: int = 0,
        end: int = 0,
    ):
        self.path, self.line, self.col, self.message = path, line, col, message
        self.sqlstate, self.detail, self.hint, self.context = sqlstate, detail, hint, context
        self.start, self.end = start, end
        super().__init__(self.render())

    def render(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.message}"
        if self.sqlstate:
            text += f" [{self.sqlstate}]"
        for label, value in (("detail", self.detail), ("hint", self.hint)):
            if value:
                text += f"\n  {label}: {value}"
        if self.context:
            text += "\n  context: " + self.context.replace("\n", "\n           ")
        return text


@dataclass(frozen=True)
class Unit:
    """A piece of a file to send to the server: a statement, or unparsable text."""

    start: int
    end: int
    text: str


def sql_files(
    paths: Iterable[str | Path], *, root: Path | None = None, exclude: Sequence[str] = ()
) -> list[Path]:
    """Expand ``paths`` (files or directories, relative to ``root``) into SQL files in load
    order: each path in turn, a directory's ``*.sql`` files sorted by relative path.
    Missing paths are skipped (see :func:`missing_paths`)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if root is not None and not p.is_absolute():
            p = root / p
        if p.is_dir():
            found = sorted(p.rglob("*.sql"), key=lambda f: f.relative_to(p).as_posix())
        elif p.is_file():
            found = [p]
        else:
            continue
        for f in found:
            rel = f.relative_to(root).as_posix() if root and f.is_relative_to(root) else str(f)
            if any(fnmatch.fnmatch(rel, pat) for pat in exclude):
                continue
            if f.resolve() not in seen:
                seen.add(f.resolve())
                out.append(f)
    return out


def missing_paths(paths: Iterable[str | Path], root: Path | None = None) -> list[str]:
    return [
        str(p)
        for p in paths
        if not ((root / p) if root is not None and not Path(p).is_absolute() else Path(p)).exists()
    ]


def files_digest(files: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.resolve()).encode() + b"\0")
        h.update(f.read_bytes() + b"\0")
    return h.hexdigest()


def units(source: SourceFile, parsed: SqlFile | None = None) -> Iterator[Unit]:
    """Statements of ``source`` in order, plus any unparsable text between them
    (``parsed``: its :func:`split_file` result, when the caller has it)."""
    parsed = parsed if parsed is not None else split_file(source)
    text = source.text
    errors = sorted(e.offset for e in parsed.errors)
    pos = 0
    for stmt in [*parsed.statements, None]:
        gap_end = stmt.start if stmt is not None else len(text)
        if any(pos <= e < gap_end for e in errors):
            yield from _gap_units(text, pos, gap_end)
        if stmt is None:
            break
        yield Unit(stmt.start, stmt.end, stmt.text)
        pos = stmt.end


def _gap_units(text: str, start: int, end: int) -> Iterator[Unit]:
    """Unparsable text, sent whole (its trailing ``;`` included, so that the server's
    message is the one psql would show)."""
    while start < end and (text[start].isspace() or text[start] == ";"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield Unit(start, end, text[start:end])


def load_source(conn: Any, source: SourceFile) -> int:
    """Execute every statement of ``source`` on ``conn`` (autocommit); return the count.
    Raises :class:`SqlLoadError` at the first failure."""
    import psycopg

    count = 0
    for unit in units(source):
        try:
            conn.execute(unit.text.encode("utf-8"), prepare=False)
        except psycopg.Error as exc:
            raise _load_error(source, unit, exc) from None
        count += 1
    return count


def load_files(conn: Any, files: Sequence[Path], *, display_root: Path | None = None) -> int:
    """Load ``files`` in order; see :func:`load_source`."""
    total = 0
    for f in files:
        shown = str(f)
        if display_root is not None and f.is_relative_to(display_root):
            shown = f.relative_to(display_root).as_posix()
        try:
            source = SourceFile.read(f, display=shown)
        except (OSError, UnicodeDecodeError) as exc:
            raise SqlLoadError(shown, 1, 1, f"cannot read file: {exc}") from None
        total += load_source(conn, source)
    return total


def _load_error(source: SourceFile, unit: Unit, exc: Any) -> SqlLoadError:
    diag = exc.diag
    offset = unit.start
    pos = diag.statement_position
    if pos and str(pos).isdigit():
        offset = unit.start + int(pos) - 1
    offset = min(max(offset, unit.start), max(unit.end - 1, unit.start))
    line, col = source.position(offset)
    message = diag.message_primary or str(exc).strip().splitlines()[0]
    return SqlLoadError(
        source.path,
        line,
        col,
        message,
        sqlstate=diag.sqlstate,
        detail=diag.message_detail,
        hint=diag.message_hint,
        context=diag.context,
        start=offset,
        end=unit.end,
    )
