"""Resolve one embedded statement or expression against an :class:`Env`.

``resolve(text, env, mode)`` parses ``text`` with sqlglot (postgres dialect), walks every
query level itself (``qualify()`` stops at the first error and ignores DML targets) and
returns every wrong reference as a :class:`Finding` with offsets into ``text``, plus the
statement's output columns.

>>> from pgdrift.catalog.model import Catalog, Column, Relation
>>> cat = Catalog()
>>> cat.add_relation(Relation("public", "jobs", columns=(Column("id", "bigint"),
...     Column("error_message", "text"))))
>>> res = resolve("UPDATE jobs SET error = 'x' WHERE id = 1", Env(cat), "statement")
>>> [(f.rule.code, f.message, f.help) for f in res.findings]
[('PGD101', 'column "error" of relation "jobs" does not exist', 'did you mean "error_message"?')]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError

from pgdrift.analysis.dialects import builtin_call_sites, foreign_calls
from pgdrift.analysis.env import Env, Resolution
from pgdrift.analysis.functions import builtin_arities
from pgdrift.analysis.refs import fold, pg_type_name, result_values
from pgdrift.analysis.scopes import Scope
from pgdrift.analysis.walker import Walker
from pgdrift.catalog.builtins import is_builtin_function
from pgdrift.catalog.model import TABLE, Column, Relation
from pgdrift.rules.pgd104_unknown_function import UnknownFunction
from pgdrift.rules.pgd108_wrong_argument_count import WrongArgumentCount

logging.getLogger("sqlglot").setLevel(logging.ERROR)

MODES = ("statement", "expression", "assignment")
_WRAP = "SELECT "

# Commands sqlglot leaves opaque that reference no relation or column.
_REFERENCE_FREE = frozenset(
    {
        "SET", "RESET", "SHOW", "NOTIFY", "LISTEN", "UNLISTEN", "DISCARD", "COMMIT",
        "ROLLBACK", "BEGIN", "START", "SAVEPOINT", "RELEASE", "CHECKPOINT", "END", "ABORT",
    }
)  # fmt: skip
_VALIDATION = re.compile(r"number of provided arguments|Required keyword|is not a valid")
_NARGS = re.compile(r"number of provided arguments \((\d+)\)")
_MISSING = re.compile(r"Required keyword: '\w+' missing")
_TABLE_FUNC_MISSING = re.compile(
    r"Required keyword: '\w+' missing for <class '[\w.]*\.(?:XMLTable|JSONTable)'>"
)
_CALL = re.compile(r"\s*CALL\s", re.I)
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
_EXPLAIN = re.compile(r"\s*EXPLAIN\s+(?:\([^)]*\)\s*|(?:ANALYZE|ANALYSE|VERBOSE)\s+)*", re.I)
_ON_COMMIT = re.compile(r"\bON\s+COMMIT\s+(DROP|DELETE\s+ROWS|PRESERVE\s+ROWS)\b", re.I)


@dataclass(frozen=True, slots=True)
class _Parsed:
    tree: exp.Expr | None
    error: str | None = None
    # sqlglot's argument-count complaints about its typed functions: (offset, nargs)
    arity: tuple[tuple[int, int], ...] = ()


# Postgres syntax sqlglot does not parse, blanked (same length, offsets kept) on a retry:
# the clauses carry no reference to check.
_REWRITES = (
    (re.compile(r"\bOVERRIDING\s+(SYSTEM|USER)\s+VALUE\b", re.I), None),
    (re.compile(r"\bUSING\s*(OPERATOR\s*\([^)]*\)|[<>=~!@#%^&|`?+*/-]+)", re.I), None),
    (re.compile(r"\bCURRENT\s+OF\s+(\w+|\"[^\"]*\")", re.I), "TRUE"),
)


def _rewrite(sql: str) -> str:
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(_blanker(replacement or ""), sql)
    return sql


def _blanker(replacement: str) -> Callable[[re.Match[str]], str]:
    return lambda m: replacement.ljust(len(m.group(0)))


# Small on purpose: cached trees are large cyclic object graphs that every full garbage
# collection walks; repeats (one body checked per trigger table) come close together.
@lru_cache(maxsize=128)
def _parse(sql: str) -> _Parsed:
    """The sqlglot tree of ``sql``, or the reason it could not be parsed."""
    parsed = _parse_once(sql)
    if parsed.tree is None:
        rewritten = _rewrite(sql)
        if rewritten != sql:
            retry = _parse_once(rewritten)
            if retry.tree is not None:
                return retry
    return parsed


# One tokenizer and two parsers for the run: ``sqlglot.parse`` builds new ones for every
# statement (each reset before use, so reuse is safe in this single-threaded code).
_POSTGRES = Dialect.get_or_raise("postgres")
_TOKENIZER = _POSTGRES.tokenizer()
_STRICT = _POSTGRES.parser()
_LENIENT = _POSTGRES.parser(error_level=ErrorLevel.IGNORE)


def _parse_once(sql: str) -> _Parsed:
    arity: list[tuple[int, int]] = []
    try:
        try:
            trees = _STRICT.parse(_TOKENIZER.tokenize(sql), sql)
        except ParseError as err:
            # Argument-count validation of sqlglot's typed functions is not a syntax error:
            # parse again without validation (the built-in list judges arities).
            if not err.errors or not all(_VALIDATION.search(e["description"]) for e in err.errors):
                raise
            if any(_TABLE_FUNC_MISSING.search(e["description"]) for e in err.errors):
                # a FROM-clause construct sqlglot could not read (pg_dump's parenthesised
                # XMLTABLE arguments): the lenient tree would lose the whole FROM item
                raise
            arity = [
                _arity_error(sql, e)
                for e in err.errors
                if _NARGS.search(e["description"]) or _MISSING.search(e["description"])
            ]
            trees = _LENIENT.parse(_TOKENIZER.tokenize(sql), sql)
    except SqlglotError as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        return _Parsed(None, f"sqlglot could not parse the statement: {first}")
    except Exception as err:  # sqlglot can fail in unexpected ways on odd input
        return _Parsed(None, f"sqlglot failed on the statement: {type(err).__name__}: {err}")
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        return _Parsed(None, "expected exactly one statement" if trees else "empty statement")
    return _Parsed(trees[0], None, tuple(a for a in arity if a[0] >= 0))


def _arity_error(sql: str, err: dict[str, Any]) -> tuple[int, int]:
    line, col = err.get("line") or 1, err.get("col") or 1
    starts = [0, *(i + 1 for i, c in enumerate(sql) if c == "\n")]
    offset = starts[min(line, len(starts)) - 1] + col - 1
    m = _NARGS.search(err["description"])
    return (offset if 0 <= offset < len(sql) else -1), int(m.group(1)) if m else -1


def _report_arity(walker: Walker, sql: str, parsed: _Parsed) -> None:
    """PGD108 for built-in calls sqlglot found with a wrong number of arguments."""
    for close, nargs in parsed.arity:
        if sql[close] != ")":
            continue
        depth, i = 0, close
        while i >= 0:
            depth += {")": 1, "(": -1}.get(sql[i], 0)
            if depth == 0:
                break
            i -= 1
        m = re.search(r"([A-Za-z_][\w$]*)\s*$", sql[:i]) if i > 0 else None
        if m is None:
            continue
        name = m.group(1).lower()
        if nargs < 0:  # "required argument missing": count the arguments in the text
            counted = _count_args(sql[i + 1 : close])
            if counted is None:
                continue
            nargs = counted
        if is_builtin_function(name, nargs) is False:
            walker.report(
                WrongArgumentCount,
                _arity_message(name, nargs),
                (m.start(1) - walker.shift, m.end(1) - walker.shift),
            )


_SPECIAL_ARG_SYNTAX = re.compile(
    r"\b(FROM|FOR|IN|PLACING|AS|ORDER|BOTH|LEADING|TRAILING|SIMILAR|ESCAPE|VARIADIC|NAME)\b", re.I
)


def _count_args(inner: str) -> int | None:
    """Top-level comma-separated arguments of a call's text; None for special syntax.

    >>> _count_args("a, f(b, c), 'x,''y'"), _count_args("  "), _count_args("x FROM y")
    (3, 0, None)
    """
    depth, count, flat = 0, 0, []
    i, n = 0, len(inner)
    while True:
        m = _ARG_PUNCTUATION.search(inner, i)
        at = n if m is None else m.start()
        if depth == 0 and at > i:
            flat.append(inner[i:at])  # the text up to the next quote, bracket or comma
        if m is None:
            break
        c = inner[at]
        if c in "'\"":
            j = inner.find(c, at + 1)
            while j != -1 and j + 1 < n and inner[j + 1] == c:
                j = inner.find(c, j + 2)
            if j == -1:
                return None
            i = j + 1
            flat.append("s")  # a string literal is an argument
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth == 0:  # a comma
            count += 1
        if depth == 0:
            flat.append(c)
        i = at + 1
    text = "".join(flat)
    if _SPECIAL_ARG_SYNTAX.search(text):
        return None
    return count + 1 if text.strip() else 0


_ARG_PUNCTUATION = re.compile(r"['\"()\[\],]")
_WITHIN_GROUP = re.compile(r"\s*WITHIN\s+GROUP\b", re.I)


def _report_builtin_arity(walker: Walker, sql: str) -> None:
    """PGD108 for built-in calls with a wrong number of arguments that sqlglot accepted
    into its own function nodes (``round(x, 2, 3)``, ``to_char(x)``)."""
    for name, start, end, close in builtin_call_sites(sql, _arity_judged):
        if _WITHIN_GROUP.match(sql, close + 1):
            continue  # ordered-set aggregates count their WITHIN GROUP arguments too
        nargs = _count_args(sql[sql.index("(", end) + 1 : close])
        if nargs is None or is_builtin_function(name, nargs) is not False:
            continue
        if walker.catalog.find_functions(name, None, walker.search_path):
            continue  # a user overload may take that many
        walker.report(
            WrongArgumentCount,
            _arity_message(name, nargs),
            (start - walker.shift, end - walker.shift),
        )


@lru_cache(maxsize=4096)
def _arity_judged(name: str) -> bool:
    """A built-in whose argument count can be wrong (not special syntax, not 0-or-more)."""
    if name in _SPECIAL_CALLS:
        return False
    arities = builtin_arities(name)
    return arities is not None and not any(lo == 0 and hi is None for lo, hi in arities)


def _arity_message(name: str, nargs: int) -> str:
    plural = "argument" if nargs == 1 else "arguments"
    arities = ", ".join(
        str(lo) if lo == hi else (f"{lo} or more" if hi is None else f"{lo} to {hi}")
        for lo, hi in builtin_arities(name) or ()
    )
    return f"function {name}() called with {nargs} {plural}, but it takes {arities}"


# Calls with their own syntax or semantics, not judged by argument count.
_SPECIAL_CALLS = frozenset(
    [
        "extract",
        "substring",
        "trim",
        "position",
        "overlay",
        "cast",
        "coalesce",
        "greatest",
        "least",
        "nullif",
        "exists",
        "array",
        "row",
        "values",
        "grouping",
        "xmlelement",
        "xmlforest",
        "xmlattributes",
        "xmlparse",
        "xmlserialize",
        "xmlexists",
        "xmlpi",
        "xmlroot",
        "xmltable",
        "json_object",
        "json_array",
        "json_objectagg",
        "json_arrayagg",
        "json",
        "json_scalar",
        "json_serialize",
        "json_exists",
        "json_query",
        "json_value",
        "json_table",
        "normalize",
        "collation",
        "treat",
        "interval",
        "timestamp",
        "time",
        "date",
        "numeric",
        "decimal",
        "varchar",
        "char",
        "character",
        "bit",
        "float",
        "double",
        "in",
        "any",
        "some",
        "all",
    ]
)


def _report_foreign_calls(walker: Walker, sql: str) -> None:
    """PGD104 for other dialects' functions that sqlglot silently rewrote (``ifnull``…)."""
    for call in foreign_calls(sql):
        if builtin_arities(call.name) is not None:
            continue
        if walker.catalog.find_functions(call.name, None, walker.search_path):
            continue
        walker.report(
            UnknownFunction,
            f"function {call.name}() does not exist in Postgres",
            (call.start - walker.shift, call.end - walker.shift),
            f"use {call.replacement}",
        )


