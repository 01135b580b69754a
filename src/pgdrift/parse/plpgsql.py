"""The PL/pgSQL layer: ``pglast.parse_plpgsql`` of a CREATE FUNCTION / DO text, and the
recovery of exact offsets for every embedded ``PLpgSQL_expr``.

pglast compiles a body without a catalog and refuses a few things Postgres accepts (an array
of a user-defined type as a parameter or variable, VARIADIC parameters, ``%ROWTYPE[]``,
``rowvar.field := …`` on a ``%ROWTYPE`` variable, an enum/domain/extension-typed variable in
a multi-target INTO, which it takes for a record). Such types are rewritten in a *copy* of
the text to something of the same length (brackets and the VARIADIC keyword blanked,
``t%ROWTYPE`` -> ``record``, ``mytype[]`` -> ``int[]``, an enum -> ``int``), so every offset
and line stays put; the real types come from ``parse_sql``'s AST and the declarations
(:attr:`PlFunction.declared_types`).

pglast reports body line numbers only. Each ``PLpgSQL_expr.query`` is the body's own text
(with ``INTO …`` blanked by spaces of the same length), so searching the body from the
statement's line, with blanks as wildcards, recovers its exact offset.

>>> fn = parse_function("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\\n"
...                     "BEGIN\\n  RETURN (SELECT count(*) FROM t);\\nEND $$", 52)
>>> stmt = fn.tree["action"]["PLpgSQL_stmt_block"]["body"][0]["PLpgSQL_stmt_return"]
>>> q = stmt["expr"]["PLpgSQL_expr"]["query"]
>>> fn.body[fn.locate(q, stmt["lineno"]).base :][:9]
'(SELECT c'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pglast.parser import ParseError, parse_plpgsql_json

# Errors of parse_plpgsql that come from its missing catalog, not from the body.
_REWRITABLE = (
    "cannot accept type _record",
    "cannot return type _record",
    "has pseudo-type _record",
    "VARIADIC parameter must be an array",
    "SearchSysCache",
    "cannot accept type record[]",
    "LookupExplicitNamespace",
)
_ARRAY_SUFFIX = re.compile(r"(?<!ARRAY)(?<!array)\[\s*\d*\s*\]")
_VARIADIC = re.compile(r"\bvariadic\b", re.IGNORECASE)
_VAR_IN_ERROR = re.compile(r'variable "([^"]+)" has pseudo-type')
_NEAR = re.compile(r'at or near "([^"]+)"|"([^"]+)" is not a known variable')


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an expression's text sits in the body: text index i -> body offset
    ``base + i - skip`` (``skip`` > 0 when pglast prefixed text that is not in the body, as
    PERFORM's ``SELECT``)."""

    base: int
    skip: int = 0
    exact: bool = True

    def body_offset(self, i: int) -> int:
        return self.base + max(i - self.skip, 0)


@dataclass(slots=True)
class PlFunction:
    """A parsed PL/pgSQL body. ``tree`` is the ``PLpgSQL_function`` dict (or ``None`` when
    pglast refused the body: then ``error`` says why and ``error_offset`` where, in the body).
    """

    body: str
    tree: dict[str, Any] | None = None
    error: str | None = None
    error_offset: int = 0
    rewritten: bool = False
    # Declared types rewritten before compiling (``%ROWTYPE`` -> record, enum/domain ->
    # int): variable name -> the type text as written.
    declared_types: dict[str, str] = field(default_factory=dict)
    blocks: int = 0  # number of BEGIN … END blocks
    loop_vars: bool = True  # has FOR loops that declare their own variable
    _line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        starts = [0]
        i = self.body.find("\n")
        while i != -1:
            starts.append(i + 1)
            i = self.body.find("\n", i + 1)
        self._line_starts = starts

    @property
    def datums(self) -> list[tuple[str, dict[str, Any]]]:
        if self.tree is None:
            return []
        return [next(iter(d.items())) for d in self.tree.get("datums", ())]

    def line_start(self, lineno: int) -> int:
        """Body offset of 1-based body line ``lineno``."""
        if lineno < 1:
            return 0
        if lineno > len(self._line_starts):
            return len(self.body)
        return self._line_starts[lineno - 1]

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self._line_starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid
        return lo + 1

    def locate(
        self, query: str, lineno: int | None, min_offset: int = 0, skip: int = 0
    ) -> Placement:
        """Find ``query[skip:]`` in the body at or after body line ``lineno``."""
        text = query[skip:]
        start = max(self.line_start(lineno or 1), min_offset)
        for begin in (start, self.line_start(lineno or 1), 0):
            found = _find_with_blanks(self.body, text, begin)
            if found is not None:
                return Placement(found, skip)
        return Placement(start, skip, exact=False)


