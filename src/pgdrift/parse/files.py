"""Split SQL files into statements with exact character offsets (pglast owns the grammar).

pglast 8 reports *character* offsets for statements, tokens and DefElem arguments (measured:
its Cython layer converts libpg_query's UTF-8 byte offsets), so every offset here is a
character offset of the file text and :meth:`SourceFile.span` works directly. A file that does not parse is split
with the scanner into statements, each parsed on its own: the broken ones become
:class:`SyntaxProblem` entries with their location and the others are kept.

>>> f = split_file(SourceFile("a.sql", "select 1;\\nselec 2;\\nselect 3;"))
>>> [(s.text, s.kind) for s in f.statements]
[('select 1', 'dml'), ('select 3', 'dml')]
>>> f.errors[0].message, f.source.position(f.errors[0].offset)
('syntax error at or near "selec"', (2, 1))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, parser

from pgdrift.source import SourceFile

# Statement kinds the checker cares about.
DML_NODES = (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt, ast.MergeStmt)


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    offset: int  # character offset in the file
    end: int


@dataclass(slots=True)
class Body:
    """Text embedded in a file (a function body, a view query, …) and where it sits.

    ``text`` is what the server sees (quote doubling undone); ``offset`` is the file character
    offset of ``text[0]``. ``mapping`` (only for quoted bodies whose escapes change lengths)
    gives the file offset of every character of ``text``.
    """

    text: str
    offset: int
    mapping: list[int] | None = None

    def file_offset(self, i: int) -> int:
        if self.mapping is None:
            return self.offset + i
        if not self.mapping:
            return self.offset
        if i >= len(self.mapping):
            return self.mapping[-1] + 1 + (i - len(self.mapping))
        return self.mapping[max(i, 0)]


@dataclass(slots=True)
class Statement:
    """One top-level statement of a file."""

    index: int
    start: int  # character offsets in the file, leading blanks/comments excluded
    end: int
    text: str
    node: Any  # the pglast AST node of the statement
    kind: str  # "function" | "do" | "view" | "create-as" | "dml" | "trigger" | "other"
    body: Body | None = None  # function / DO body string, view / CREATE AS query
    atomic: list[Body] = field(default_factory=list)  # BEGIN ATOMIC statements
    language: str | None = None
    return_expr: Body | None = None  # SQL-standard ``RETURN expr`` body of a function
    raw: Any = None  # the pglast RawStmt (locations relative to ``base``)
    base: int = 0  # file offset of the text the statement was parsed from


@dataclass(slots=True)
class SqlFile:
    source: SourceFile
    statements: list[Statement] = field(default_factory=list)
    errors: list[SyntaxProblem] = field(default_factory=list)
    # The text as parsed: the source with psql meta-commands blanked (same offsets).
    text: str = ""


def split_file(source: SourceFile) -> SqlFile:
    """Parse ``source`` into statements; syntax errors are collected, never raised.

    psql meta-commands (``\\echo``, ``\\set``, ``\\i``, ``\\gexec``, …) end a statement
    and are skipped, as psql does before the server sees the text.
    """
    result = SqlFile(source)
    text = _without_extension_placeholders(_without_psql_commands(source.text))
    text = _without_down_sections(_without_psql_variables(text))
    text = result.text = _without_driver_placeholders(text)
    try:
        raws = parser.parse_sql(text)
    except parser.ParseError:
        _split_broken(result)
        return result
    for raw in raws or ():
        begin = raw.stmt_location or 0
        length = raw.stmt_len or (len(text) - begin)
        _add_statement(result, raw, begin, begin + length)
    return result


_EXT_PLACEHOLDER = re.compile(r"@extschema(?::([A-Za-z_][\w$]*))?@|@extowner@")


def _without_extension_placeholders(text: str) -> str:
    """Extension scripts name their schema ``@extschema@`` (``@extschema:other@`` for another
    extension's, ``@extowner@`` for the owner); CREATE EXTENSION substitutes them before the
    server parses the text, as Flyway/Liquibase do ``${name}``. Each becomes an identifier padded with blanks (``@extschema@`` ->
    ``extschema  ``; ``schema  .name`` is valid SQL): same length, same offsets."""
    if "${" in text:  # Flyway/Liquibase placeholders: ${schema}, ${flyway:defaultSchema}
        text = _TOOL_PLACEHOLDER.sub(
            lambda m: re.sub(r"\W", "_", m.group(1)).ljust(len(m.group())), text
        )
    if "@ext" not in text:
        return text

    def name(m: re.Match[str]) -> str:
        word = m.group(1) or m.group()[1:-1].partition(":")[0]
        return word.ljust(len(m.group()))

    return _EXT_PLACEHOLDER.sub(name, text)


_TOOL_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][\w.:-]*)\}")


# A psql variable (``:name``, ``:'name'``, ``:"name"``) where a token starts: at the start of
# the text or after a blank, ``(``, ``,`` or ``=`` -- not after a word character, a closing
# bracket or another colon (``x::int``, ``arr[1:n]``). The colon comes first and the test of
# what precedes it is a lookbehind from there, so the regex engine scans for colons instead
# of trying a lookbehind at every position (the bench's files: 30 ms -> under 1 ms).
_PSQL_VARIABLE = re.compile(
    r"""(:)(?<![^\s(,=]:)(?:'([A-Za-z_]\w*)'|"([A-Za-z_]\w*)"|([A-Za-z_]\w*))"""
)


def _without_psql_variables(text: str) -> str:
    """psql interpolates ``:name`` (as is), ``:'name'`` (a literal) and ``:"name"`` (an
    identifier) before the server sees the text, and migration tools and query-file
    libraries use the same placeholders (``:SCHEMA.jobs``, ``id = :user_id``). Each becomes
    what it stands for, padded with blanks (same length, same offsets): a schema name
    before a dot, else a query parameter ``$1``."""
    if ":" not in text:
        return text

    def value(m: re.Match[str]) -> str:
        if m.group(2):
            return f"'{m.group(2)}' "
        if m.group(3):
            return f'"{m.group(3)}" '
        name = m.group(4)
        if _QUALIFIER_NEXT.match(text, m.end()):  # :SCHEMA.table: a schema name
            return f"{name} "
        before = _WORD_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        if before is not None and before.group(1).lower() in _NAME_AFTER:
            return f"{name} "  # create schema :SCHEMA, grant … to :role: a name
        return "$1".ljust(len(name) + 1)  # a value (:user_id): a query parameter

    return _PSQL_VARIABLE.sub(value, text)


_QUALIFIER_NEXT = re.compile(r"[ \t]*\.")
_WORD_BEFORE = re.compile(r"([A-Za-z_]+)\s*$")
_NAME_AFTER = frozenset(
    {
        "schema", "table", "from", "join", "into", "update", "on", "exists", "view",
        "function", "procedure", "type", "sequence", "index", "owner", "to", "role", "user",
        "only", "trigger", "extension", "domain",
    }
)  # fmt: skip


# Query-file placeholders of code generators and drivers: sqlc.arg(name) / narg / slice,
# sqlc.embed(table), psycopg's %(name)s and a bare %s in a value position.
_SQLC_ARG = re.compile(r"\bsqlc\.(?:arg|narg|slice)\(\s*(?:'[^']*'|\"[^\"]*\"|[A-Za-z_]\w*)\s*\)")
_SQLC_EMBED = re.compile(r"\bsqlc\.embed\(\s*([A-Za-z_]\w*)\s*\)")
_PYFORMAT = re.compile(r"%\([A-Za-z_]\w*\)s|(?<=[=(,<>])(\s*)%s\b|(?<=[=(,<>] )%s\b")


def _without_driver_placeholders(text: str) -> str:
    """``sqlc.arg(x)``, ``%(x)s`` and value-position ``%s`` are query parameters filled in
    by the client: each becomes ``$1`` (``sqlc.embed(t)`` the row ``t``), padded with
    blanks: same length, same offsets."""
    if "sqlc." in text:
        text = _SQLC_ARG.sub(lambda m: "$1".ljust(len(m.group())), text)
        text = _SQLC_EMBED.sub(lambda m: m.group(1).ljust(len(m.group())), text)
    if "%(" in text or "%s" in text:  # what each placeholder has (``%ROWTYPE`` is none)

        def param(m: re.Match[str]) -> str:
            lead = m.group(1) or ""
            return lead + "$1".ljust(len(m.group()) - len(lead))

        text = _PYFORMAT.sub(param, text)
    return text


# Section markers of one-file migrations: goose (-- +goose Up/Down), sql-migrate
# (-- +migrate Up/Down), dbmate (-- migrate:up / -- migrate:down).
_MIGRATION_MARK = re.compile(
    r"^[ \t]*--[ \t]*(?:\+goose[ \t]+|\+migrate[ \t]+|migrate:)(up|down)\b[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)


def _without_down_sections(text: str) -> str:
    """The down section of a one-file migration undoes the up section and does not run
    when migrating up: blanked (newlines kept), from its marker to the next up marker."""
    if "--" not in text or "own" not in text.lower():
        return text
    marks = list(_MIGRATION_MARK.finditer(text))
    if not any(m.group(1).lower() == "down" for m in marks):
        return text
    out = list(text)
    for i, m in enumerate(marks):
        if m.group(1).lower() != "down":
            continue
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        for j in range(m.end(), end):
            if out[j] != "\n":
                out[j] = " "
    return "".join(out)


def _without_psql_commands(text: str) -> str:
    """``text`` with each psql meta-command (a backslash outside quotes, to the end of its
    line) replaced by ``;`` and blanks: same length, same offsets."""
    if "\\" not in text:
        return text
    text = _without_copy_data(text)
    try:
        tokens = parser.scan(text)
    except parser.ParseError:
        # The scanner refuses some meta-command arguments, e.g. pg_dump's
        # ``\restrict 71HWM…`` (a key starting with a digit: "trailing junk after numeric
        # literal"). Blank whole meta-command lines first, then scan again.
        text = _META_LINE.sub(lambda m: ";" + " " * (len(m.group()) - 1), text)
        try:
            tokens = parser.scan(text)
        except parser.ParseError:
            return text
    out = list(text)
    for tok in tokens:
        if tok.name == "ASCII_92":
            end = text.find("\n", tok.start)
            end = len(text) if end == -1 else end
            out[tok.start : end] = [";"] + [" "] * (end - tok.start - 1)
    return "".join(out)


_META_LINE = re.compile(r"(?m)^[ \t]*\\[A-Za-z!?].*$")
_COPY_STDIN = re.compile(r"^[ \t]*COPY\b[^;]*?\bFROM\s+stdin\b[^;]*;[^\n]*\n", re.I | re.M)
_COPY_END = re.compile(r"^\\\.[ \t\r]*$", re.M)


def _without_copy_data(text: str) -> str:
    """Blank the data rows that follow ``COPY … FROM stdin;`` up to ``\\.`` (pg_dump)."""
    if "stdin" not in text.lower():
        return text
    out = list(text)
    pos = 0
    while (m := _COPY_STDIN.search(text, pos)) is not None:
        end = _COPY_END.search(text, m.end())
        stop = end.end() if end else len(text)
        for i in range(m.end(), stop):
            if out[i] != "\n":
                out[i] = " "
        pos = stop
    return "".join(out)


def _add_statement(result: SqlFile, raw: Any, start: int, end: int, base: int = 0) -> None:
    text = result.text
    start = _skip_blank(text, start, end)
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    stmt = Statement(len(result.statements), start, end, text[start:end], raw.stmt, "other")
    stmt.raw, stmt.base = raw, base
    _classify(stmt, text, base)
    result.statements.append(stmt)


_BLANK = re.compile(r"(?:\s+|--[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)*")


def _skip_blank(text: str, start: int, end: int) -> int:
    m = _BLANK.match(text, start, end)
    return m.end() if m else start


def _split_broken(result: SqlFile) -> None:
    """Scanner split of a file with syntax errors; parse each piece on its own."""
    text = result.text
    try:
        tokens = list(parser.scan(text))
        scan_error: tuple[str, int] | None = None
    except parser.ParseError as exc:
        message, pos = str(exc.args[0]), _error_pos(exc)
        scan_error = (message, pos)
        try:
            tokens = list(parser.scan(text[:pos]))
        except parser.ParseError:
            tokens = []
    for p_start, p_end in _pieces(tokens):
        piece = text[p_start:p_end]
        try:
            raws = parser.parse_sql(piece)
        except parser.ParseError as exc:
            pos = _error_pos(exc)
            at = p_start + max(pos, 0)
            result.errors.append(SyntaxProblem(str(exc.args[0]), at, _token_end(text, at)))
            continue
        for raw in raws or ():
            begin = p_start + (raw.stmt_location or 0)
            length = raw.stmt_len or (p_end - begin)
            _add_statement(result, raw, begin, begin + length, p_start)
    if scan_error is not None:
        at = scan_error[1]
        result.errors.append(SyntaxProblem(scan_error[0], at, _token_end(text, at)))
    result.errors.sort(key=lambda e: e.offset)
    result.statements.sort(key=lambda s: s.start)
    for i, stmt in enumerate(result.statements):
        stmt.index = i


def _error_pos(exc: parser.ParseError) -> int:
    pos = exc.args[1] if len(exc.args) > 1 else None
    return int(pos) if isinstance(pos, int) else 0


def _token_end(text: str, at: int) -> int:
    m = re.compile(r"\S+").match(text, at)
    return min(m.end(), at + 40) if m else at


_COMMENTS = ("SQL_COMMENT", "C_COMMENT")


def _pieces(tokens: list[Any]) -> list[tuple[int, int]]:
    """Byte ranges of statements: split at top-level ';', keeping BEGIN ATOMIC … END whole."""
    pieces: list[tuple[int, int]] = []
    start: int | None = None
    atomic = 0
    case = 0
    prev = ""
    tokens = [t for t in tokens if t.name not in _COMMENTS]
    for tok in tokens:
        name = tok.name
        if start is None:
            if name == "ASCII_59":
                continue
            start = tok.start
        if name == "ATOMIC" and prev == "BEGIN_P":
            atomic += 1
        elif atomic and name == "CASE":
            case += 1
        elif atomic and name == "END_P":
            if case:
                case -= 1
            else:
                atomic -= 1
        elif name == "ASCII_59" and not atomic:
            pieces.append((start, tok.start))
            start = None
        prev = name
    if start is not None and tokens:
        pieces.append((start, tokens[-1].end + 1))
    return pieces


# -- classification and embedded texts -----------------------------------------------------


def _classify(stmt: Statement, text: str, base: int) -> None:
    """Set kind/language/body; ``base`` is the file offset of the parsed text's start."""
    node = stmt.node
    if isinstance(node, ast.CreateFunctionStmt):
        stmt.kind = "function"
        stmt.language = _option(node.options, "language") or "sql"
        if node.sql_body is not None:
            stmt.atomic = _atomic_bodies(stmt, text)
            if not stmt.atomic:
                stmt.return_expr = _return_expr(stmt)
            return
        for opt in node.options or ():
            if opt.defname == "as" and opt.arg:
                args = opt.arg if isinstance(opt.arg, tuple | list) else (opt.arg,)
                if len(args) == 1 and getattr(args[0], "sval", None) is not None:
                    stmt.body = _string_body(text, base + opt.arg_location, args[0].sval)
    elif isinstance(node, ast.DoStmt):
        stmt.kind = "do"
        stmt.language = "plpgsql"
        for opt in node.args or ():
            if opt.defname == "language":
                stmt.language = opt.arg.sval.lower()
            elif opt.defname == "as":
                stmt.body = _string_body(text, base + opt.arg_location, opt.arg.sval)
    elif isinstance(node, ast.ViewStmt):
        stmt.kind = "view"
        stmt.body = _query_after_as(stmt)
    elif isinstance(node, ast.CreateTableAsStmt) and not node.is_select_into:
        stmt.kind = "create-as"
        stmt.body = _query_after_as(stmt)
    elif isinstance(node, DML_NODES):
        stmt.kind = "dml"
    elif isinstance(node, ast.CallStmt):
        # CALL p(args): the resolver checks it as a procedure call (OUT arguments count)
        if re.match(r"call\b", stmt.text, re.IGNORECASE):
            stmt.kind = "dml"
            stmt.body = Body(stmt.text, stmt.start)
    elif isinstance(node, ast.CreateTrigStmt):
        stmt.kind = "trigger"
        if node.whenClause is not None:
            stmt.body = paren_after(stmt, "WHEN")


def _option(options: Any, name: str) -> str | None:
    for opt in options or ():
        if opt.defname == name and opt.arg is not None:
            return str(getattr(opt.arg, "sval", "")).lower() or None
    return None


# A dollar-quote tag: a letter, "_" or any character U+0080-U+FFFF, then word characters or
# those. The range is spelled as "not ASCII and not above U+FFFF": the same characters,
# but a regex that compiles in 0.1 ms instead of 4 (on every run's path).
_DOLLAR = re.compile(
    r"\$((?:[A-Za-z_]|[^\x00-\x7f\U00010000-\U0010ffff])(?:\w|[^\x00-\x7f\U00010000-\U0010ffff])*)?\$"
)


def _string_body(text: str, at: int, value: str) -> Body:
    """The body of a string constant starting at file offset ``at``."""
    m = _DOLLAR.match(text, at)
    if m:
        return Body(value, m.end())
    prefix = 0
    if text[at : at + 1] in "eE" and text[at + 1 : at + 2] == "'":
        prefix = 1
    elif text[at : at + 3].upper() == "U&'":
        prefix = 2
    if text[at + prefix : at + prefix + 1] != "'":
        # no string constant where pglast said: find the body text itself
        found = text.find(value, max(at - 2000, 0)) if value else -1
        return Body(value, found if found != -1 else at)
    begin = at + prefix + 1
    mapping: list[int] = []
    i = begin
    escapes = prefix == 1
    while i < len(text):
        ch = text[i]
        if ch == "'":
            if text[i + 1 : i + 2] == "'":
                mapping.append(i)
                i += 2
                continue
            break
        if escapes and ch == "\\" and i + 1 < len(text):
            mapping.append(i)
            i += 2
            continue
        mapping.append(i)
        i += 1
    if len(mapping) == len(value) and mapping == list(range(begin, begin + len(mapping))):
        return Body(value, begin)
    if len(mapping) == len(value):
        return Body(value, begin, mapping)
    return Body(value, begin)


def _stmt_tokens(stmt: Statement) -> list[tuple[str, int, int]]:
    """(name, start, end) of the statement's tokens, char offsets relative to stmt.text."""
    try:
        tokens = parser.scan(stmt.text)
    except parser.ParseError:
        return []
    return [(t.name, t.start, t.end + 1) for t in tokens if t.name not in _COMMENTS]


def _atomic_bodies(stmt: Statement, text: str) -> list[Body]:
    tokens = _stmt_tokens(stmt)
    begin = None
    for i, (name, _s, _e) in enumerate(tokens):
        if name == "ATOMIC" and i and tokens[i - 1][0] == "BEGIN_P":
            begin = i + 1
            break
    if begin is None:
        return []
    last_end = max((i for i, t in enumerate(tokens) if t[0] == "END_P"), default=len(tokens))
    bodies: list[Body] = []
    piece_start: int | None = None
    case = 0
    for name, s, e in tokens[begin:last_end]:
        if piece_start is None:
            if name == "ASCII_59":
                continue
            piece_start = s
        if name == "CASE":
            case += 1
        elif name == "END_P" and case:
            case -= 1
        elif name == "ASCII_59" and not case:
            bodies.append(Body(stmt.text[piece_start:s], stmt.start + piece_start))
            piece_start = None
        last = e
    if piece_start is not None:
        bodies.append(Body(stmt.text[piece_start:last], stmt.start + piece_start))
    return bodies


def _return_expr(stmt: Statement) -> Body | None:
    """The expression of a SQL-standard ``RETURN expr`` function body."""
    depth = 0
    at = None
    tokens = _stmt_tokens(stmt)
    for i, (name, _s, _e) in enumerate(tokens):
        if name == "ASCII_40":
            depth += 1
        elif name == "ASCII_41":
            depth -= 1
        elif name == "RETURN" and depth == 0 and i + 1 < len(tokens):
            at = i + 1
    if at is None:
        return None
    start, end = tokens[at][1], tokens[-1][2]
    return Body(stmt.text[start:end], stmt.start + start)


def paren_after(stmt: Statement, *keywords: str) -> Body | None:
    """The text inside the ``( … )`` that follows the first top-level occurrence of the
    keyword sequence ``keywords`` (token names): ``WHEN`` of CREATE TRIGGER, ``USING`` and
    ``WITH CHECK`` of CREATE / ALTER POLICY."""
    tokens = _stmt_tokens(stmt)
    width = len(keywords)
    depth = 0
    for i, (name, _s, _e) in enumerate(tokens):
        if name == "ASCII_40":
            depth += 1
        elif name == "ASCII_41":
            depth -= 1
        elif depth == 0 and tuple(t[0] for t in tokens[i : i + width]) == keywords:
            at = i + width
            if at >= len(tokens) or tokens[at][0] != "ASCII_40":
                return None
            inner = 0
            for j in range(at, len(tokens)):
                if tokens[j][0] == "ASCII_40":
                    inner += 1
                elif tokens[j][0] == "ASCII_41":
                    inner -= 1
                    if inner == 0:
                        start, end = tokens[at][2], tokens[j][1]
                        return Body(stmt.text[start:end], stmt.start + start)
            return None
    return None


def _query_after_as(stmt: Statement) -> Body | None:
    """The query of CREATE VIEW / CREATE TABLE AS: after the first top-level AS."""
    depth = 0
    tokens = _stmt_tokens(stmt)
    for i, (name, _s, _e) in enumerate(tokens):
        if name == "ASCII_40":
            depth += 1
        elif name == "ASCII_41":
            depth -= 1
        elif name == "AS" and depth == 0 and i + 1 < len(tokens):
            q_start = tokens[i + 1][1]
            q_end = _strip_trailer(tokens[i + 1 :], len(stmt.text))
            return Body(stmt.text[q_start:q_end], stmt.start + q_start)
    return None


_TRAILERS = (
    ("WITH", "CHECK", "OPTION"),
    ("WITH", "CASCADED", "CHECK", "OPTION"),
    ("WITH", "LOCAL", "CHECK", "OPTION"),
    ("WITH", "DATA_P"),
    ("WITH", "NO", "DATA_P"),
)


def _strip_trailer(tokens: list[tuple[str, int, int]], end: int) -> int:
    names = [t[0].replace("WITH_LA", "WITH") for t in tokens]
    for trailer in _TRAILERS:
        n = len(trailer)
        if len(names) > n and tuple(names[-n:]) == trailer:
            return tokens[-n - 1][2]
    return tokens[-1][2] if tokens else end