def resolve(text: str, env: Env, mode: str = "statement") -> Resolution:
    """Resolve ``text`` (a statement, an expression or an assignment) against ``env``.

    Args:
        text: the SQL text; for PL/pgSQL statements the INTO clause blanked by spaces.
        env: catalog, search_path, visible PL/pgSQL variables and record shapes.
        mode: ``"statement"``, ``"expression"`` or ``"assignment"``.

    Returns:
        A :class:`Resolution`; never raises (an internal failure becomes ``unanalysed``).
    """
    try:
        if mode == "statement":
            return _resolve_statement(text, env)
        if mode == "expression":
            return _resolve_expression(text, env, _WRAP + text, len(_WRAP))
        if mode == "assignment":
            return _resolve_assignment(text, env)
        return Resolution(unanalysed=f"unknown resolution mode {mode!r}")
    except RecursionError:
        return Resolution(unanalysed="statement too deeply nested to analyse")
    except Exception as err:  # never raise out of resolve()
        return Resolution(unanalysed=f"internal error while analysing: {type(err).__name__}: {err}")


def _resolve_statement(text: str, env: Env) -> Resolution:
    first = _FIRST_WORD.match(text)
    keyword = first.group(1).upper() if first else ""
    if keyword in _REFERENCE_FREE:
        return Resolution()
    if keyword == "EXPLAIN":
        inner = _EXPLAIN.match(text)
        if inner is not None:  # resolve the explained statement, offsets kept
            return _resolve_statement(" " * inner.end() + text[inner.end() :], env)
    call = _CALL.match(text)
    if call is not None:  # CALL proc(…): resolve as SELECT proc(…)
        sql = _WRAP + text[call.end() :]
        return _resolve_expression(text, env, sql, len(_WRAP) - call.end(), procedure=True)
    parsed = _parse(text)
    tree = parsed.tree
    if tree is None:
        if _reference_free_utility(text):
            return Resolution()
        return Resolution(unanalysed=parsed.error)
    if isinstance(tree, exp.Command):
        return _command(text, tree, env)
    walker = Walker(env, text, 0)
    _report_arity(walker, text, parsed)
    _report_foreign_calls(walker, text)
    _report_builtin_arity(walker, text)
    if isinstance(tree, exp.Create):
        return _create(tree, walker)
    if isinstance(tree, (exp.Query, exp.Insert, exp.Update, exp.Delete, exp.Merge)):
        cols, types = walker.query(tree, None, {})
        return Resolution(
            findings=walker.findings,
            output_columns=cols,
            output_types=types,
            output_relation=_star_relation(tree, env) if cols is not None else None,
        )
    # TRUNCATE / ALTER TABLE (without IF EXISTS): the relations they act on must exist.
    targets: list[exp.Expr] = []
    if isinstance(tree, exp.TruncateTable):
        targets = list(tree.expressions)
    elif isinstance(tree, exp.Alter) and not tree.args.get("exists"):
        targets = [tree.this]
    for table in targets:
        if isinstance(table, exp.Table) and isinstance(table.this, exp.Identifier):
            name, schema = fold(table.this), table.args.get("db")
            if walker.find_relation(name, fold(schema) if schema else None) is None:
                walker.report_unknown_relation(table, name, fold(schema) if schema else None)
    return Resolution(findings=walker.findings)