_NONBLANK = re.compile(r"\S+")


def _find_with_blanks(body: str, text: str, start: int) -> int | None:
    """Offset of ``text`` in ``body`` at or after ``start``; blanks in ``text`` match any
    character (INTO clauses are blanked in pglast's copy)."""
    exact = body.find(text, start)
    if exact != -1:
        return exact
    chunks = [(m.start(), m.group()) for m in _NONBLANK.finditer(text)]
    if not chunks:
        return None
    first_at, first = chunks[0]
    pos = body.find(first, start + first_at)
    while pos != -1:
        cand = pos - first_at
        if cand + len(text) <= len(body) and all(
            body.startswith(chunk, cand + at) for at, chunk in chunks[1:]
        ):
            return cand
        pos = body.find(first, pos + 1)
    return None


def parse_function(
    text: str,
    body_start: int,
    body: str | None = None,
    scalar_type: Callable[[str], bool | None] | None = None,
) -> PlFunction:
    """Parse a CREATE FUNCTION / PROCEDURE ``text`` whose body starts at ``body_start``.

    ``body`` is the body as the server sees it (defaults to the text from ``body_start`` to
    the closing delimiter, for dollar-quoted bodies). ``scalar_type`` says whether a
    declared type name is a user-defined scalar (True: enum, domain — pglast would take it
    for a record), a row type (False) or unknown (None). Never raises.
    """
    if body is None:
        body = _dollar_body(text, body_start)
    fn = PlFunction(body)
    work = _prerewrite(text, body_start, len(body), scalar_type, fn.declared_types)
    for _attempt in range(12):
        try:
            raw = parse_plpgsql_json(work)
            result = json.loads(raw)
        except ParseError as exc:
            message = str(exc.args[0]) if exc.args else str(exc)
            fixed = _rewrite(work, body_start, len(body), message, fn.declared_types)
            if fixed is None and any(key in message for key in _SCALAR_NEEDED):
                # a variable of a type pglast does not know (an extension's scalar type)
                # used where only scalars go: declare every unknown type a scalar
                scalar = _not_a_known_row(scalar_type)
                fixed = _prerewrite(work, body_start, len(body), scalar, fn.declared_types)
                if fixed == work:  # maybe an OUT parameter / RETURNS TABLE column
                    fixed = _scalar_params(work, body_start, scalar)
            if fixed is None or fixed == work:
                fn.error = message
                fn.error_offset = _error_offset(body, message, work, body_start)
                return fn
            work = fixed
            fn.rewritten = True
            continue
        except Exception as exc:  # pglast internal failures ("Not implemented", …)
            message = str(exc)
            fixed = _rewrite(work, body_start, len(body), message, fn.declared_types)
            if fixed is None or fixed == work:
                fn.error = message
                return fn
            work = fixed
            fn.rewritten = True
            continue
        if result:
            fn.tree = result[0].get("PLpgSQL_function")
            fn.blocks = raw.count('"PLpgSQL_stmt_block"')
            fn.loop_vars = '"PLpgSQL_stmt_fori"' in raw or '"PLpgSQL_stmt_forc"' in raw
        return fn
    fn.error = "could not compile the body"
    return fn


