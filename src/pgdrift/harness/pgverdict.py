"""Postgres's own verdict on an embedded statement, without running it.

:class:`PgResolver` has the signature of :func:`pgdrift.analysis.resolve.resolve`, so the
PL/pgSQL walker of ``pgdrift check`` (``analysis/plpgsql.py``) drives it with the same
variables in scope, the same statement texts and the same body -> file offsets. Instead of
resolving names itself it asks the server:

1. every ``ColumnRef`` that names a PL/pgSQL variable (``v``, ``rec.field``,
   ``label.v``, ``fn.param``) and every ``$n`` becomes a parameter of the variable's type
   (records: their ``%ROWTYPE`` relation, or a composite type built from the shape the
   walker knows; unknown types stay untyped), exactly where PL/pgSQL's parser hooks would
   put a ``Param``;
2. the statement is ``PREPARE``d: Postgres parse-analyses it against the real catalog and
   plans nothing, runs nothing;
3. a reference error (undefined column/table/function, ambiguity) becomes a finding at the
   position Postgres reports, mapped back to the text; the culprit is then neutralised
   (the reference replaced by ``NULL``, a missing target column added inside a savepoint
   that is rolled back) and the statement prepared again, so *every* wrong reference is
   reported, not only the first;
4. under ``plpgsql.variable_conflict = error`` each variable reference is also tried as a
   column: if Postgres accepts it as one, the reference is ambiguous at run time.

Type errors are not reported (they are not what ``check`` judges, and unknown variable
types are approximated); everything runs in a transaction the caller rolls back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from pglast import ast

from pgdrift.analysis.env import Env, Finding, Resolution, Variable
from pgdrift.analysis.suggest import did_you_mean
from pgdrift.harness.pgconflicts import ConflictChecks
from pgdrift.harness.pgtext import (
    COUNT_MESSAGES,
    Ref,
    Text,
    assignment_operator,
    nth_token_start,
    parse_refs,
    qualified,
    quote_ident,
    span_tokens,
)

_PREPARABLE = (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt, ast.MergeStmt)
_UNTYPED = {"record", "trigger", "event_trigger", "void", "unknown", "cstring", "internal"}
_MAX_ROUNDS = 64
_SYSTEM_COLUMNS = {
    "tableoid": "oid",
    "cmax": "cid",
    "xmax": "xid",
    "cmin": "cid",
    "xmin": "xid",
    "ctid": "tid",
}

_RE_FIELD = re.compile(r'column "(.+)" not found in data type (.+)$')
_RE_RECFIELD = re.compile(r'could not identify column "(.+)" in record data type')
_RE_TARGET = re.compile(r'column "(.+)" of relation "(.+)" does not exist')
_RE_COLUMN = re.compile(r'column (?:"(.+)"|(\S+)) does not exist')
_RE_MISSING_FROM = re.compile(r'missing FROM-clause entry for table "(.+)"')
_RE_USING = re.compile(r'column "(.+)" specified in USING clause does not exist')


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rule(code: str) -> Any:
    from pgdrift.rules import load_all

    return load_all()[code]


@dataclass
class _PgError:
    sqlstate: str
    message: str
    position: int | None  # offset in the base text


class PgResolver:
    """A resolver (``(text, env, mode) -> Resolution``) that asks Postgres.

    ``conn`` must be inside a transaction the caller rolls back; ``positional`` gives the
    types of ``$1…`` (the routine's input parameters) in PL/pgSQL and SQL bodies.
    """

    def __init__(self, conn: psycopg.Connection, positional: tuple[str | None, ...] = ()):
        self.conn = conn
        self.positional = positional
        self._composites: dict[tuple[Any, ...], str] = {}
        self._types_ok: dict[str, bool] = {}
        self._type_names: dict[int, str] = {}
        self._columns: dict[str, tuple[str, ...]] = {}
        self._seq = 0
        self.prepared = 0  # statements Postgres accepted
        self.analysed = 0  # statements (and expressions) Postgres analysed

    # -- plumbing --

    def _sp(self, action: str, name: str) -> None:
        self.conn.execute(f"{action} {name}")

    def _try(self, sql: str) -> _PgError | None:
        self._seq += 1
        sp = f"pgdrift_sp{self._seq}"
        self._sp("SAVEPOINT", sp)
        try:
            self.conn.execute(sql.encode(), prepare=False)
        except psycopg.Error as exc:
            self._sp("ROLLBACK TO SAVEPOINT", sp)
            self._sp("RELEASE SAVEPOINT", sp)
            d = exc.diag
            pos = int(d.statement_position) if d.statement_position else None
            return _PgError(d.sqlstate or "", d.message_primary or str(exc), pos)
        self._sp("RELEASE SAVEPOINT", sp)
        return None

    def _type_ok(self, type_text: str) -> bool:
        if type_text not in self._types_ok:
            err = self._try(f"SELECT NULL::{type_text}")
            self._types_ok[type_text] = err is None
        return self._types_ok[type_text]

    def _is_composite(self, type_text: str) -> bool:
        key = "composite:" + type_text
        if key not in self._types_ok:
            row = None
            if self._type_ok(type_text):
                row = self.conn.execute(
                    f"SELECT typtype = 'c' FROM pg_type WHERE oid = {sql_literal(type_text)}::regtype"
                ).fetchone()
            self._types_ok[key] = bool(row and row[0])
        return self._types_ok[key]

    def _composite(self, var: Variable) -> str | None:
        if var.relation:
            name = qualified(var.relation)
            return name if self._type_ok(name) else None
        if not var.fields:
            return None
        types = var.field_types or (None,) * len(var.fields)
        key = (var.fields, types)
        if key not in self._composites:
            cols = []
            for f, t in zip(var.fields, types, strict=False):
                typ = t if t and t not in _UNTYPED and self._type_ok(t) else "text"
                cols.append(f"{quote_ident(f)} {typ}")
            name = f"pg_temp.pgdrift_rec{len(self._composites) + 1}"
            if self._try(f"CREATE TYPE {name} AS ({', '.join(cols)})") is not None:
                return None
            self._composites[key] = name
        return self._composites[key]

    def _param_type(self, var: Variable) -> str | None:
        t = (var.type or "").strip()
        if t.endswith("]"):  # an array (of a composite type too): its declared type
            return t if self._type_ok(t) else None
        if var.is_record or var.fields is not None or var.relation:
            return self._composite(var)
        if t and self._is_composite(t):
            return t  # a row type pgdrift's catalog did not know: the server does
        if not t or t.lower() in _UNTYPED or t.lower().startswith("any"):
            return None
        return t if self._type_ok(t) else None

    def columns_of(self, relation: str) -> tuple[str, ...]:
        if relation not in self._columns:
            try:
                rows = self.conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) "
                    "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                    (relation,),
                ).fetchall()
            except psycopg.Error:
                rows = []
            self._columns[relation] = tuple(r[0] for r in rows)
        return self._columns[relation]

    # -- entry point --

    def __call__(self, text: str, env: Env, mode: str) -> Resolution:
        try:
            return _Statement(self, text, env, mode).run()
        except psycopg.Error as exc:
            return Resolution(unanalysed=f"verification failed: {exc}".strip())


class _Statement(ConflictChecks):
    """One statement being verified."""

    def __init__(self, owner: PgResolver, text: str, env: Env, mode: str):
        self.r = owner
        self.text = text
        self.env = env
        self.mode = mode
        self.findings: list[Finding] = []
        self.types: list[str | None] = []
        self.dead: set[str] = set()  # aliases of relations that do not exist
        self.neutral = 0  # references replaced or columns added so far
        self.using_names: set[str] = set()  # columns of a neutralised JOIN … USING
        base, self._to_text = self._base()
        self.t = Text(base)
        self.parsed = parse_refs(base)

    def _base(self) -> tuple[str, Callable[[int], int]]:
        text = self.text
        if self.mode == "expression":
            return "SELECT " + text, lambda b: max(b - 7, 0)
        if self.mode == "assignment":
            op = assignment_operator(text)
            if op is not None:
                s, e = op
                base = "SELECT " + text[:s] + ", " + text[e:]

                def back(b: int) -> int:
                    if b < 7:
                        return 0
                    if b < 7 + s:
                        return b - 7
                    if b < 7 + s + 2:
                        return s
                    return e + (b - 7 - s - 2)

                return base, back
            return "SELECT " + text, lambda b: max(b - 7, 0)
        return text, lambda b: b

    # -- driver --

    def run(self) -> Resolution:
        p = self.parsed
        if p is None:
            # pglast cannot parse it: let Postgres say why (a syntax error is reported)
            err = self.r._try(f"PREPARE pgdrift_v AS {self.t.base}")
            if err is None:
                self.r._try("DEALLOCATE pgdrift_v")
                return Resolution()
            if err.sqlstate == "42601":
                self._syntax(err)
            return Resolution(findings=self.findings)
        if self.mode == "statement" and not isinstance(p.node, _PREPARABLE):
            return self._utility(p.node)
        self._bind_variables()
        self.r.analysed += 1
        self.r._seq += 1
        sp = f"pgdrift_stmt{self.r._seq}"
        self.r._sp("SAVEPOINT", sp)
        try:
            ok = self._prepare_loop()
            res = Resolution(findings=self.findings)
            if ok:
                self.r.prepared += 1
                if self.mode == "statement":
                    res.output_columns, res.output_types = self._describe()
                self._plan_arbiter()
                self.r._try("DEALLOCATE pgdrift_v")
                self._conflicts()
        finally:
            self.r._sp("ROLLBACK TO SAVEPOINT", sp)
            self.r._sp("RELEASE SAVEPOINT", sp)
        res.findings = self.findings
        return res

    def _bind_variables(self) -> None:
        p = self.parsed
        assert p is not None
        for ref in p.refs:
            if "*" in ref.fields:
                if len(ref.fields) >= 2:
                    var = self.env.variables.get(ref.fields[0])
                    if var is not None and (var.is_record or var.relation):
                        self._substitute(ref, var, 1)
                continue
            var, used = self._lookup(ref.fields)
            if var is None:
                continue
            self._substitute(ref, var, used)
        for number, start, end in p.params:
            typ = self.r.positional[number - 1] if 0 < number <= len(self.r.positional) else None
            self.types.append(typ if typ and self.r._type_ok(typ) else None)
            self.t.replace(start, end, f"${len(self.types)}")

    def _lookup(self, fields: tuple[str, ...]) -> tuple[Variable | None, int]:
        env = self.env
        if len(fields) >= 2 and fields[0] in env.labels:
            var = env.labels[fields[0]].get(fields[1])
            if var is not None:
                return var, 2
        var = env.variables.get(fields[0])
        if var is None:
            return None, 0
        # var.x with a var pgdrift's catalog could not type: a row of the server's composite
        # type, or of an unknown shape; var.x with a known scalar type: a table column
        untyped_row = not (var.is_record or var.fields is not None or var.relation)
        scalar = bool(var.type) and self.r._type_ok(var.type or "")
        if len(fields) >= 2 and untyped_row and scalar and not self.r._is_composite(var.type or ""):
            return None, 0
        return var, 1

    def _substitute(self, ref: Ref, var: Variable, used: int) -> None:
        p = self.parsed
        assert p is not None
        typ = self.r._param_type(var)
        name_end = span_tokens(p.tokens, ref.start, 2 * used - 1)
        ref.var = var
        ref.name_end = name_end
        if len(ref.fields) > used and ref.fields[used] != "*":
            ref.field_of_record = ref.fields[used]
        if ref.field_of_record is not None and typ is None:
            # a record of unknown shape: any field is accepted (as check does)
            self.types.append(None)
            ref.param = len(self.types)
            self.t.replace(ref.start, ref.end, f"${ref.param}")
            return
        self.types.append(typ)
        ref.param = len(self.types)
        self.t.replace(ref.start, name_end, f"${ref.param}")

    def _prepare_sql(self) -> tuple[str, int]:
        types = ", ".join(t or "unknown" for t in self.types)
        head = f"PREPARE pgdrift_v({types}) AS " if self.types else "PREPARE pgdrift_v AS "
        return head + self.t.render(), len(head)

    def _attempt(self) -> _PgError | None:
        sql, head = self._prepare_sql()
        err = self.r._try(sql)
        if err is not None and err.position is not None:
            err.position = self.t.to_base(err.position - 1 - head)
        return err

    def _prepare_loop(self) -> bool:
        for _round in range(_MAX_ROUNDS):
            err = self._attempt()
            if err is None:
                return True
            if not self._handle(err):
                return False
        return False

    # -- errors --

    def _span(self, start: int, end: int) -> tuple[int, int]:
        s = self._to_text(start)
        e = self._to_text(max(end - 1, start)) + 1
        return s, max(e, s)

    def _add(self, code: str, message: str, start: int, end: int, help: str | None = None) -> None:
        s, e = self._span(start, end)
        if not any(f.start == s and f.rule.code == code for f in self.findings):
            self.findings.append(Finding(_rule(code), message, s, e, help))

    def _ref_at(self, pos: int | None) -> Ref | None:
        if pos is None or self.parsed is None:
            return None
        for ref in self.parsed.refs:
            if ref.start <= pos < max(ref.end, ref.start + 1):
                return ref
        return None

    def _neutralise(self, start: int, end: int) -> None:
        self.t.replace(start, end, "NULL")
        self.neutral += 1

    def _neutralised(self) -> bool:
        return bool(self.findings) or self.neutral > 0

    def _syntax(self, err: _PgError) -> None:
        pos = err.position if err.position is not None else 0
        end = pos
        base = self.t.base
        while end < len(base) and not base[end].isspace() and end - pos < 40:
            end += 1
        self._add("PGD001", err.message, pos, max(end, pos + 1))

    def _handle(self, err: _PgError) -> bool:
        state, msg, pos = err.sqlstate, err.message, err.position
        if state == "42601" and msg.startswith("non-integer constant in"):
            # a reference neutralised in GROUP BY / ORDER BY: NULL is a constant there
            for start, end, text in list(self.t.edits):
                if text == "NULL" and start == pos:
                    self.t.replace(start, end, "NULL::text")
                    return True
            return False
        if any(m in msg for m in COUNT_MESSAGES):
            if not self._neutralised() and pos is not None:
                self._add(
                    "PGD109",
                    msg,
                    pos,
                    span_tokens(self.parsed.tokens, pos, 1) if self.parsed else pos + 1,
                )
            return False
        if state == "42601":
            if not self._neutralised():  # after a neutralisation it would be ours
                self._syntax(err)
            return False
        if state == "42703" and _RE_USING.search(msg):
            return self._using_column(msg, pos)
        if state == "42703" and self._in_conflict_target(pos):
            return self._conflict_target(msg, pos)
        if state == "42703":
            return self._undefined_column(msg, pos)
        if state == "42P01":
            return self._undefined_table(msg, pos)
        if state == "42702":
            ref = self._ref_at(pos)
            if ref is None:
                return False
            if ref.fields[-1] not in self.using_names:  # else a neutralised USING's
                self._add("PGD105", msg, ref.start, ref.end)
            self._neutralise(ref.start, ref.end)
            return True
        if state == "42883":
            return self._undefined_function(msg, pos)
        if state == "42P10" and "ON CONFLICT specification" in msg and not self._neutralised():
            span = self._conflict_span()
            if span is not None:
                self._add("PGD111", msg, span[0] + 1, span[1] - 1)
            return False
        if state == "42704" and msg.startswith("type ") and any(self.types):
            # one of our parameter types is unknown to the server: leave them untyped
            self.types = [None] * len(self.types)
            return True
        if state == "42704" and msg.startswith("type ") and pos is not None and self.parsed:
            self._add("PGD110", msg, pos, span_tokens(self.parsed.tokens, pos, 1))
            return False
        if state == "22P02" and msg.startswith("invalid input value for enum") and pos is not None:
            if self.parsed:
                self._add("PGD107", msg, pos, span_tokens(self.parsed.tokens, pos, 1))
            return False
        return False  # a type error or something else check does not judge

    # -- USING and ON CONFLICT --

    def _using_column(self, msg: str, pos: int | None) -> bool:
        """``JOIN … USING (missing)``: report it, then join ``ON true`` instead (later
        ambiguities of the merged column are consequences, not findings)."""
        p = self.parsed
        m = _RE_USING.search(msg)
        if p is None or m is None:
            return False
        if pos is None:  # Postgres gives no position here: find the name in a USING list
            pos = self._using_name(m.group(1))
            if pos is None:
                return False
        self._add("PGD101", msg, pos, span_tokens(p.tokens, pos, 1))
        using = open_ = close = None
        for i, (start, _end, name) in enumerate(p.tokens):
            if start > pos:
                break
            if name == "USING":
                using = i
        if using is None:
            return False
        open_ = using + 1
        depth = 0
        for j in range(open_, len(p.tokens)):
            if p.tokens[j][2] == "ASCII_40":
                depth += 1
            elif p.tokens[j][2] == "ASCII_41":
                depth -= 1
                if depth == 0:
                    close = j
                    break
        if close is None:
            return False
        base = self.t.base
        for start, end, kind in p.tokens[open_ + 1 : close]:
            if kind != "ASCII_44":
                self.using_names.add(base[start:end].strip('"').lower())
        self.t.replace(p.tokens[using][0], p.tokens[close][1], "ON true")
        self.neutral += 1
        return True

    def _using_name(self, name: str) -> int | None:
        p = self.parsed
        assert p is not None
        base = self.t.base
        inside = False
        for start, end, kind in p.tokens:
            if kind == "USING":
                inside = True
            elif inside and kind == "ASCII_41":
                inside = False
            elif inside:
                word = base[start:end]
                hit = word == name or word.lower() == name or word == quote_ident(name)
                if hit and not any(e[0] <= start < e[1] for e in self.t.edits):
                    return start
        return None

    def _undefined_column(self, msg: str, pos: int | None) -> bool:
        m = _RE_FIELD.search(msg) or _RE_RECFIELD.search(msg)
        ref = self._ref_at(pos)
        if m and ref is not None and ref.var is not None and m.group(1) in _SYSTEM_COLUMNS:
            # PL/pgSQL records expose the row's system columns (OLD.xmin, r.ctid…)
            self.t.replace(ref.start, ref.end, f"NULL::{_SYSTEM_COLUMNS[m.group(1)]}")
            self.neutral += 1
            return True
        if m and ref is not None and ref.var is not None:
            name = m.group(1)
            var = ref.var
            where = f" ({var.relation})" if var.relation else ""
            self._add(
                "PGD103",
                f'column "{name}" does not exist in record {var.name}{where}',
                ref.start,
                ref.end,
                did_you_mean(name, var.fields or ()),
            )
            self._neutralise(ref.start, ref.end)
            return True
        if m and ref is not None:
            # (composite_column).missing_field: point at the whole selection, as check does
            span = self._field_selection(ref)
            if span is not None:
                self._add("PGD101", msg, span[0], span[1])
                self._neutralise(*span)
                return True
        m = _RE_TARGET.search(msg)
        if m and pos is not None:
            return self._undefined_target(m.group(1), m.group(2), msg, pos)
        if ref is not None:
            if ref.fields[0] in self.dead or (len(ref.fields) == 1 and self.dead):
                self._neutralise(ref.start, ref.end)  # a consequence of a missing relation
                return True
            name = ref.fields[-1]
            self._add("PGD101", msg, ref.start, ref.end, did_you_mean(name, self._candidates(ref)))
            self._neutralise(ref.start, ref.end)
            return True
        return False

    def _field_selection(self, ref: Ref) -> tuple[int, int] | None:
        """The span of ``(ref).field`` around ``ref``, if that is how it is written."""
        p = self.parsed
        if p is None:
            return None
        toks = p.tokens
        for i, tok in enumerate(toks):
            if tok[0] == ref.start:
                j = i + 2 * len(ref.fields) - 1  # the token after the reference
                ok = i > 0 and toks[i - 1][2] == "ASCII_40" and j + 2 < len(toks)
                if ok and toks[j][2] == "ASCII_41" and toks[j + 1][2] == "ASCII_46":
                    return toks[i - 1][0], toks[j + 2][1]
                return None
        return None

    def _candidates(self, ref: Ref) -> list[str]:
        p = self.parsed
        if p is None:
            return []
        out: list[str] = []
        qual = ref.fields[-2] if len(ref.fields) >= 2 else None
        for _s, _e, alias, name in p.ranges:
            if qual is None or qual in (alias, name):
                out.extend(self.r.columns_of(name))
        return out

    def _target_relation(self) -> str | None:
        node = self.parsed.node if self.parsed else None
        rel: Any = getattr(node, "relation", None)
        if isinstance(rel, ast.RangeVar) and rel.relname:
            if rel.schemaname:
                return f"{quote_ident(rel.schemaname)}.{quote_ident(rel.relname)}"
            return quote_ident(rel.relname)
        return None

    def _undefined_target(self, column: str, relname: str, msg: str, pos: int) -> bool:
        p = self.parsed
        assert p is not None
        end = span_tokens(p.tokens, pos, 1)
        target = self._target_relation()
        cols = self.r.columns_of(target) if target else ()
        self._add("PGD101", msg, pos, end, did_you_mean(column, cols))
        if target is None:
            return False
        # make the column exist for this statement only (rolled back with its savepoint)
        err = self.r._try(f"ALTER TABLE {target} ADD COLUMN {quote_ident(column)} text")
        return err is None

    def _undefined_table(self, msg: str, pos: int | None) -> bool:
        p = self.parsed
        assert p is not None
        m = _RE_MISSING_FROM.search(msg)
        if m:
            ref = self._ref_at(pos)
            if ref is None:
                return False
            qual = m.group(1)
            if qual in self.env.labels and len(ref.fields) == 2:
                # block label / function name: a variable that does not exist there
                missing = ref.fields[1]
                self._add(
                    "PGD101",
                    f'variable "{missing}" does not exist in block "{qual}"',
                    ref.start,
                    ref.end,
                    did_you_mean(missing, self.env.labels[qual]),
                )
            else:
                self._add("PGD102", msg, ref.start, ref.end)
            self.dead.add(qual)
            self._neutralise(ref.start, ref.end)
            return True
        for start, end, alias, name in p.ranges:
            if pos is not None and start <= pos < end:
                self._add("PGD102", msg, start, end)
                node_rel = getattr(p.node, "relation", None)
                if isinstance(node_rel, ast.RangeVar) and node_rel.location == start:
                    return False  # the DML target itself does not exist
                self.dead.add(alias or name)
                self.dead.add(name)
                self.t.replace(
                    start, end, f"(SELECT) AS {quote_ident(name)}" if not alias else "(SELECT)"
                )
                return True
        return False

    def _undefined_function(self, msg: str, pos: int | None) -> bool:
        p = self.parsed
        assert p is not None
        if msg.startswith("operator"):
            return False
        for start, end, name, nargs in p.calls:
            if pos is not None and start <= pos < end:
                verdict = self._function_verdict(name, nargs)
                if verdict is None:
                    return False  # it exists with that many arguments: a type question
                name_start = start
                if len(name) > 1:  # point at the function's own name, as check does
                    name_start = nth_token_start(p.tokens, start, 2 * len(name) - 2)
                self._add(verdict[0], verdict[1], name_start, end)
                self._neutralise(start, end)
                return True
        return False

    def _function_verdict(self, name: tuple[str, ...], nargs: int) -> tuple[str, str] | None:
        fname = name[-1]
        schema = name[-2] if len(name) >= 2 else None
        rows = self.r.conn.execute(
            "SELECT pronargs, pronargdefaults, provariadic <> 0 FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE proname = %s "
            "AND (%s::text IS NULL AND (n.nspname = ANY (current_schemas(true))) "
            "     OR n.nspname = %s)",
            (fname, schema, schema),
        ).fetchall()
        shown = ".".join(name)
        if not rows:
            return "PGD104", f"function {shown}() does not exist"
        if any(lo - d <= nargs <= lo or (var and nargs >= lo - 1) for lo, d, var in rows):
            return None  # it exists with that many arguments: a type question
        plural = "argument" if nargs == 1 else "arguments"
        return "PGD108", f"function {shown}() called with {nargs} {plural}, which no overload takes"

    # -- success --

    def _describe(self) -> tuple[tuple[str, ...] | None, tuple[str | None, ...] | None]:
        res = self.r.conn.pgconn.describe_prepared(b"pgdrift_v")
        if res.status != 1 and res.nfields == 0:  # COMMAND_OK with no columns
            return None, None
        names = tuple((res.fname(i) or b"?column?").decode() for i in range(res.nfields))
        types = tuple(self._type_name(res.ftype(i)) for i in range(res.nfields))
        return (names, types) if names else (None, None)

    def _type_name(self, oid: int) -> str | None:
        cache = self.r._type_names
        if oid not in cache:
            row = self.r.conn.execute("SELECT format_type(%s, NULL)", (oid,)).fetchone()
            cache[oid] = str(row[0]) if row and row[0] else ""
        return cache[oid] or None

    def _utility(self, node: Any) -> Resolution:
        """Non-preparable statements: CREATE TEMP TABLE is created (the transaction is
        rolled back later) so that later statements see it; others are not analysed."""
        temp = False
        if isinstance(node, ast.CreateStmt | ast.CreateTableAsStmt):
            rel: Any = node.relation if isinstance(node, ast.CreateStmt) else node.into
            if isinstance(rel, ast.IntoClause):
                rel = rel.rel
            temp = getattr(rel, "relpersistence", "p") == "t"
        if not temp:
            return Resolution()
        p = self.parsed
        assert p is not None
        for ref in p.refs:
            var, _used = self._lookup(ref.fields)
            if var is not None:
                typ = self.r._param_type(var)
                self.t.replace(ref.start, ref.end, f"NULL::{typ}" if typ else "NULL")
        sql = self.t.render()
        if isinstance(node, ast.CreateTableAsStmt) and not re.search(
            r"\bwith\s+(no\s+)?data\s*;?\s*$", sql, re.IGNORECASE
        ):
            sql = sql.rstrip().rstrip(";") + " WITH NO DATA"
        self.r._try(sql)
        return Resolution()