def _command(text: str, tree: exp.Command, env: Env) -> Resolution:
    keyword = str(tree.this).upper()
    if keyword in _REFERENCE_FREE:
        return Resolution()
    if keyword == "CREATE" and _ON_COMMIT.search(text):
        # CREATE TEMP TABLE … ON COMMIT DROP: sqlglot does not know the clause; blank it.
        stripped = _ON_COMMIT.sub(lambda m: " " * len(m.group(0)), text)
        tree2 = _parse(stripped).tree
        if isinstance(tree2, exp.Create):
            return _create(tree2, Walker(env, text, 0))
    named = _NAMED_RELATIONS.get(keyword)
    if named is not None:
        m = named.match(text)
        if m is not None:
            return _check_named_relations(text, m.start("names"), m.group("names"), env)
    if keyword == "ALTER":
        m = _ALTER_TABLE.match(text)
        if m is not None:  # ALTER TABLE x {ENABLE|DISABLE} TRIGGER …, ATTACH PARTITION …
            if m.group("exists"):
                return Resolution()
            return _check_named_relations(text, m.start("names"), m.group("names"), env)
        if _ALTER_SEQUENCE.match(text):
            return Resolution()  # sequences (serial ones included) are not modelled here
    if _reference_free_utility(text):
        return Resolution()
    return Resolution(unanalysed=f"sqlglot parsed the statement as an opaque {keyword} command")