def parse_do(body: str, scalar_type: Callable[[str], bool | None] | None = None) -> PlFunction:
    """Parse the body of a DO block (wrapped into a function, body offsets unchanged)."""
    tag = "$pgdrift_do$"
    while tag in body:
        tag = tag[:-1] + "x$"
    head = f"CREATE FUNCTION pg_temp.pgdrift_do() RETURNS void LANGUAGE plpgsql AS {tag}"
    return parse_function(head + body + tag, len(head), body, scalar_type)


_DECL_ROWTYPE = re.compile(
    r'(?<![\w$."])((?:"[^"]+"|[A-Za-z_]\w*))\s+(?:constant\s+)?'
    r'((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))*\s*%\s*rowtype)',
    re.IGNORECASE,
)
_DECL_SIMPLE = re.compile(
    r'(?<![\w$."])((?:"[^"]+"|[A-Za-z_]\w*))\s+(?:constant\s+)?'
    r"((?:[A-Za-z_][\w$]*\.)?[A-Za-z_][\w$]*)(?=\s*(?:;|:=|=|\bdefault\b|\bnot\s+null\b|\bcollate\b))",
    re.IGNORECASE,
)


def _prerewrite(
    work: str,
    body_start: int,
    body_len: int,
    scalar_type: Callable[[str], bool | None] | None,
    declared: dict[str, str],
) -> str:
    """Rewrite, before compiling, declarations pglast mis-types without a catalog:
    ``x tbl%ROWTYPE`` -> ``x record`` (so ``x.col := …`` compiles) and variables of an
    enum/domain type -> ``int`` (so they are scalars, not records). Same lengths."""
    body_end = body_start + body_len
    body = work[body_start:body_end]
    regions = _declare_regions(body)
    if not regions:
        return work
    out: list[str] | None = None

    def put(start: int, end: int, repl: str) -> None:
        nonlocal out
        if out is None:
            out = list(body)
        out[start:end] = list(repl.ljust(end - start))

    for lo, hi in regions:
        if "%" in body[lo:hi]:
            for m in _DECL_ROWTYPE.finditer(body, lo, hi):
                declared.setdefault(_fold_ident(m.group(1)), m.group(2))
                put(m.start(2), m.end(2), "record")
        if scalar_type is not None and getattr(scalar_type, "proactive", True):
            for m in _DECL_SIMPLE.finditer(body, lo, hi):
                type_text = m.group(2)
                if len(type_text) >= 3 and scalar_type(type_text):
                    declared.setdefault(_fold_ident(m.group(1)), type_text)
                    put(m.start(2), m.end(2), "int")
    if out is None:
        return work
    return work[:body_start] + "".join(out) + work[body_end:]


_DECLARE = re.compile(r"\bdeclare\b", re.IGNORECASE)
_BEGIN = re.compile(r"\bbegin\b", re.IGNORECASE)


def _declare_regions(body: str) -> list[tuple[int, int]]:
    """(start, end) of every DECLARE section: from DECLARE to the next BEGIN."""
    if "declare" not in body.lower():
        return []
    regions = []
    for m in _DECLARE.finditer(body):
        end = _BEGIN.search(body, m.end())
        regions.append((m.end(), end.start() if end else len(body)))
    return regions


_SCALAR_NEEDED = ("cannot be part of multiple-item INTO list", "is not a scalar variable")


def _not_a_known_row(
    scalar_type: Callable[[str], bool | None] | None,
) -> Callable[[str], bool]:
    """A type is taken for a scalar unless it is a built-in (pglast knows those) or the
    caller knows it is a row type (``scalar_type`` returns False only for those)."""
    from pgdrift.catalog.builtins import is_builtin_type

    def scalar(type_text: str) -> bool:
        low = type_text.lower()
        if low == "record" or is_builtin_type(low):
            return False
        known = scalar_type(type_text) if scalar_type is not None else None
        return True if known is None else known

    return scalar


_PARAM = re.compile(
    r"(?P<name>[A-Za-z_][\w$]*)\s+(?P<type>[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)"
    r"(?=\s*(?:,|\)|\bdefault\b|=))",
    re.IGNORECASE,
)


