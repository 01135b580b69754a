"""Functions of other SQL dialects that sqlglot silently rewrites into Postgres ones.

sqlglot parses ``ifnull(a, b)`` as ``COALESCE`` and ``len(s)`` as ``LENGTH`` — helpful when
transpiling, but Postgres itself has no such functions and rejects the statement. These
calls never reach the checker as function names, so they are found in the text: a name
from :data:`FOREIGN_FUNCTIONS`, followed by ``(``, outside strings and comments, not
schema-qualified and not in a position where it names a table, alias or type.

>>> [(m.name, m.start) for m in foreign_calls("SELECT ifnull(a, 1), 'len(x)' FROM t")]
[('ifnull', 7)]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# name -> what to write in Postgres
FOREIGN_FUNCTIONS: dict[str, str] = {
    "ifnull": "coalesce(…)",
    "nvl": "coalesce(…)",
    "nvl2": "CASE WHEN … IS NOT NULL THEN … ELSE … END",
    "iif": "CASE WHEN … THEN … ELSE … END",
    "len": "length(…)",
    "instr": "strpos(…)",
    "locate": "strpos(…)",
    "charindex": "strpos(…)",
    "datediff": "date subtraction or age(…)",
    "date_diff": "date subtraction or age(…)",
    "date_add": "… + interval '…'",
    "date_sub": "… - interval '…'",
    "group_concat": "string_agg(…)",
    "median": "percentile_cont(0.5) WITHIN GROUP (ORDER BY …)",
    "count_if": "count(*) FILTER (WHERE …)",
    "countif": "count(*) FILTER (WHERE …)",
    "startswith": "starts_with(…)",
    "endswith": "right(…) = …",
    "space": "repeat(' ', …)",
    "log2": "log(2, …)",
    "signum": "sign(…)",
    "lcase": "lower(…)",
    "ucase": "upper(…)",
    "rand": "random()",
    "approx_count_distinct": "count(DISTINCT …)",
    "approx_distinct": "count(DISTINCT …)",
    "array_contains": "… = ANY(…) or … @> …",
    "array_join": "array_to_string(…)",
    "array_size": "cardinality(…)",
    "json_extract": "the -> or #> operator",
    "json_extract_scalar": "the ->> or #>> operator",
    "parse_json": "…::jsonb",
    "last_day": "date_trunc('month', …) + interval '1 month - 1 day'",
    "str_to_date": "to_date(…) or to_timestamp(…)",
    "substring_index": "split_part(…)",
    "systimestamp": "now()",
    "to_base64": "encode(…, 'base64')",
    "from_base64": "decode(…, 'base64')",
}

_NOT_A_CALL_AFTER = re.compile(
    r"(?:\b(?:AS|INTO|TABLE|JOIN|FROM|UPDATE|WITH|FUNCTION|PROCEDURE|TYPE|ONLY)|::)\s*$", re.I
)


_CALL = re.compile(r"(?<![\w$.\"])([A-Za-z_][A-Za-z0-9_]*)\s*\(")
# A call follows an operator/punctuation or one of these keywords; a name after anything
# else (a column definition `b varchar(20)`, an alias `AS t(a)`, `INTO t (…)`) is no call.
_CALL_CONTEXT_WORDS = frozenset(
    [
        "select",
        "where",
        "and",
        "or",
        "not",
        "then",
        "else",
        "when",
        "by",
        "returning",
        "on",
        "having",
        "distinct",
        "all",
        "is",
        "like",
        "ilike",
        "between",
        "case",
        "limit",
        "offset",
        "return",
        "raise",
        "perform",
        "into_never",
    ]
)
_CALL_CONTEXT_CHARS = set("(,=<>+-*/|%!~^&[")


def builtin_call_sites(
    text: str, wanted: Callable[[str], bool]
) -> Iterator[tuple[str, int, int, int]]:
    """``(name, start, end, close_paren)`` of plain ``name(…)`` calls in expression
    positions, outside strings and comments, for the names ``wanted`` accepts."""
    mask: list[bool] | None = None
    for name, start, name_end, paren in _calls(text):
        if not wanted(name):
            continue
        if mask is None:
            mask = _code_mask(text)
        if not mask[start]:
            continue
        before = text[max(0, start - 40) : start].rstrip()
        if before.endswith("::"):
            continue
        if before and before[-1] not in _CALL_CONTEXT_CHARS:
            word = _LAST_WORD.search(before)
            if word is None or word.group(1).lower() not in _CALL_CONTEXT_WORDS:
                continue
        close = _closing_paren(text, paren, mask)
        if close is not None:
            yield name, start, name_end, close


_LAST_WORD = re.compile(r"([A-Za-z_]+)$")
_PARENS = re.compile(r"[()]")

# The calls of the last text scanned: the resolver asks for the foreign calls and the
# built-in call sites of each statement in turn, and both start from the same scan.
_scanned: tuple[str, list[tuple[str, int, int, int]]] = ("", [])


def _calls(text: str) -> list[tuple[str, int, int, int]]:
    """``(lower-cased name, name start, name end, offset of its "(")`` of every ``name(``
    in ``text`` (strings and comments included: the callers judge)."""
    global _scanned
    last, calls = _scanned
    if text is last or text == last:
        return calls
    if "(" not in text:  # half of the statements of the bench functions
        calls = []
    else:
        calls = [
            (m.group(1).lower(), m.start(1), m.end(1), m.end() - 1) for m in _CALL.finditer(text)
        ]
    _scanned = (text, calls)
    return calls


def _closing_paren(text: str, open_at: int, mask: list[bool]) -> int | None:
    depth = 0
    for m in _PARENS.finditer(text, open_at):
        i = m.start()
        if not mask[i]:
            continue
        if text[i] == "(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return i
    return None


@dataclass(frozen=True, slots=True)
class ForeignCall:
    name: str
    start: int
    end: int

    @property
    def replacement(self) -> str:
        return FOREIGN_FUNCTIONS[self.name]


_NON_CODE = re.compile(
    r"'(?:[^']|'')*'?"  # string literal (E'…' escapes are close enough here)
    r'|"[^"]*"?'  # quoted identifier
    r"|--[^\n]*"  # line comment
    r"|/\*.*?(?:\*/|$)"  # block comment
    r"|\$([A-Za-z_]\w*|)\$.*?(?:\$\1\$|$)",  # dollar-quoted string
    re.S,
)


_masked: tuple[str, list[bool]] = ("", [])


def _code_mask(text: str) -> list[bool]:
    """True at positions outside string literals, quoted identifiers and comments (the
    last text's mask is kept: both scans of a statement may need it; never modified)."""
    global _masked
    last, mask = _masked
    if text is last or text == last:
        return mask
    mask = [True] * len(text)
    for m in _NON_CODE.finditer(text):
        mask[m.start() : m.end()] = [False] * (m.end() - m.start())
    _masked = (text, mask)
    return mask


def foreign_calls(text: str) -> Iterator[ForeignCall]:
    """Calls of other dialects' functions in ``text`` (see the module docstring)."""
    mask: list[bool] | None = None
    for name, start, end, _paren in _calls(text):
        if name not in FOREIGN_FUNCTIONS:
            continue
        if mask is None:
            mask = _code_mask(text)
        if not mask[start] or _NOT_A_CALL_AFTER.search(text[max(0, start - 20) : start]):
            continue
        yield ForeignCall(name, start, end)