# Utility statements (pglast node names) that hold no query and no column reference: when
# sqlglot cannot parse one (ALTER EXTENSION … ADD TABLE, VACUUM, CLUSTER, SECURITY LABEL…),
# there is nothing left unchecked, so it is not reported as unanalysed.
_NO_QUERY_STMTS = frozenset(
    {
        "AlterExtensionContentsStmt", "AlterExtensionStmt", "CreateExtensionStmt",
        "ClusterStmt", "ReindexStmt", "SecLabelStmt", "CommentStmt",
        "GrantStmt", "GrantRoleStmt", "AlterDefaultPrivilegesStmt", "AlterOwnerStmt",
        "CreateRoleStmt", "AlterRoleStmt", "AlterRoleSetStmt", "DropRoleStmt",
        "ReassignOwnedStmt", "DropOwnedStmt", "DropStmt", "CreateSchemaStmt",
        "CreateSeqStmt", "AlterSeqStmt", "DropdbStmt", "CreatedbStmt", "AlterDatabaseStmt",
        "AlterDatabaseSetStmt", "AlterSystemStmt", "LoadStmt", "ConstraintsSetStmt",
        "VariableSetStmt", "VariableShowStmt", "TransactionStmt", "NotifyStmt",
        "ListenStmt", "UnlistenStmt", "DiscardStmt", "CheckPointStmt", "DeallocateStmt",
        "ClosePortalStmt", "ExecuteStmt", "RenameStmt", "AlterObjectSchemaStmt", "ImportForeignSchemaStmt",
        "CreateForeignServerStmt", "CreateUserMappingStmt", "AlterEnumStmt",
        "CreateEventTrigStmt", "AlterEventTrigStmt", "CreatePublicationStmt",
        "AlterPublicationStmt", "CreateSubscriptionStmt", "AlterSubscriptionStmt",
        "DropSubscriptionStmt", "AlterTableSpaceOptionsStmt", "CreateTableSpaceStmt",
        "DropTableSpaceStmt",
    }
)  # fmt: skip