def _scalar_params(work: str, body_start: int, scalar: Callable[[str], bool]) -> str:
    """Parameters (OUT, RETURNS TABLE columns) of a type pglast does not know, rewritten to
    ``int`` in the header (their real types come from ``parse_sql``'s AST anyway)."""
    header = work[:body_start]
    out = list(header)
    for m in _PARAM.finditer(header):
        type_text = m.group("type")
        if len(type_text) >= 3 and type_text.lower() not in _PARAM_WORDS and scalar(type_text):
            out[m.start("type") : m.end("type")] = list("int".ljust(len(type_text)))
    return "".join(out) + work[body_start:]


_PARAM_WORDS = {"in", "out", "inout", "variadic", "setof", "returns", "table", "language"}


def _fold_ident(ident: str) -> str:
    if ident.startswith('"') and ident.endswith('"'):
        return ident[1:-1].replace('""', '"')
    return ident.lower()


def _dollar_body(text: str, body_start: int) -> str:
    m = re.compile(r"\$[^$\s]*\$").search(text, max(0, body_start - 64), body_start)
    delim = m.group() if m and m.end() == body_start else None
    if delim:
        end = text.find(delim, body_start)
        if end != -1:
            return text[body_start:end]
    return text[body_start:]


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _rewrite(
    work: str, body_start: int, body_len: int, message: str, declared: dict[str, str]
) -> str | None:
    """Blank what pglast cannot compile without a catalog; ``None`` if not such an error."""
    if not any(key in message for key in _REWRITABLE):
        return None
    body_end = body_start + body_len
    if "LookupExplicitNamespace" in message:
        return _unqualify_types(work, body_start, body_end, declared)
    m = _VAR_IN_ERROR.search(message)
    if m:
        return _rewrite_declaration(work, body_start, body_end, m.group(1), declared)
    # The header (parameters, RETURNS): blank VARIADIC and array brackets outside the body.
    header, trailer = work[:body_start], work[body_end:]
    header = _VARIADIC.sub(lambda v: " " * len(v.group()), header)
    header = _ARRAY_SUFFIX.sub(lambda v: " " * len(v.group()), header)
    trailer = _ARRAY_SUFFIX.sub(lambda v: " " * len(v.group()), trailer)
    fixed = header + work[body_start:body_end] + trailer
    if fixed == work and "SearchSysCache" in message:
        # %ROWTYPE[] in a declaration
        body = work[body_start:body_end]
        body = re.sub(
            r"(%\s*rowtype\s*)(\[\s*\d*\s*\])",
            lambda v: v.group(1) + " " * len(v.group(2)),
            body,
            flags=re.IGNORECASE,
        )
        fixed = work[:body_start] + body + work[body_end:]
    return fixed


_QUALIFIER = re.compile(r'(?<![\w$."])(?:"[^"]+"|[A-Za-z_][\w$]*)\s*\.\s*(?=["A-Za-z_])')
_QUAL_DECL = re.compile(
    r'(?:^|;|\bdeclare\b)(?:\s|--[^\n]*\n)*(?P<name>"[^"]+"|[A-Za-z_][\w$]*)\s+'
    r'(?:constant\s+)?(?P<type>(?P<schema>"[^"]+"|[A-Za-z_][\w$]*)\s*\.\s*'
    r'(?:"[^"]+"|[A-Za-z_][\w$]*)(?:\s*\[\s*\d*\s*\])*)(?!\s*[.%])',
    re.IGNORECASE,
)


def _unqualify_types(work: str, body_start: int, body_end: int, declared: dict[str, str]) -> str:
    """pglast looks up only pg_catalog and public: blank the schema of qualified type names
    (``app.t`` -> ``    t``) in the parameters, RETURNS and DECLARE sections. Parameter
    types come from ``parse_sql``'s AST; declared ones are kept in ``declared``."""
    header = work[:body_start]
    paren = header.find("(")
    if paren != -1:
        header = header[: paren + 1] + _QUALIFIER.sub(
            lambda q: " " * len(q.group()), header[paren + 1 :]
        )
    body = work[body_start:body_end]
    out = list(body)
    for lo, hi in _declare_regions(body):
        for m in _QUAL_DECL.finditer(body[lo:hi]):
            if m.group("schema").strip('"').lower() in ("public", "pg_catalog"):
                continue
            declared.setdefault(_fold_ident(m.group("name")), re.sub(r"\s+", "", m.group("type")))
            q = _QUALIFIER.match(body, lo + m.start("type"))
            if q is not None:
                out[q.start() : q.end()] = [" "] * (q.end() - q.start())
    return header + "".join(out) + work[body_end:]


