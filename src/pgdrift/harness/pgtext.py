"""The text pgdrift hands to Postgres for analysis: a statement with non-overlapping
replacements whose offsets map back to the original (:class:`Text`), the references pglast
finds in it (:func:`parse_refs`), token helpers, and the rule code for a Postgres error
(:func:`code_for`). Used by :mod:`pgdrift.harness.pgverdict` and :mod:`pgdrift.verify`.

>>> t = Text("SELECT v_chunk.chunk_number")
>>> t.replace(7, 14, "$1")
>>> t.render(), t.to_base(7), t.to_base(9)
('SELECT $1.chunk_number', 7, 14)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, parse_sql
from pglast.parser import ParseError, scan

from pgdrift.analysis.env import Variable

COUNT_MESSAGES = (
    "has more target columns than expressions",
    "has more expressions than target columns",
    "number of columns does not match number of values",
    "must have the same number of columns",
    "columns available but",
    "source for a multiple-column UPDATE item must be",
)


def code_for(sqlstate: str, message: str) -> str | None:
    """The pgdrift rule for a Postgres error that names a reference problem, else None.

    Shared by ``verify``'s loader and the resolver so that both speak check's codes."""
    if any(m in message for m in COUNT_MESSAGES):
        return "PGD109"
    if sqlstate == "42601":
        return "PGD001"
    if sqlstate == "42P10" and "ON CONFLICT specification" in message:
        return "PGD111"
    if sqlstate == "42704" and message.startswith("type "):
        return "PGD110"
    if sqlstate == "23514" or (
        sqlstate == "22P02" and message.startswith("invalid input value for enum")
    ):
        return "PGD107"
    return {
        "42703": "PGD101",
        "42P01": "PGD102",
        "42883": "PGD104",
        "42702": "PGD105",
        "42712": "PGD105",
    }.get(sqlstate)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def qualified(relation: str) -> str:
    schema, _, name = relation.partition(".")
    return f"{quote_ident(schema)}.{quote_ident(name)}" if name else quote_ident(schema)


# -- the text being prepared -------------------------------------------------------------


@dataclass
class Text:
    """A base SQL string with non-overlapping replacements; maps rendered offsets back."""

    base: str
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    def replace(self, start: int, end: int, text: str) -> None:
        self.edits = [e for e in self.edits if e[1] <= start or e[0] >= end]
        self.edits.append((start, end, text))
        self.edits.sort()

    def remove(self, start: int) -> tuple[int, int, str] | None:
        for e in self.edits:
            if e[0] == start:
                self.edits.remove(e)
                return e
        return None

    def render(self) -> str:
        out, pos = [], 0
        for s, e, t in self.edits:
            out.append(self.base[pos:s])
            out.append(t)
            pos = e
        out.append(self.base[pos:])
        return "".join(out)

    def to_base(self, offset: int) -> int:
        shift = 0
        for s, e, t in self.edits:
            if offset < s + shift:
                break
            if offset < s + shift + len(t):
                return s
            shift += len(t) - (e - s)
        return max(0, min(offset - shift, len(self.base)))


@dataclass
class Ref:
    """A ColumnRef in the base text: ``fields`` folded, ``[start, end)`` its span."""

    start: int
    end: int
    fields: tuple[str, ...]
    name_end: int = 0  # end of the variable part when it names a variable
    var: Variable | None = None
    field_of_record: str | None = None
    param: int | None = None  # our parameter number when substituted


@dataclass
class Parsed:
    node: Any
    tokens: list[tuple[int, int, str]]
    refs: list[Ref]
    params: list[tuple[int, int, int]]  # ($n number, start, end)
    ranges: list[tuple[int, int, str | None, str]]  # RangeVar spans: (start, end, alias, name)
    calls: list[tuple[int, int, tuple[str, ...], int]]  # FuncCall: span, name, nargs


def tokens_of(sql: str) -> list[tuple[int, int, str]]:
    try:
        return [(t.start, t.end + 1, t.name) for t in scan(sql)]
    except ParseError:
        return []


def span_tokens(tokens: list[tuple[int, int, str]], start: int, count: int) -> int:
    for i, tok in enumerate(tokens):
        if tok[0] == start:
            last = tokens[min(i + count - 1, len(tokens) - 1)]
            return last[1]
    return start + 1


def call_end(tokens: list[tuple[int, int, str]], start: int) -> int:
    depth = 0
    for tok in tokens:
        if tok[0] < start:
            continue
        if tok[2] == "ASCII_40":
            depth += 1
        elif tok[2] == "ASCII_41":
            depth -= 1
            if depth == 0:
                return tok[1]
    return start + 1


def walk(node: Any, visit: Callable[[Any], None]) -> None:
    if isinstance(node, ast.Node):
        visit(node)
        for name in getattr(node, "__slots__", ()):
            walk(getattr(node, name, None), visit)
    elif isinstance(node, list | tuple):
        for item in node:
            walk(item, visit)


def parse_refs(sql: str) -> Parsed | None:
    try:
        stmts = parse_sql(sql)
    except ParseError:
        return None
    if len(stmts) != 1:
        return None
    node = stmts[0].stmt
    tokens = tokens_of(sql)
    parsed = Parsed(node, tokens, [], [], [], [])

    def visit(node: Any) -> None:
        n: Any = node  # pglast nodes; branch on the class name to keep attributes loose
        kind = type(n).__name__
        loc = getattr(n, "location", None)
        if not isinstance(loc, int) or loc < 0:
            return
        if kind == "ColumnRef":
            fields = tuple(str(f.sval) if isinstance(f, ast.String) else "*" for f in n.fields)
            end = span_tokens(tokens, loc, 2 * len(fields) - 1)
            parsed.refs.append(Ref(loc, end, fields))
        elif kind == "ParamRef":
            parsed.params.append((n.number, loc, span_tokens(tokens, loc, 1)))
        elif kind == "RangeVar":
            count = 3 if n.schemaname else 1
            alias = n.alias.aliasname if n.alias is not None else None
            parsed.ranges.append((loc, span_tokens(tokens, loc, count), alias, n.relname))
        elif kind == "FuncCall":
            name = tuple(str(f.sval) for f in n.funcname if isinstance(f, ast.String))
            nargs = len(n.args or ()) if not n.agg_star else 0
            parsed.calls.append((loc, call_end(tokens, loc), name, nargs))

    walk(node, visit)
    parsed.refs.sort(key=lambda r: r.start)
    return parsed


# -- the resolver ------------------------------------------------------------------------


def nth_token_start(tokens: list[tuple[int, int, str]], start: int, n: int) -> int:
    for i, tok in enumerate(tokens):
        if tok[0] == start:
            return tokens[min(i + n, len(tokens) - 1)][0]
    return start


def assignment_operator(text: str) -> tuple[int, int] | None:
    """The span of ``:=`` (or ``=``) in ``target := expr`` at bracket depth 0."""
    depth = 0
    for start, end, name in tokens_of(text):
        if name in ("ASCII_40", "ASCII_91"):
            depth += 1
        elif name in ("ASCII_41", "ASCII_93"):
            depth -= 1
        elif depth == 0 and name in ("COLON_EQUALS", "ASCII_61"):
            return start, end
    return None