def _reference_free_utility(text: str) -> bool:
    """Whether Postgres's grammar reads ``text`` as one utility statement of
    :data:`_NO_QUERY_STMTS` (nothing in it for pgdrift to resolve)."""
    try:
        import pglast

        stmts = pglast.parse_sql(text)
    except Exception:  # not valid for Postgres either: leave it to the caller
        return False
    return len(stmts) == 1 and type(stmts[0].stmt).__name__ in _NO_QUERY_STMTS


_IDENT = r'(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)'
_QUALIFIED = rf"{_IDENT}(?:\s*\.\s*{_IDENT})?"
# Commands whose only references are relation names: LOCK and REFRESH MATERIALIZED VIEW.
_NAMED_RELATIONS = {
    "LOCK": re.compile(
        rf"\s*LOCK\s+(?:TABLE\s+)?(?:ONLY\s+)?(?P<names>{_QUALIFIED}\s*\*?"
        rf"(?:\s*,\s*(?:ONLY\s+)?{_QUALIFIED}\s*\*?)*)"
        r"(?:\s+IN\s+[A-Z ]+?\s+MODE)?(?:\s+NOWAIT)?\s*;?\s*$",
        re.I,
    ),
    "REINDEX": re.compile(
        rf"\s*REINDEX\s+(?:\([^)]*\)\s*)?TABLE\s+(?:CONCURRENTLY\s+)?(?P<names>{_QUALIFIED})"
        r"\s*;?\s*$",
        re.I,
    ),
    "REFRESH": re.compile(
        rf"\s*REFRESH\s+MATERIALIZED\s+VIEW\s+(?:CONCURRENTLY\s+)?(?P<names>{_QUALIFIED})"
        r"(?:\s+WITH\s+(?:NO\s+)?DATA)?\s*;?\s*$",
        re.I,
    ),
}


_ALTER_TABLE = re.compile(
    rf"\s*ALTER\s+TABLE\s+(?P<exists>IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<names>{_QUALIFIED})\s",
    re.I,
)
_ALTER_SEQUENCE = re.compile(r"\s*ALTER\s+SEQUENCE\s", re.I)


