"""Walk a PL/pgSQL body and resolve every embedded statement and expression.

The walker keeps what Postgres would know at each point: parameters (IN, OUT, INOUT,
RETURNS TABLE columns), ``FOUND``, ``NEW``/``OLD``/``TG_*`` for trigger functions, variables
DECLAREd in enclosing blocks (``%ROWTYPE``, ``%TYPE``, composite types), block labels, the
shape a RECORD variable got from what was last assigned to it (``SELECT … INTO``,
``FOR rec IN query``, cursors, ``rec := other``; merged over IF/CASE/loop/exception
branches), ``#variable_conflict``, and tables created in the body by ``CREATE TEMP TABLE``
(and a statement trigger's transition tables). Each embedded text goes to
:func:`pgdrift.analysis.resolve.resolve`; findings come back with offsets in the *body*.
``EXECUTE`` of a constant string is resolved like any statement; dynamic SQL is PGD301.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from pgdrift.analysis.env import Env, Finding, Resolution, Variable
from pgdrift.analysis.plpgsql_guards import (
    existence_tested,
    is_table_name_expr,
    quoted_names,
    renamed_table,
    sets_search_path,
    table_test,
)
from pgdrift.analysis.plpgsql_support import (
    DeclarationsMixin,
    _fold_ident,
    _merge_shapes,
    string_constant,
)
from pgdrift.analysis.routine import RoutineInfo
from pgdrift.catalog.model import Catalog, Relation
from pgdrift.parse.plpgsql import Placement, PlFunction
from pgdrift.rules.base import Rule

Resolver = Callable[[str, Env, str], Resolution]

_MODES = {0: "statement", 2: "expression", 3: "assignment", 4: "assignment", 5: "assignment"}
_TRIGGER_VARS = (
    ("tg_name", "name"),
    ("tg_when", "text"),
    ("tg_level", "text"),
    ("tg_op", "text"),
    ("tg_relid", "oid"),
    ("tg_relname", "name"),
    ("tg_table_name", "name"),
    ("tg_table_schema", "name"),
    ("tg_nargs", "integer"),
    ("tg_argv", "text[]"),
)
_EVENT_TRIGGER_VARS = (("tg_event", "text"), ("tg_tag", "text"))
_ALIAS = re.compile(
    r'(?<![\w$])("[^"]+"|[A-Za-z_]\w*)\s+alias\s+for\s+(\$\d+|"[^"]+"|[A-Za-z_]\w*)',
    re.IGNORECASE,
)
_VARIABLE_CONFLICT = re.compile(
    r"#\s*variable_conflict\s+(error|use_variable|use_column)\b", re.IGNORECASE
)
_TRIVIAL = re.compile(
    r"\s*(?:not\s+)?(?:-?\d+(?:\.\d+)?|'(?:[^'\\]|'')*'|null|true|false"
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_]*))\s*",
    re.IGNORECASE,
)
_TRIVIAL_ASSIGN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:?=(.*)", re.DOTALL)
_CASE_PREFIX = re.compile(r'^"(__Case__Variable_\d+__)" IN \(')


@dataclass(frozen=True, slots=True)
class BodyFinding:
    """A finding with offsets in the body."""

    rule: type[Rule]
    message: str
    start: int
    end: int
    help: str | None = None
    notes: tuple[str, ...] = ()


@dataclass
class BodyResult:
    findings: list[BodyFinding] = field(default_factory=list)
    statements: int = 0
    unanalysed: int = 0


def _rules() -> tuple[type[Rule], type[Rule]]:
    from pgdrift.rules.pgd002_unanalysed_statement import UnanalysedStatement
    from pgdrift.rules.pgd301_dynamic_sql import DynamicSql

    return UnanalysedStatement, DynamicSql


def check_plpgsql(
    fn: PlFunction,
    info: RoutineInfo,
    catalog: Catalog,
    search_path: tuple[str, ...],
    resolver: Resolver,
    trigger_table: Relation | None = None,
    transition_tables: dict[str, Relation] | None = None,
) -> BodyResult:
    """Resolve every embedded statement of a parsed PL/pgSQL body.

    ``trigger_table`` types NEW/OLD; ``transition_tables`` are the REFERENCING … TABLE AS
    names the statement-level trigger's queries may read.
    """
    walker = _Walker(fn, info, catalog, search_path, resolver, trigger_table)
    walker.env.temp_relations.update(transition_tables or {})
    walker.run()
    return walker.result


class _Walker(DeclarationsMixin):
    def __init__(
        self,
        fn: PlFunction,
        info: RoutineInfo,
        catalog: Catalog,
        search_path: tuple[str, ...],
        resolver: Resolver,
        trigger_table: Relation | None,
    ) -> None:
        self.fn = fn
        self.info = info
        self.catalog = catalog
        self.search_path = search_path
        self.resolver = resolver
        self.trigger_table = trigger_table
        self.result = BodyResult()
        self.datums = fn.datums
        self.scopes: list[dict[str, Variable]] = []
        self.dynamic: set[str] = set()  # names of RECORD variables (shape follows assignment)
        self.cursors: dict[str, tuple[tuple[str, ...] | None, tuple[str | None, ...] | None]] = {}
        self.env = Env(catalog, search_path)
        m = _VARIABLE_CONFLICT.search(fn.body)
        if m:
            self.env.variable_conflict = m.group(1).lower()
        elif info.variable_conflict:  # SET plpgsql.variable_conflict = … on the routine
            self.env.variable_conflict = info.variable_conflict
        self.env.dynamic_search_path = sets_search_path(fn.body)
        self._pos = 0
        self._block_decls: dict[int, list[int]] = {}
        self._excluded: set[int] = set()
        self._loop_vars: set[tuple[str, int]] = set()

    # -- driver ---------------------------------------------------------------------------

    def run(self) -> None:
        tree = self.fn.tree
        if tree is None:
            return
        action = tree.get("action", {})
        self._prepare(action)
        self.scopes.append(self._function_scope())
        self._refresh()
        self._stmt(action)

    def _function_scope(self) -> dict[str, Variable]:
        scope: dict[str, Variable] = {}
        info = self.info
        for p in info.params:
            if p.name:
                scope[p.name] = self._typed_variable(p.name, p.type)
        scope["found"] = Variable("found", "boolean")
        if info.is_trigger:
            rel = self.trigger_table
            for name in ("new", "old"):
                scope[name] = Variable(
                    name,
                    "record",
                    is_record=True,
                    fields=rel.column_names if rel is not None else None,
                    field_types=tuple(c.type for c in rel.columns) if rel is not None else None,
                    relation=rel.qualified_name if rel is not None else None,
                )
            for name, typ in _TRIGGER_VARS:
                scope[name] = Variable(name, typ)
        if info.is_event_trigger:
            for name, typ in _EVENT_TRIGGER_VARS:
                scope[name] = Variable(name, typ)
        aliases = _ALIAS.finditer(self.fn.body) if "alias" in self.fn.body.lower() else ()
        for m in aliases:
            alias, target = _fold_ident(m.group(1)), m.group(2)
            aliased: Variable | None = None
            if target.startswith("$"):
                n = int(target[1:])
                if 0 < n <= len(info.params):
                    aliased = self._typed_variable(alias, info.params[n - 1].type)
            else:
                aliased = scope.get(_fold_ident(target))
            scope[alias] = replace(aliased, name=alias) if aliased else Variable(alias, None)
        if info.kind != "do":
            self.env.labels[info.name] = {k: v for k, v in scope.items() if k != "found"}
        # Declared variables no block claimed are visible everywhere (best effort).
        claimed = {d for decls in self._block_decls.values() for d in decls}
        for dno, (kind, datum) in enumerate(self.datums):
            if self._is_declaration(dno, kind, datum) and dno not in claimed:
                declared = self._declared_variable(dno, kind, datum)
                if declared is not None:
                    scope[declared.name] = declared
        return scope

    def _refresh(self) -> None:
        merged: dict[str, Variable] = {}
        for scope in self.scopes:
            merged.update(scope)
        self.env.variables = merged

    def _set_variable(self, var: Variable) -> None:
        for scope in reversed(self.scopes):
            if var.name in scope:
                scope[var.name] = var
                break
        else:
            self.scopes[-1][var.name] = var
        self.env.variables[var.name] = var

    # -- datums and block scoping ---------------------------------------------------------

    # -- statements -----------------------------------------------------------------------

    def _stmts(self, stmts: list[dict[str, Any]]) -> None:
        for node in stmts or ():
            self._stmt(node)

    def _stmt(self, node: dict[str, Any]) -> None:
        kind, stmt = next(iter(node.items()))
        self._pos = 0
        handler = getattr(self, "_s_" + kind.removeprefix("PLpgSQL_stmt_"), None)
        if handler is not None:
            handler(stmt, stmt.get("lineno", 0))

    def _s_block(self, stmt: dict[str, Any], line: int) -> None:
        scope: dict[str, Variable] = {}
        self.scopes.append(scope)
        for dno in self._block_decls.get(id(stmt), ()):
            dkind, datum = self.datums[dno]
            var = self._declared_variable(dno, dkind, datum)
            if var is None:
                continue
            scope[var.name] = var
            self._refresh()
            default = datum.get("default_val")
            if default:
                self._pos = 0
                self._expr(default, datum.get("lineno", line))
            cursor = datum.get("cursor_explicit_expr")
            if cursor:
                self._cursor_decl(var.name, datum, cursor)
        label = stmt.get("label")
        if label:
            self.env.labels[label] = dict(scope)
        self._refresh()
        exceptions = stmt.get("exceptions", {}).get("PLpgSQL_exception_block", {})
        branches: list[Callable[[], None]] = [lambda: self._stmts(stmt.get("body", []))]
        for exc in exceptions.get("exc_list", ()):
            action = exc.get("PLpgSQL_exception", {}).get("action", [])

            def handler(action: list[Any] = action) -> None:
                self.scopes.append(
                    {
                        "sqlstate": Variable("sqlstate", "text"),
                        "sqlerrm": Variable("sqlerrm", "text"),
                    }
                )
                self._refresh()
                self._stmts(action)
                self.scopes.pop()
                self._refresh()

            branches.append(handler)
        if len(branches) == 1:
            branches[0]()
        else:
            # handlers start from the shapes the body leaves (the likeliest state when
            # they run); afterwards either the body or one handler ran
            self._branches(branches, fallthrough=False, chained=True)
        self.scopes.pop()
        if label:
            self.env.labels.pop(label, None)
        self._refresh()

    def _cursor_decl(self, name: str, datum: dict[str, Any], expr: dict[str, Any]) -> None:
        argrow = datum.get("cursor_explicit_argrow")
        scope: dict[str, Variable] = {}
        if argrow is not None:
            for f in self.datums[argrow][1].get("fields", ()):
                dkind, arg = self.datums[f.get("varno", 0)]
                var = self._declared_variable(f.get("varno", 0), dkind, arg)
                if var is not None:
                    scope[var.name] = var
        self.scopes.append(scope)
        self._refresh()
        self._pos = 0
        res = self._expr(expr, datum.get("lineno", 0))
        self.scopes.pop()
        self._refresh()
        if res is not None:
            self.cursors[name] = (res.output_columns, res.output_types)

    def _s_assign(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("expr"), line)
        target = self._datum_name(stmt.get("varno", 0))
        if target in self.dynamic:
            # rec := other_record copies its shape; anything else leaves it unknown
            query = (stmt.get("expr") or {}).get("PLpgSQL_expr", {}).get("query", "")
            m = _TRIVIAL_ASSIGN.fullmatch(query)
            source = None
            if m is not None and re.fullmatch(r"\s*[A-Za-z_]\w*\s*", m.group(2)):
                source = self.env.variables.get(m.group(2).strip().lower())
            if source is not None and source.is_record:
                self._reshape(target, source.fields, source.field_types)
            else:
                self._reshape(target, None, None)

    def _s_if(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("cond"), line)
        # In a trigger function checked for one table, a branch guarded by a test of
        # TG_TABLE_NAME that names other tables never runs for this one.
        known = self._table_test(stmt.get("cond"))
        branches: list[Callable[[], None]] = []
        if known is not False:
            guarded, guarded_cols = existence_tested(stmt.get("cond"))

            def then() -> None:
                added = guarded - self.env.guarded_relations
                added_cols = guarded_cols - self.env.guarded_columns
                self.env.guarded_relations |= added
                self.env.guarded_columns |= added_cols
                try:
                    self._stmts(stmt.get("then_body", []))
                finally:
                    self.env.guarded_relations -= added
                    self.env.guarded_columns -= added_cols

            branches.append(then)
        if known is True:
            self._branches(branches, fallthrough=False)
            return
        for elsif in stmt.get("elsif_list", ()):
            e = elsif.get("PLpgSQL_if_elsif", {})
            known = self._table_test(e.get("cond"))
            if known is False:
                continue

            def run(e: dict[str, Any] = e) -> None:
                self._pos = 0
                self._expr(e.get("cond"), e.get("lineno", line))
                self._stmts(e.get("stmts", []))

            branches.append(run)
            if known is True:
                self._branches(branches, fallthrough=False)
                return
        if stmt.get("else_body"):
            branches.append(lambda: self._stmts(stmt.get("else_body", [])))
        self._branches(branches, fallthrough=not stmt.get("else_body") or not branches)

    def _table_test(self, cond: dict[str, Any] | None) -> bool | None:
        """``TG_TABLE_NAME = 'x'`` / ``<> 'x'`` / ``IN ('x', …)`` / ``NOT IN (…)`` decided for
        the trigger's table; None when it is not such a test or there is no table."""
        if self.trigger_table is None or not cond:
            return None
        return table_test(cond.get("PLpgSQL_expr", {}).get("query", ""), self.trigger_table.name)

    def _s_case(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("t_expr"), line)
        case_var = None
        if stmt.get("t_expr") is not None:
            case_var = self._datum_name(stmt.get("t_varno", 0))
        branches: list[Callable[[], None]] = []
        t_query = (stmt.get("t_expr") or {}).get("PLpgSQL_expr", {}).get("query", "")
        by_table = self.trigger_table is not None and is_table_name_expr(t_query)
        for when in stmt.get("case_when_list", ()):
            w = when.get("PLpgSQL_case_when", {})
            if by_table:  # CASE TG_TABLE_NAME WHEN 'x' …: only this table's branch runs
                wq = (w.get("expr") or {}).get("PLpgSQL_expr", {}).get("query", "")
                names = quoted_names(wq)
                if names and self.trigger_table.name not in names:  # type: ignore[union-attr]
                    continue

            def run(w: dict[str, Any] = w) -> None:
                self._pos = 0
                expr = w.get("expr")
                query = (expr or {}).get("PLpgSQL_expr", {}).get("query", "")
                m = _CASE_PREFIX.match(query)
                if m and case_var:
                    self.scopes.append({m.group(1): Variable(m.group(1), None)})
                    self._refresh()
                    self._expr(expr, w.get("lineno", line), skip=m.end(), trim_end=1)
                    self.scopes.pop()
                    self._refresh()
                else:
                    self._expr(expr, w.get("lineno", line))
                self._stmts(w.get("stmts", []))

            branches.append(run)
        if stmt.get("have_else") or stmt.get("else_stmts"):
            branches.append(lambda: self._stmts(stmt.get("else_stmts", [])))
        self._branches(branches, fallthrough=False)

    def _branches(
        self, branches: list[Callable[[], None]], fallthrough: bool, chained: bool = False
    ) -> None:
        """Run alternative branches from the same record shapes; afterwards a RECORD has the
        shape all branches agree on, the union of their fields when they differ, or an
        unknown shape when one path leaves it unassigned."""
        before = self._shapes()
        ends: list[dict[str, tuple[Any, Any]]] = []
        for run in branches:
            self._restore(ends[0] if chained and ends else before)
            run()
            ends.append(self._shapes())
        if fallthrough:
            ends.append(before)
        self._restore(_merge_shapes(ends))

    def _shapes(self) -> dict[str, tuple[Any, Any]]:
        out = {}
        for name in self.dynamic:
            var = self.env.variables.get(name)
            if var is not None and var.is_record:
                out[name] = (var.fields, var.field_types)
        return out

    def _restore(self, shapes: dict[str, tuple[Any, Any]]) -> None:
        for name, (fields, types) in shapes.items():
            var = self.env.variables.get(name)
            if var is not None and (var.fields, var.field_types) != (fields, types):
                # the shape's source relation is not tracked across branches: drop it
                self._set_variable(replace(var, fields=fields, field_types=types, relation=None))

    def _s_loop(self, stmt: dict[str, Any], line: int) -> None:
        self._branches([lambda: self._stmts(stmt.get("body", []))], fallthrough=True)

    def _s_while(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("cond"), line)
        self._branches([lambda: self._stmts(stmt.get("body", []))], fallthrough=True)

    def _s_fori(self, stmt: dict[str, Any], line: int) -> None:
        for key in ("lower", "upper", "step"):
            self._expr(stmt.get(key), line)
        var = stmt.get("var", {}).get("PLpgSQL_var", {})
        self._loop_scope({var.get("refname", "i"): Variable(var.get("refname", "i"), "integer")})
        self._stmts(stmt.get("body", []))
        self._end_loop_scope()

    def _s_fors(self, stmt: dict[str, Any], line: int) -> None:
        res = self._expr(stmt.get("query"), line)
        self._assign_target(stmt.get("var"), res, line)
        self._stmts(stmt.get("body", []))

    def _s_forc(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("argquery"), line)
        cursor = self._datum_name(stmt.get("curvar", 0))
        cols, types = self.cursors.get(cursor or "", (None, None))
        var = stmt.get("var", {}).get("PLpgSQL_rec", {})
        name = var.get("refname", "")
        self._loop_scope(
            {name: Variable(name, "record", is_record=True, fields=cols, field_types=types)}
        )
        self._stmts(stmt.get("body", []))
        self._end_loop_scope()

    def _s_foreach_a(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("expr"), line)
        target = self._datum_name(stmt.get("varno", 0))
        if target in self.dynamic:
            # rec := other_record copies its shape; anything else leaves it unknown
            query = (stmt.get("expr") or {}).get("PLpgSQL_expr", {}).get("query", "")
            m = _TRIVIAL_ASSIGN.fullmatch(query)
            source = None
            if m is not None and re.fullmatch(r"\s*[A-Za-z_]\w*\s*", m.group(2)):
                source = self.env.variables.get(m.group(2).strip().lower())
            if source is not None and source.is_record:
                self._reshape(target, source.fields, source.field_types)
            else:
                self._reshape(target, None, None)
        self._stmts(stmt.get("body", []))

    def _s_exit(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("cond"), line)

    def _s_return(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("expr"), line)

    def _s_return_next(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("expr"), line)

    def _s_return_query(self, stmt: dict[str, Any], line: int) -> None:
        if stmt.get("query"):
            self._expr(stmt.get("query"), line)
        else:
            self._dynamic(stmt.get("dynquery"), stmt.get("params", ()), line)

    def _s_raise(self, stmt: dict[str, Any], line: int) -> None:
        for p in stmt.get("params", ()):
            self._expr(p, line)
        for opt in stmt.get("options", ()):
            self._expr(opt.get("PLpgSQL_raise_option", {}).get("expr"), line)

    def _s_assert(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("cond"), line)
        self._expr(stmt.get("message"), line)

    def _s_perform(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("expr"), line)

    def _s_call(self, stmt: dict[str, Any], line: int) -> None:
        expr = stmt.get("expr") or {}
        query = expr.get("PLpgSQL_expr", {}).get("query", "")
        m = re.match(r"\s*(call)\s", query, re.IGNORECASE)
        if m is None:
            self._expr(expr, line)
            return
        # The resolver checks CALL p(args) as a procedure call: its OUT arguments are passed
        # too (PG 14+), and offsets are the statement's own.
        place = self._place(query, line, 0)
        res = self._resolve(query, "statement")
        self.result.statements += 1
        self._report(res, place, lambda i: i, line)

    def _s_execsql(self, stmt: dict[str, Any], line: int) -> None:
        res = self._expr(stmt.get("sqlstmt"), line)
        if res is not None:
            for rel in res.created_relations:
                self.env.temp_relations[rel.name] = rel
        self._note_rename(stmt.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query", ""))
        if stmt.get("into"):
            self._assign_target(stmt.get("target"), res, line)

    def _note_rename(self, query: str) -> None:
        """``ALTER TABLE t RENAME TO u`` in the body: later statements see ``u`` (a
        migration's DO block rebuilding a table renames the old one, then reads it)."""
        renamed = renamed_table(query)
        if renamed is None:
            return
        schema, old_name, new_name = renamed
        rel = self.env.temp_relations.get(old_name) if schema is None else None
        if rel is None:
            rel = self.catalog.find_relation(old_name, schema, self.search_path)
        if rel is not None:
            self.env.temp_relations[new_name] = replace(rel, name=new_name)

    def _s_dynexecute(self, stmt: dict[str, Any], line: int) -> None:
        res = self._dynamic(stmt.get("query"), stmt.get("params", ()), line)
        if stmt.get("into"):
            self._assign_target(stmt.get("target"), res, line)

    def _s_dynfors(self, stmt: dict[str, Any], line: int) -> None:
        res = self._dynamic(stmt.get("query"), stmt.get("params", ()), line)
        self._assign_target(stmt.get("var"), res, line)
        self._stmts(stmt.get("body", []))

    def _s_open(self, stmt: dict[str, Any], line: int) -> None:
        cursor = self._datum_name(stmt.get("curvar", 0))
        self._expr(stmt.get("argquery"), line)
        if stmt.get("query"):
            res = self._expr(stmt.get("query"), line)
            if res is not None and cursor:
                self.cursors[cursor] = (res.output_columns, res.output_types)
        elif stmt.get("dynquery"):
            res = self._dynamic(stmt.get("dynquery"), stmt.get("params", ()), line)
            if cursor:
                self.cursors[cursor] = (
                    (res.output_columns, res.output_types) if res else (None, None)
                )

    def _s_fetch(self, stmt: dict[str, Any], line: int) -> None:
        self._expr(stmt.get("expr"), line)
        cursor = self._datum_name(stmt.get("curvar", 0))
        cols, types = self.cursors.get(cursor or "", (None, None))
        self._assign_target(
            stmt.get("target"), Resolution(output_columns=cols, output_types=types), line
        )

    def _loop_scope(self, scope: dict[str, Variable]) -> None:
        self.scopes.append(scope)
        self._refresh()

    def _end_loop_scope(self) -> None:
        self.scopes.pop()
        self._refresh()

    # -- records --------------------------------------------------------------------------

    def _datum_name(self, dno: int) -> str | None:
        if 0 <= dno < len(self.datums):
            return self.datums[dno][1].get("refname")
        return None

    def _assign_target(
        self, target: dict[str, Any] | None, res: Resolution | None, line: int = 0
    ) -> None:
        if not target:
            return
        kind, datum = next(iter(target.items()))
        if kind == "PLpgSQL_row":
            for f in datum.get("fields", ()):
                self._check_field_target(f.get("varno", 0), line)
        name: str | None = None
        if kind == "PLpgSQL_rec":
            name = datum.get("refname")
        elif kind == "PLpgSQL_row":
            fields = datum.get("fields", ())
            if len(fields) == 1:
                name = self._datum_name(fields[0].get("varno", 0))
        if name and name in self.dynamic:
            cols = res.output_columns if res is not None else None
            types = res.output_types if res is not None else None
            self._reshape(name, cols, types, res.output_relation if res is not None else None)

    def _check_field_target(self, dno: int, line: int) -> None:
        """``INTO rec.field``: the field must exist when the record's shape is known."""
        if not 0 <= dno < len(self.datums) or self.datums[dno][0] != "PLpgSQL_recfield":
            return
        field = self.datums[dno][1].get("fieldname", "")
        parent = self._datum_name(self.datums[dno][1].get("recparentno", 0))
        var = self.env.variables.get(parent or "")
        if var is None or var.fields is None or field in var.fields:
            return
        from pgdrift.analysis.suggest import did_you_mean
        from pgdrift.rules.pgd103_unknown_record_field import UnknownRecordField

        pattern = re.compile(
            re.escape(var.name) + r"\s*\.\s*" + re.escape(field) + r"\b", re.IGNORECASE
        )
        m = pattern.search(self.fn.body, self.fn.line_start(line))
        start = m.start() if m else self.fn.line_start(line)
        end = m.end() if m else start
        where = f" ({var.relation})" if var.relation else ""
        self.result.findings.append(
            BodyFinding(
                UnknownRecordField,
                f'column "{field}" does not exist in record {var.name}{where}',
                start,
                end,
                did_you_mean(field, var.fields),
            )
        )

    def _reshape(
        self,
        name: str,
        cols: tuple[str, ...] | None,
        types: tuple[str | None, ...] | None,
        relation: str | None = None,
    ) -> None:
        old = self.env.variables.get(name)
        if old is None or not old.is_record:
            return
        if cols is not None and types is not None and len(types) != len(cols):
            types = None
        self._set_variable(replace(old, fields=cols, field_types=types, relation=relation))

    # -- expressions ----------------------------------------------------------------------

    def _expr(
        self, expr: dict[str, Any] | None, line: int, skip: int = 0, trim_end: int = 0
    ) -> Resolution | None:
        if not expr:
            return None
        e = expr.get("PLpgSQL_expr", {})
        query = e.get("query", "")
        if not query.strip():
            return None
        mode = _MODES.get(e.get("parseMode", 0), "expression")
        if not skip and mode != "statement" and self._trivial(query, mode):
            return None
        if skip:
            located = query[skip : len(query) - trim_end] if trim_end else query[skip:]
            place = self.fn.locate(located, line, self._pos)
            place = Placement(place.base, skip, place.exact)
        else:
            place = self._place(query, line, self._pos)
        res = self._resolve(query, mode)
        if mode == "statement":
            self.result.statements += 1
        self._report(res, place, lambda i: i, line)
        return res

    def _trivial(self, query: str, mode: str) -> bool:
        """A literal or a known variable (``0``, ``'x'``, ``NULL``, ``NOT found``, ``n := 0``):
        nothing to resolve, so skip the parse."""
        if mode == "assignment":
            m = _TRIVIAL_ASSIGN.fullmatch(query)
            if m is None or m.group(1).lower() not in self.env.variables:
                return False
            query = m.group(2)
            if "'" in query:
                return False  # a string assigned to a variable: its type may restrict it
        m = _TRIVIAL.fullmatch(query)
        if m is None:
            return False
        ident = m.group("ident")
        return ident is None or ident.lower() in self.env.variables

    def _place(self, query: str, line: int, min_offset: int) -> Placement:
        place = self.fn.locate(query, line, min_offset)
        if not place.exact and query.upper().startswith("SELECT "):
            alt = self.fn.locate(query, line, min_offset, skip=len("SELECT "))
            if alt.exact:
                place = alt
        if place.exact:
            self._pos = place.body_offset(len(query))
        return place

    def _resolve(self, text: str, mode: str) -> Resolution:
        try:
            return self.resolver(text, self.env, mode)
        except Exception as exc:  # the resolver promises not to raise; be safe anyway
            return Resolution(unanalysed=f"internal error: {type(exc).__name__}: {exc}")

    def _report(
        self, res: Resolution, place: Placement, to_query: Callable[[int], int], line: int
    ) -> None:
        fn = self.fn
        for f in res.findings:
            if place.exact:
                start = place.body_offset(to_query(f.start))
                end = max(place.body_offset(to_query(f.end)), start)
            else:
                start = fn.line_start(line)
                end = start
            self._add(f, start, end)
        if res.unanalysed:
            unanalysed_rule, _ = _rules()
            self.result.unanalysed += 1
            start = place.base if place.exact else fn.line_start(line)
            self.result.findings.append(
                BodyFinding(
                    unanalysed_rule,
                    f"statement not checked: {res.unanalysed}",
                    start,
                    start,
                )
            )

    def _add(self, f: Finding, start: int, end: int) -> None:
        self.result.findings.append(BodyFinding(f.rule, f.message, start, end, f.help, f.notes))

    # -- dynamic SQL ----------------------------------------------------------------------

    def _dynamic(self, expr: dict[str, Any] | None, params: Any, line: int) -> Resolution | None:
        if not expr:
            return None
        for p in params or ():
            self._expr(p, line)
        e = expr.get("PLpgSQL_expr", {})
        query = e.get("query", "")
        place = self._place(query, line, self._pos)
        constant = string_constant(query)
        if constant is None:
            res = self._resolve(query, "expression")
            self._report(res, place, lambda i: i, line)
            _, dynamic_rule = _rules()
            start = place.base if place.exact else self.fn.line_start(line)
            end = place.body_offset(len(query)) if place.exact else start
            self.result.findings.append(
                BodyFinding(
                    dynamic_rule,
                    "dynamic SQL is not checked: the statement text is built at run time",
                    start,
                    end,
                )
            )
            return None
        text, mapping = constant
        res = self._resolve(text, "statement")
        self.result.statements += 1
        self._report(res, place, lambda i: mapping[min(max(i, 0), len(mapping) - 1)], line)
        return res