def _rewrite_declaration(
    work: str, body_start: int, body_end: int, name: str, declared: dict[str, str]
) -> str | None:
    body = work[body_start:body_end]
    pattern = re.compile(
        r"(?:^|[\s;])(?:\"" + re.escape(name) + r"\"|" + re.escape(name) + r")\s+[^;]*?;",
        re.IGNORECASE | re.DOTALL,
    )
    for m in pattern.finditer(body):
        decl = m.group()
        cut = re.search(r":=|\bdefault\b|=", decl, re.IGNORECASE)
        limit = cut.start() if cut else len(decl)
        head = decl[:limit]
        new = _ARRAY_TYPE.sub(_builtin_array, head) + decl[limit:]
        if new != decl:
            typ = _ARRAY_TYPE.search(head)
            if typ is not None:
                declared.setdefault(_fold_ident(name), re.sub(r"\s+", "", typ.group()))
            body = body[: m.start()] + new + body[m.end() :]
            return work[:body_start] + body + work[body_end:]
    return None


_ARRAY_TYPE = re.compile(
    r'(?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))*(?:\s*%\s*rowtype)?'
    r"(?:\s*\[\s*\d*\s*\])+",
    re.IGNORECASE,
)


def _builtin_array(m: re.Match[str]) -> str:
    """``mytype[]`` -> ``int[]`` padded to the same length: still an array, so still a
    scalar for pglast (a record in a multi-target INTO list would be refused)."""
    text = m.group()
    if len(text) >= 5:
        return "int[]".ljust(len(text))
    if len(text) >= 3:
        return "int".ljust(len(text))
    return _ARRAY_SUFFIX.sub(lambda v: " " * len(v.group()), text)


def _error_offset(body: str, message: str, work: str = "", body_start: int = 0) -> int:
    """Best-effort body offset of a PL/pgSQL compile error (pglast gives none)."""
    m = _NEAR.search(message)
    if m:
        token = m.group(1) or m.group(2)
        if work and m.group(1):
            found = _syntax_error_at(body, message, token, work, body_start)
            if found is not None:
                return found
        hit = re.search(r"(?<![\w$])" + re.escape(token) + r"(?![\w$])", body)
        if hit is None:
            hit = re.search(re.escape(token), body, re.IGNORECASE)
        if hit:
            return hit.start()
    if "end of input" in message:
        return len(body.rstrip())
    stripped = len(body) - len(body.lstrip())
    return stripped


def _syntax_error_at(
    body: str, message: str, token: str, work: str, body_start: int, limit: int = 200
) -> int | None:
    """Which occurrence of ``token`` the syntax error is at: the parser stops at the first
    error, so the body cut right after the culprit fails with the very same message, while
    a cut after an earlier occurrence fails at the end of input instead."""
    if token.isalnum() or token[0].isalpha() or token[0] == "_":
        pattern = re.compile(r"(?<![\w$])" + re.escape(token) + r"(?![\w$])", re.IGNORECASE)
    else:
        pattern = re.compile(re.escape(token))
    body_end = body_start + len(body)
    for n, hit in enumerate(pattern.finditer(body)):
        if n >= limit:
            return None
        cut = hit.end()
        trial = work[: body_start + cut] + " " * (len(body) - cut) + work[body_end:]
        try:
            parse_plpgsql_json(trial)
        except ParseError as exc:
            if (str(exc.args[0]) if exc.args else str(exc)) == message:
                return hit.start()
        except Exception:
            return None
    return None