def _check_named_relations(text: str, base: int, names: str, env: Env) -> Resolution:
    walker = Walker(env, text, 0)
    for m in re.finditer(rf"(?:ONLY\s+)?(?P<name>{_QUALIFIED})", names, re.I):
        parts = [
            p[1:-1].replace('""', '"') if p.startswith('"') else p.lower()
            for p in re.findall(_IDENT, m.group("name"))
        ]
        schema, name = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
        if walker.find_relation(name, schema) is None:
            span = (base + m.start("name"), base + m.end("name"))
            walker.report_unknown_relation(span, name, schema)
    return Resolution(findings=walker.findings)


def _create(tree: exp.Create, walker: Walker) -> Resolution:
    kind = str(tree.args.get("kind") or "").upper()
    if kind != "TABLE":
        if tree.expression is not None and isinstance(tree.expression, exp.Query):
            walker.query(tree.expression, None, {})
        return Resolution(findings=walker.findings)
    target = tree.this
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table):
        return Resolution(findings=walker.findings)
    name = fold(table.this)
    schema = fold(table.args["db"]) if table.args.get("db") else None
    props = tree.args.get("properties")
    temp = props is not None and any(
        isinstance(p, exp.TemporaryProperty) for p in props.expressions
    )
    columns: list[Column] = []
    if isinstance(target, exp.Schema):
        for col in target.expressions:
            if isinstance(col, exp.LikeProperty) and isinstance(col.this, exp.Table):
                like = col.this
                like_schema = fold(like.args["db"]) if like.args.get("db") else None
                source = walker.find_relation(fold(like.this), like_schema)
                if source is None:
                    walker.report_unknown_relation(like, fold(like.this), like_schema)
                    return Resolution(findings=walker.findings)  # its shape is unknown
                columns.extend(source.columns)
            elif isinstance(col, exp.ColumnDef):
                kind_node = col.args.get("kind")
                ctype = pg_type_name(kind_node) if kind_node is not None else "text"
                if kind_node is not None:
                    walker.check_type(kind_node)
                columns.append(Column(fold(col.this), ctype))
    query = tree.expression
    if query is not None and isinstance(query, (exp.Query, exp.Subquery)):
        names, types = walker.query(query, None, {})
        if names is not None and not columns:
            columns = [
                Column(n, (types[i] if types else None) or "unknown") for i, n in enumerate(names)
            ]
        elif names is not None:
            columns = [*columns, *(Column(n, "unknown") for n in names[len(columns) :])]
        elif not columns:
            return Resolution(findings=walker.findings)
    rel = Relation(schema or ("pg_temp" if temp else "public"), name, TABLE, tuple(columns))
    return Resolution(findings=walker.findings, created_relations=(rel,))


def _star_relation(tree: exp.Expr, env: Env) -> str | None:
    """``schema.name`` of the one relation whose whole row a ``SELECT *`` / ``SELECT t.*``
    over a single FROM item (no joins) returns, else None."""
    if not isinstance(tree, exp.Select) or tree.args.get("joins") or len(tree.expressions) != 1:
        return None
    item = tree.expressions[0]
    if not (isinstance(item, exp.Star) or (isinstance(item, exp.Column) and item.is_star)):
        return None
    source = tree.args.get("from_")
    table = source.this if source is not None else None
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
        return None
    name = fold(table.this)
    schema = fold(table.args["db"]) if table.args.get("db") else None
    if schema is None and name in env.temp_relations:
        return None
    rel = env.catalog.find_relation(name, schema, env.search_path)
    return rel.qualified_name if rel is not None else None


def _resolve_expression(
    text: str, env: Env, sql: str, shift: int, procedure: bool = False
) -> Resolution:
    parsed = _parse(sql)
    tree = parsed.tree
    if tree is None:
        return Resolution(unanalysed=parsed.error)
    if not isinstance(tree, exp.Select):
        return Resolution(unanalysed="the expression did not parse as an expression")
    walker = Walker(env, text, shift)
    walker.procedure_call = procedure
    _report_arity(walker, sql, parsed)
    _report_foreign_calls(walker, sql)
    _report_builtin_arity(walker, sql)
    scope = Scope()
    for item in tree.expressions:
        walker.expr(item, scope, {})
    cols, types = walker.projection_shape(tree.expressions, scope)
    # A PL/pgSQL expression may carry FROM/WHERE (`x := count(*) FROM t`): resolve the rest.
    if tree.args.get("from_") is not None or tree.args.get("where") is not None:
        walker.findings.clear()
        walker._seen.clear()
        cols, types = walker.query(tree, None, {})
    return Resolution(findings=walker.findings, output_columns=cols, output_types=types)


