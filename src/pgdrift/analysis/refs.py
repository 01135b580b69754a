"""Expressions and references: column refs, record fields, variables, calls, literals.

:class:`RefWalker` holds the state of one resolution (environment, findings, offsets) and
walks expressions; :class:`pgdrift.analysis.walker.Walker` adds statement structure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from pgdrift.analysis.colnames import figure_colname
from pgdrift.analysis.env import Env, Finding, Variable
from pgdrift.analysis.exprkinds import (
    C_CASE,
    C_CAST,
    C_EQUALITY,
    C_IN,
    EXPR_KIND,
    K_ANONYMOUS,
    K_COLUMN,
    K_DATATYPE,
    K_DOT,
    K_GROUP,
    K_NODE,
    K_ORDER,
    K_ORDERED,
    K_QUERY,
    K_SKIP,
    K_SUBQUERY,
    expr_kind,
)
from pgdrift.analysis.extensions import extension_provides
from pgdrift.analysis.functions import EXTENSION_TYPES, check_call, is_builtin_type
from pgdrift.analysis.scopes import SYSTEM_COLUMNS, Scope, Source, allowed_values
from pgdrift.analysis.suggest import closest, did_you_mean
from pgdrift.catalog.model import Relation
from pgdrift.rules.pgd101_unknown_column import UnknownColumn
from pgdrift.rules.pgd102_unknown_relation import UnknownRelation
from pgdrift.rules.pgd103_unknown_record_field import UnknownRecordField
from pgdrift.rules.pgd104_unknown_function import UnknownFunction
from pgdrift.rules.pgd105_ambiguous_column import AmbiguousColumn
from pgdrift.rules.pgd106_variable_conflict import VariableConflict
from pgdrift.rules.pgd107_disallowed_literal import DisallowedLiteral
from pgdrift.rules.pgd108_wrong_argument_count import WrongArgumentCount
from pgdrift.rules.pgd110_unknown_type import UnknownType

if TYPE_CHECKING:
    from pgdrift.rules.base import Rule

    Shape = tuple[tuple[str, ...] | None, tuple[str | None, ...] | None]
    Ctes = dict[str, Shape]


def fold(ident: Any) -> str:
    """The name Postgres stores: unquoted identifiers lower-cased, quoted ones verbatim."""
    if isinstance(ident, exp.Identifier):
        return ident.this if ident.quoted else ident.this.lower()
    if isinstance(ident, exp.Expr):
        return ident.name.lower()
    return str(ident).lower()


def fold_opt(ident: Any) -> str | None:
    return None if ident is None else fold(ident)


# What a resolved column reference is known to be: (type, allowed literal values)
ColInfo = tuple[str | None, tuple[str, ...] | None]


_SYSTEM_FIELD_TYPES = dict(SYSTEM_COLUMNS)
_ARRAY_QUANTIFIERS = frozenset({"all", "any", "some"})  # reserved words, never functions


class RefWalker:
    def __init__(self, env: Env, text: str, shift: int) -> None:
        self.env = env
        self.catalog = env.catalog
        self.search_path = tuple(env.search_path)
        self.text = text
        self.shift = shift  # offset in the parsed SQL minus offset in ``text``
        self.findings: list[Finding] = []
        self.created: dict[str, Relation] = {}
        self.col_info: dict[int, ColInfo] = {}
        self._seen: set[tuple[str, int, int]] = set()
        self.procedure_call = False  # resolving CALL proc(…): OUT arguments count
        self._grouping = False  # inside GROUP BY

    # -- findings --------------------------------------------------------------------

    def span(self, node: exp.Expr) -> tuple[int, int]:
        starts, ends = [], []
        for n in (
            (node, *node.iter_expressions()) if not isinstance(node, exp.Column) else node.walk()
        ):
            meta = n.meta if isinstance(n, exp.Expr) else None
            if meta and "start" in meta:
                starts.append(meta["start"])
                ends.append(meta["end"] + 1)
        if not starts:
            for n in node.walk():
                meta = n.meta
                if meta and "start" in meta:
                    starts.append(meta["start"])
                    ends.append(meta["end"] + 1)
        if not starts:
            return 0, len(self.text)
        lo, hi = min(starts) - self.shift, max(ends) - self.shift
        lo = max(0, min(lo, len(self.text)))
        return lo, max(lo, min(hi, len(self.text)))

    def report(
        self,
        rule: type[Rule],
        message: str,
        node: exp.Expr | tuple[int, int],
        help: str | None = None,
    ) -> None:
        start, end = node if isinstance(node, tuple) else self.span(node)
        if rule is UnknownColumn and self.env.guarded_columns:
            name = self.text[start:end].rpartition(".")[2].strip().strip('"').lower()
            if name in self.env.guarded_columns:
                return  # in a branch that runs only when this column exists
        key = (rule.code, start, end)
        if key in self._seen:
            return
        self._seen.add(key)
        self.findings.append(Finding(rule, message, start, end, help))

    # -- expressions -----------------------------------------------------------------

    def query(self, node: exp.Expr, parent: Scope | None, ctes: Ctes) -> Shape:
        raise NotImplementedError

    def expr(self, node: Any, scope: Scope, ctes: Ctes, output_names: bool = False) -> None:
        kind = EXPR_KIND.get(type(node)) or expr_kind(type(node))
        what = kind[0]
        if what == K_COLUMN:
            self.column(node, scope, output_names)
            return
        if what == K_NODE:
            pass
        elif what == K_SKIP:
            return
        elif what == K_QUERY:
            self.query(node, scope, ctes)
            return
        elif what == K_SUBQUERY:
            self.query(node.this, scope, ctes)
            return
        elif what == K_DATATYPE:
            self.check_type(node)
            return
        elif what == K_DOT:
            if isinstance(node.this, exp.Identifier) and isinstance(node.expression, exp.Anonymous):
                self.call(node.expression, fold(node.this), node)
                for arg in node.expression.expressions:
                    self.expr(arg, scope, ctes)
                return
            self.expr(node.this, scope, ctes)  # (rec).field: the field is not a reference
            self.field_access(node, scope)
            return
        elif what == K_ANONYMOUS:
            self.call(node, None, node)
        elif output_names:
            if what == K_ORDERED:
                self.expr(node.this, scope, ctes, output_names)
                return
            if what == K_GROUP:
                # GROUP BY prefers an input column to an output name (ORDER BY the reverse)
                self._grouping = True
                try:
                    for key in node.iter_expressions():
                        self.expr(key, scope, ctes, output_names)
                finally:
                    self._grouping = False
                return
            if what == K_ORDER:
                for ordered in node.iter_expressions():
                    self.expr(ordered, scope, ctes, output_names)
                return
        if type(node) is exp.Collate:
            # ``x COLLATE public.ci``: sqlglot reads a qualified collation name as a column
            self.expr(node.this, scope, ctes)
            return
        if type(node) is exp.Is and _is_predicate_word(node.expression):
            # ``x IS DOCUMENT`` / ``x IS NFC NORMALIZED``: sqlglot reads the word as a column
            self.expr(node.this, scope, ctes)
            return
        for sub in node.iter_expressions():
            self.expr(sub, scope, ctes)
        check = kind[1]
        if not check:
            return
        if check == C_EQUALITY:
            self.check_compared_literal(node.this, node.expression)
            self.check_compared_literal(node.expression, node.this)
            if isinstance(node.expression, exp.Any):
                for item in _array_items(node.expression.this):
                    self.check_compared_literal(node.this, item)
        elif check == C_IN:
            if not node.args.get("query"):
                for item in node.expressions:
                    self.check_compared_literal(node.this, item)
        elif check == C_CAST:
            if isinstance(node.this, exp.Literal):
                self.check_cast_literal(node)
        elif check == C_CASE and node.this is not None:
            for branch in node.args.get("ifs") or ():
                self.check_compared_literal(node.this, branch.this)

    def field_access(self, node: exp.Dot, scope: Scope) -> None:
        """``(rec).field`` / ``(t).col`` / ``(t.composite_col).field``."""
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if not isinstance(inner, exp.Column) or not isinstance(node.expression, exp.Identifier):
            return
        field = fold(node.expression)
        names = [fold(p) for p in inner.parts]
        if any(isinstance(p, exp.Star) for p in inner.parts) or field == "*":
            return
        if len(names) == 1:
            src, _, maybe = scope.lookup(names[0])
            if src is None and not maybe:
                whole = scope.find_source(names[0])
                if whole is not None:
                    if whole.has(field) is False:
                        self.report(
                            UnknownColumn,
                            f"column {names[0]}.{field} does not exist",
                            self._dot_span(node),
                            did_you_mean(field, whole.columns or ()),
                        )
                    return
                var = self.env.lookup_variable(names[0])
                if var is not None:
                    self.record_field(node, var, field, span=self._dot_span(node))
                    return
        info = self.col_info.get(id(inner))
        rel = self._composite(info[0]) if info and info[0] else None
        if rel is not None and rel.column(field) is None:
            self.report(
                UnknownColumn,
                f'column "{field}" not found in data type {rel.qualified_name}',
                self._dot_span(node),
                did_you_mean(field, rel.column_names),
            )

    def _dot_span(self, node: exp.Dot) -> tuple[int, int]:
        starts = [n.meta["start"] for n in node.walk() if n.meta and "start" in n.meta]
        ends = [n.meta["end"] + 1 for n in node.walk() if n.meta and "end" in n.meta]
        if not starts:
            return self.span(node)
        lo, hi = min(starts) - self.shift, max(ends) - self.shift
        j = lo - 1
        while j >= 0 and self.text[j].isspace():
            j -= 1
        if j >= 0 and self.text[j] == "(":
            lo = j
        return max(0, lo), min(hi, len(self.text))

    # -- column references -----------------------------------------------------------

    def column(self, node: exp.Column, scope: Scope, output_names: bool = False) -> None:
        parts = [p for p in node.parts]
        names = [fold(p) if not isinstance(p, exp.Star) else "*" for p in parts]
        if names[-1] == "*":
            if len(names) >= 2:
                self.whole_row(node, names[-2], scope, names[-3] if len(names) > 2 else None)
            return
        if len(names) == 1:
            self.bare_column(node, names[0], scope, output_names)
        elif len(names) == 2:
            self.qualified_column(node, names[0], names[1], scope)
        elif len(names) == 3:
            self.three_part(node, names, scope)

    def whole_row(self, node: exp.Column, name: str, scope: Scope, schema: str | None) -> None:
        if scope.find_source(name, schema) is not None:
            return
        if schema is None and self.env.lookup_variable(name) is not None:
            return
        self.report(
            UnknownRelation,
            f'missing FROM-clause entry for table "{name}"',
            node,
            did_you_mean(name, scope.source_names()),
        )

    def bare_column(self, node: exp.Column, name: str, scope: Scope, output_names: bool) -> None:
        ident = node.this
        if not ident.quoted and name in ("default",):
            return
        if (
            output_names
            and name in scope.output_names
            and not (self._grouping and scope.lookup(name)[0] is not None)
        ):
            return
        var = self.env.lookup_variable(name)
        if var is not None and self.env.variable_conflict == "use_variable":
            self.col_info[id(node)] = (var.type, None)
            return
        src, matches, maybe = scope.lookup(name)
        if src is not None:
            if len(matches) > 1:
                labels = ", ".join(m.name or m.describe for m in matches)
                self.report(
                    AmbiguousColumn,
                    f'column reference "{name}" is ambiguous (in {labels})',
                    node,
                    f'qualify it, e.g. "{matches[0].name}.{name}"' if matches[0].name else None,
                )
            elif var is not None and self._conflicts_are_errors():
                self.report(
                    VariableConflict,
                    f'column reference "{name}" is ambiguous: it is both a column of '
                    f"{src.describe} and a PL/pgSQL variable",
                    node,
                    f'qualify the column ("{src.name}.{name}") or rename the variable',
                )
            self.col_info[id(node)] = (src.type_of(name), src.allowed.get(name))
            return
        if var is not None:
            self.col_info[id(node)] = (var.type, self.variable_values(var))
            return
        if maybe:
            return
        if scope.find_source(name) is not None:
            return  # whole-row reference to a FROM item
        cands = scope.visible_columns()
        help_ = did_you_mean(name, cands) or did_you_mean(name, self.env.variables)
        where = [s for sc in scope.chain()[:1] for s in sc.sources if s.columns is not None]
        msg = f'column "{name}" does not exist'
        if len(where) == 1 and where[0].label:
            msg += f" in {where[0].describe}"
        self.report(UnknownColumn, msg, node, help_)

    def qualified_column(self, node: exp.Column, qual: str, name: str, scope: Scope) -> None:
        src = scope.find_source(qual)
        if src is not None:
            var = self.env.lookup_variable(qual)
            plpgsql_record = (
                var is not None
                and var.is_record
                and self.env.plpgsql
                and not self.env.params_lose_to_columns
                and self.env.variable_conflict != "use_column"
            )
            if var is not None and plpgsql_record:
                # PL/pgSQL resolves "r.x" as the record's field too: a field the record
                # lacks raises 'record "r" has no field "x"'; a column the FROM item r lacks
                # leaves the field; both present is ambiguous (variable_conflict = error).
                if var.fields is not None and name not in var.fields:
                    self.record_field(node, var, name)
                    return
                if src.has(name) is False or self.env.variable_conflict == "use_variable":
                    self.record_field(node, var, name)
                    return
                self.report(
                    VariableConflict,
                    f'reference "{qual}.{name}" is ambiguous: "{qual}" is both a FROM item '
                    "and a PL/pgSQL record variable",
                    node,
                    f'rename the alias "{qual}" or the variable',
                )
            has = src.has(name)
            if has is False:
                self.report(
                    UnknownColumn,
                    f"column {qual}.{name} does not exist"
                    + (f" in {src.describe}" if src.label and src.label != qual else ""),
                    node,
                    did_you_mean(name, src.columns or ()),
                )
            elif has:
                self.col_info[id(node)] = (src.type_of(name), src.allowed.get(name))
            return
        var = self.env.lookup_variable(qual)
        if var is not None:
            self.record_field(node, var, name)
            return
        label = self.env.labels.get(qual)
        if label is not None:
            if name in label:
                self.col_info[id(node)] = (label[name].type, None)
            else:
                self.report(
                    UnknownColumn,
                    f'variable "{name}" does not exist in block "{qual}"',
                    node,
                    did_you_mean(name, label),
                )
            return
        if any(h.name == qual for sc in scope.chain() for h in sc.hidden):
            self.report(
                UnknownRelation,
                f'invalid reference to FROM-clause entry for table "{qual}"',
                node,
                "a JOIN … ON condition sees only the tables of its own join: not those "
                "listed before a comma, nor the UPDATE/DELETE target (move the condition "
                "to WHERE)",
            )
            return
        help_ = did_you_mean(qual, [*scope.source_names(), *self.env.variables])
        self.report(UnknownRelation, f'missing FROM-clause entry for table "{qual}"', node, help_)

    def variable_values(self, var: Variable) -> tuple[str, ...] | None:
        """The values an enum/domain-typed variable can hold, or None."""
        if not var.type or var.is_record:
            return None
        return allowed_values(self.catalog, self.search_path, var.type)

    def _conflicts_are_errors(self) -> bool:
        env = self.env
        return env.plpgsql and not env.params_lose_to_columns and env.variable_conflict == "error"

    def field_values(self, var: Variable, name: str) -> tuple[str, ...] | None:
        """The values ``var.name`` can hold (a CHECK/enum of the record's relation)."""
        if not var.relation or var.fields is None or name not in var.fields:
            return None
        rel = self._relation_by_qualified(var.relation)
        col = rel.column(name) if rel else None
        if col is None:
            return None
        return col.allowed_values or allowed_values(self.catalog, self.search_path, col.type)

    def record_field(
        self,
        node: exp.Expr,
        var: Variable,
        name: str,
        span: tuple[int, int] | None = None,
    ) -> None:
        fields = var.fields
        relation = var.relation
        types = var.field_types
        if fields is None and var.type:
            rel = self._composite(var.type)
            if rel is not None:
                fields, relation = rel.column_names, rel.qualified_name
                types = tuple(c.type for c in rel.columns)
        if fields is None:
            return
        if name in fields:
            idx = fields.index(name)
            allowed = None
            if relation:
                rel = self._relation_by_qualified(relation)
                col = rel.column(name) if rel else None
                if col is not None:
                    allowed = col.allowed_values or allowed_values(
                        self.catalog, self.search_path, col.type
                    )
            self.col_info[id(node)] = (types[idx] if types and idx < len(types) else None, allowed)
            return
        if name in _SYSTEM_FIELD_TYPES:  # PL/pgSQL reads rec.xmin, OLD.ctid… off any record
            self.col_info[id(node)] = (_SYSTEM_FIELD_TYPES[name], None)
            return
        where = f" ({relation})" if relation else ""
        self.report(
            UnknownRecordField,
            f'column "{name}" does not exist in record {var.name}{where}',
            span or node,
            did_you_mean(name, fields),
        )

    def three_part(self, node: exp.Column, names: list[str], scope: Scope) -> None:
        a, b, c = names
        src = scope.find_source(b, a)
        if src is not None:
            if src.has(c) is False:
                self.report(
                    UnknownColumn,
                    f"column {a}.{b}.{c} does not exist",
                    node,
                    did_you_mean(c, src.columns or ()),
                )
            return
        label = self.env.labels.get(a)
        if label is not None and b in label:
            self.record_field(node, label[b], c)
            return
        var = self.env.lookup_variable(a)
        if var is not None and var.fields is not None and b not in var.fields:
            self.record_field(node, var, b)

    def _composite(self, type_name: str) -> Relation | None:
        name = type_name.strip()
        if not name or name.endswith("]") or name.lower() in ("record", "text", "integer"):
            return None
        schema = None
        if "." in name:
            schema, _, name = name.partition(".")
        name = name.removesuffix("%rowtype").strip('"')
        found = self.catalog.find_type(name, schema, self.search_path)
        return found if isinstance(found, Relation) else None

    def _relation_by_qualified(self, qualified: str) -> Relation | None:
        schema, _, name = qualified.rpartition(".")
        return self.catalog.find_relation(name, schema or None, self.search_path)

    # -- calls -----------------------------------------------------------------------

    def call(self, node: exp.Anonymous, schema: str | None, span_node: exp.Expr) -> None:
        name = node.name.lower() if not _quoted_name(node) else node.name
        if name in _ARRAY_QUANTIFIERS and not _quoted_name(node) and schema is None:
            return  # x > ALL (array), x = SOME (array): sqlglot's call of a keyword
        problem = check_call(
            self.catalog,
            self.search_path,
            name,
            schema,
            len(node.expressions),
            procedure_call=self.procedure_call,
        )
        if problem is None:
            return
        if problem.kind == "unknown" and schema is None and self.env.dynamic_search_path:
            return  # the body sets its search_path at run time: cannot know
        rule = UnknownFunction if problem.kind == "unknown" else WrongArgumentCount
        self.report(rule, problem.message, self._call_span(node, span_node), problem.help)

    def _call_span(self, node: exp.Anonymous, span_node: exp.Expr) -> tuple[int, int]:
        meta = node.meta
        if meta and "start" in meta:
            end = meta["end"] + 1 - self.shift
            start = meta["start"] - self.shift
            if span_node is not node:
                first = span_node.this.meta if isinstance(span_node.this, exp.Expr) else None
                if first and "start" in first:
                    start = first["start"] - self.shift
            return start, end
        return self.span(span_node)

    # -- types -----------------------------------------------------------------------

    def check_type(self, datatype: exp.Expr) -> None:
        """A user-defined type name must exist (built-in, enum, domain, composite, table)."""
        while datatype.this == exp.DataType.Type.ARRAY and datatype.expressions:
            datatype = datatype.expressions[0]
        if datatype.this != exp.DataType.Type.USERDEFINED:
            return
        kind = datatype.args.get("kind")
        if isinstance(kind, exp.Identifier):
            schema, name = None, fold(kind)
        elif isinstance(kind, exp.Dot) and isinstance(kind.expression, exp.Identifier):
            schema, name = fold(kind.this), fold(kind.expression)
        else:
            return
        if schema in (None, "pg_catalog") and is_builtin_type(name):
            return
        if self.catalog.find_type(name, schema, self.search_path) is not None:
            return
        if schema is None and (name in self.env.temp_relations or name in self.created):
            return
        if schema is not None and schema not in self.catalog.schemas and schema != "pg_catalog":
            return  # a schema pgdrift has never seen
        if (
            schema is None
            and self.catalog.extensions
            and extension_provides(self.catalog.extensions, name, kind="type") is not False
        ):
            return  # an installed extension provides it, or might
        in_schema = {e: s for e, s in self.catalog.extensions.items() if s == schema}
        if in_schema and extension_provides(in_schema, name, kind="type") is not False:
            return  # CREATE EXTENSION … WITH SCHEMA that schema provides it (or might)
        qual = f"{schema}.{name}" if schema else name
        ext = EXTENSION_TYPES.get(name)
        if ext is not None:
            help_: str | None = (
                f'{name} comes from the extension "{ext}": '
                f'add CREATE EXTENSION IF NOT EXISTS "{ext}" to the schema'
            )
        else:
            pool = [k[1] for k in (*self.catalog.enums, *self.catalog.domains)]
            pool += [k[1] for k in self.catalog.relations]
            help_ = did_you_mean(name, pool)
        self.report(UnknownType, f'type "{qual}" does not exist', kind, help_)

    def check_cast_literal(self, node: exp.Cast) -> None:
        """``'complete'::job_status``: the literal must be a value of the enum/domain."""
        to = node.args.get("to")
        if not isinstance(to, exp.DataType) or to.this != exp.DataType.Type.USERDEFINED:
            return
        kind = to.args.get("kind")
        if isinstance(kind, exp.Identifier):
            type_name = fold(kind)
        elif isinstance(kind, exp.Dot):
            type_name = f"{fold(kind.this)}.{fold(kind.expression)}"
        else:
            return
        allowed = allowed_values(self.catalog, self.search_path, type_name)
        if allowed is not None:
            self._check_literal(type_name, allowed, node.this, "cast to")

    # -- literals --------------------------------------------------------------------

    def check_compared_literal(self, col: Any, lit: Any) -> None:
        info = self.col_info.get(id(col)) if isinstance(col, exp.Column) else None
        if info is None or info[1] is None:
            return
        self._check_literal(col, info[1], lit, "compared with")

    def check_assigned_literal(self, target: Source, name: str | None, lit: Any) -> None:
        if name is None:
            return
        allowed = target.allowed.get(name)
        if allowed is not None:
            label = f"{target.relation.name}.{name}" if target.relation else name
            for value in result_values(lit):
                self._check_literal(label, allowed, value, "assigned to")

    def _check_literal(self, col: Any, allowed: tuple[str, ...], lit: Any, verb: str) -> None:
        while isinstance(lit, exp.Cast) and isinstance(lit.this, exp.Literal):
            lit = lit.this
        if not (isinstance(lit, exp.Literal) and lit.is_string):
            return
        value = lit.this
        if value in allowed:
            return
        label = col if isinstance(col, str) else col.sql("postgres")
        match = closest(value, allowed, cutoff=0.6)
        values = ", ".join(f"'{v}'" for v in allowed)
        self.report(
            DisallowedLiteral,
            f"'{value}' {verb} {label}, which only allows {values}",
            lit,
            f"did you mean '{match}'?" if match else None,
        )

    # -- output columns --------------------------------------------------------------

    def projection_shape(self, items: list[exp.Expr], scope: Scope) -> Shape:
        names: list[str] = []
        types: list[str | None] = []
        for item in items:
            if isinstance(item, exp.Star):
                for src in scope.sources:
                    if src.columns is None:
                        return None, None
                    for col in src.columns:
                        if col in scope.merged and col in names:
                            continue
                        names.append(col)
                        types.append(src.type_of(col))
                continue
            if isinstance(item, exp.Column) and isinstance(item.this, exp.Star):
                qual = fold(item.args["table"]) if item.args.get("table") else ""
                star_src = scope.find_source(qual)
                if star_src is not None and star_src.columns is not None:
                    names.extend(star_src.columns)
                    types.extend(star_src.type_of(c) for c in star_src.columns)
                    continue
                var = self.env.lookup_variable(qual)
                if var is not None and var.fields is not None:
                    names.extend(var.fields)
                    types.extend(var.field_types or (None,) * len(var.fields))
                    continue
                return None, None
            if isinstance(item, exp.Dot) and isinstance(item.expression, exp.Star):
                return None, None  # (composite_expr).*: as many columns as its fields
            names.append(self.column_name(item))
            types.append(self.output_type(item))
        return tuple(names), tuple(types)

    def column_name(self, item: exp.Expr) -> str:
        """The name Postgres gives an output column (FigureColname): what ``SELECT … INTO
        rec`` names the record's fields. Checked against PG 15 for 69 expression shapes."""
        if isinstance(item, exp.Alias):
            return fold(item.args["alias"])
        name = figure_colname(item, self._own_token, _output_name)
        return name if name is not None else _output_name(item)

    def _own_token(self, node: exp.Expr) -> str | None:
        """The source text of the token sqlglot recorded for ``node`` itself (a function's
        name as written: ``now``, ``date_trunc``)."""
        meta = node.meta
        if not meta or "start" not in meta:
            return None
        start, end = meta["start"] - self.shift, meta["end"] + 1 - self.shift
        if start < 0 or end > len(self.text) or start >= end:
            return None
        return self.text[start:end]

    def output_type(self, item: exp.Expr) -> str | None:
        if isinstance(item, exp.Alias):
            item = item.this
        if isinstance(item, exp.Column):
            info = self.col_info.get(id(item))
            return info[0] if info else None
        if isinstance(item, exp.Cast):
            return pg_type_name(item.args["to"])
        if isinstance(item, exp.Count):
            return "bigint"
        if isinstance(item, exp.Literal):
            return "text" if item.is_string else ("integer" if item.this.isdigit() else "numeric")
        if isinstance(item, exp.Boolean):
            return "boolean"
        return None


def result_values(node: Any) -> list[Any]:
    """The expressions whose value an expression can take: CASE branches, COALESCE args."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Case):
        out = [
            v
            for branch in node.args.get("ifs") or ()
            for v in result_values(branch.args.get("true"))
        ]
        return out + result_values(node.args.get("default"))
    if isinstance(node, exp.Coalesce):
        return [v for arg in [node.this, *node.expressions] for v in result_values(arg)]
    return [node] if node is not None else []


_PG_TYPE_NAMES = {
    "INT": "integer",
    "BIGINT": "bigint",
    "SMALLINT": "smallint",
    "TEXT": "text",
    "VARCHAR": "character varying",
    "CHAR": "character",
    "TIMESTAMPTZ": "timestamp with time zone",
    "TIMESTAMP": "timestamp without time zone",
    "TIME": "time without time zone",
    "TIMETZ": "time with time zone",
    "BOOLEAN": "boolean",
    "DOUBLE PRECISION": "double precision",
    "REAL": "real",
    "DECIMAL": "numeric",
    "SERIAL": "integer",
    "BIGSERIAL": "bigint",
}


def pg_type_name(datatype: exp.Expr) -> str:
    """A sqlglot DataType as Postgres' format_type() prints it (``INT`` -> ``integer``)."""
    text = datatype.sql("postgres")
    suffix = ""
    while text.endswith("[]"):
        text, suffix = text[:-2], suffix + "[]"
    base, paren, rest = text.partition("(")
    name = _PG_TYPE_NAMES.get(base.strip().upper())
    if name is None:
        return text + suffix if base.strip() != base.strip().upper() else text.lower() + suffix
    if paren and name in ("timestamp without time zone", "timestamp with time zone"):
        head, _, tail = name.partition(" ")
        return f"{head}({rest} {tail}{suffix}"
    return f"{name}{paren}{rest.replace(', ', ',')}{suffix}"


def _array_items(node: Any) -> list[Any]:
    while isinstance(node, exp.Paren):
        node = node.this
    return list(node.expressions) if isinstance(node, exp.Array) else []


def _quoted_name(node: exp.Anonymous) -> bool:
    return isinstance(node.this, exp.Identifier) and node.this.quoted


def _output_name(item: exp.Expr) -> str:
    if isinstance(item, exp.Alias):
        return fold(item.args["alias"])
    if isinstance(item, exp.Column):
        return fold(item.this)
    if isinstance(item, exp.Dot):
        return fold(item.expression)
    if isinstance(item, exp.Cast):
        inner = _output_name(item.this)
        if inner == "?column?":
            return item.args["to"].sql("postgres").lower().split("(")[0]
        return inner
    if isinstance(item, exp.Anonymous):
        return item.name.lower()
    if isinstance(item, exp.Paren):
        return _output_name(item.this)
    if isinstance(item, exp.Func) and not isinstance(item, (exp.Binary, exp.Literal)):
        return item.sql_name().lower()
    return "?column?"


_IS_WORDS = frozenset({"document", "nfc", "nfd", "nfkc", "nfkd"})


def _is_predicate_word(node: Any) -> bool:
    """The bare word after IS that sqlglot parses as a column (``IS DOCUMENT``, ``IS NFC``)."""
    return (
        isinstance(node, exp.Column)
        and not node.table
        and isinstance(node.this, exp.Identifier)
        and not node.this.quoted
        and node.name.lower() in _IS_WORDS
    )