# U+0080-U+FFFF spelled as "not ASCII and not above U+FFFF": the same characters, but the
# regex compiles in 0.3 ms instead of 7 (it is compiled on every run's path).
_NON_ASCII_BMP = r"[^\x00-\x7f\U00010000-\U0010ffff]"
_TARGET = re.compile(
    r"""\s*(?P<target>(?:"(?:[^"]|"")*"|(?:[A-Za-z_]|NA)(?:[\w$]|NA)*)
        (?:\s*\.\s*(?:"(?:[^"]|"")*"|(?:[A-Za-z_]|NA)(?:[\w$]|NA)*))*)""".replace(
        "NA", _NON_ASCII_BMP
    ),
    re.X,
)


def _resolve_assignment(text: str, env: Env) -> Resolution:
    m = _TARGET.match(text)
    if m is None:
        return Resolution(unanalysed="could not find the target of the assignment")
    pos = m.end()
    subscripts: list[tuple[int, int]] = []
    while True:  # arr[i][j] subscripts
        rest = text[pos:]
        stripped = rest.lstrip()
        if not stripped.startswith("["):
            break
        open_at = pos + len(rest) - len(stripped)
        close_at = _matching_bracket(text, open_at)
        if close_at < 0:
            return Resolution(unanalysed="unbalanced [ in the assignment target")
        subscripts.append((open_at + 1, close_at))
        pos = close_at + 1
    rest = text[pos:]
    op = re.match(r"\s*(:=|=)", rest)
    if op is None:
        return Resolution(unanalysed="could not find := or = in the assignment")
    expr_start = pos + op.end()
    # Blank the target (keep newlines) so offsets in the wrapped SQL stay aligned.
    blanked = "".join(c if c == "\n" else " " for c in text[:expr_start]) + text[expr_start:]
    res = _resolve_expression(text, env, _WRAP + blanked, len(_WRAP))
    target_res = _check_target(text, m.group("target"), m.start("target"), env)
    for lo, hi in subscripts:
        sub = "".join(c if (lo <= i < hi or c == "\n") else " " for i, c in enumerate(text))
        sub_res = _resolve_expression(text, env, _WRAP + sub, len(_WRAP))
        target_res.findings.extend(sub_res.findings)
    res.findings[:0] = target_res.findings
    if not subscripts and res.unanalysed is None:
        _check_assigned_value(text, m.group("target"), _WRAP + blanked, env, res)
    return res


def _check_assigned_value(text: str, target: str, sql: str, env: Env, res: Resolution) -> None:
    """``v_state := 'bogus'`` where the target is an enum/CHECK-constrained variable/field."""
    tree = _parse(sql).tree
    if not isinstance(tree, exp.Select) or len(tree.expressions) != 1:
        return
    parts = [p.strip() for p in target.split(".")]
    if any(p.startswith('"') for p in parts):
        return
    names = [p.lower() for p in parts]
    walker = Walker(env, text, len(_WRAP))
    var = env.lookup_variable(names[0])
    allowed: tuple[str, ...] | None = None
    if var is not None and len(names) == 1:
        allowed = walker.variable_values(var)
    elif var is not None and len(names) == 2:
        allowed = walker.field_values(var, names[1])
    if allowed is None:
        return
    for value in result_values(tree.expressions[0]):
        walker._check_literal(target.strip(), allowed, value, "assigned to")
    res.findings.extend(walker.findings)


def _matching_bracket(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _check_target(text: str, target: str, start: int, env: Env) -> Resolution:
    """``rec.field := …``: the field must exist in a record of known shape."""
    if "." not in target:
        return Resolution()
    tree = _parse(_WRAP + " " * start + target).tree
    if not isinstance(tree, exp.Select) or not tree.expressions:
        return Resolution()
    col = tree.expressions[0]
    if not isinstance(col, exp.Column):
        return Resolution()
    walker = Walker(env, text, len(_WRAP))
    parts = [fold(p) for p in col.parts]
    var = env.lookup_variable(parts[0])
    if var is not None and len(parts) >= 2:
        walker.record_field(col, var, parts[1])
    elif len(parts) >= 3 and parts[0] in env.labels and parts[1] in env.labels[parts[0]]:
        walker.record_field(col, env.labels[parts[0]][parts[1]], parts[2])
    return Resolution(findings=walker.findings)
