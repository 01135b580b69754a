"""Queries and FROM items: SELECT, set operations, VALUES, CTEs, joins and their scoping,
tables, subqueries, LATERAL, set-returning functions and alias column lists.

:class:`QueryWalker` builds a :class:`Scope` per query level and resolves every reference
in it through :class:`pgdrift.analysis.refs.RefWalker`; DML statements are added by
:class:`pgdrift.analysis.walker.Walker`.
"""

from __future__ import annotations

from sqlglot import exp

from pgdrift.analysis.functions import builtin_relation
from pgdrift.analysis.refs import RefWalker, fold, fold_opt, pg_type_name
from pgdrift.analysis.scopes import (
    BUILTIN_SCALAR_SRFS,
    BUILTIN_SRF_COLUMNS,
    Scope,
    Source,
    relation_source,
)
from pgdrift.analysis.suggest import did_you_mean
from pgdrift.catalog.model import Relation
from pgdrift.rules.pgd101_unknown_column import UnknownColumn
from pgdrift.rules.pgd102_unknown_relation import UnknownRelation
from pgdrift.rules.pgd105_ambiguous_column import AmbiguousColumn
from pgdrift.rules.pgd109_column_count_mismatch import ColumnCountMismatch

Shape = tuple[tuple[str, ...] | None, tuple[str | None, ...] | None]
Ctes = dict[str, Shape]
UNKNOWN: Shape = (None, None)

# sqlglot's typed nodes for set-returning functions -> Postgres names
_POPULATE = frozenset(
    {"jsonb_populate_record", "jsonb_populate_recordset", "json_populate_record",
     "json_populate_recordset"}
)  # fmt: skip
_TYPED_SRFS = {exp.ExplodingGenerateSeries: "generate_series", exp.Unnest: "unnest"}


class QueryWalker(RefWalker):
    """Queries and FROM items; :class:`pgdrift.analysis.walker.Walker` adds DML."""

    def dml(self, node: exp.Expr, parent: Scope | None, ctes: Ctes) -> Shape:
        raise NotImplementedError

    def target_source(self, table: exp.Expr, ctes: Ctes) -> Source:
        """The table an INSERT/UPDATE/DELETE/MERGE writes (referenced by alias or name)."""
        if not isinstance(table, exp.Table):
            return Source("", None)
        alias = table.args.get("alias")
        alias_name = fold_opt(alias.this) if isinstance(alias, exp.TableAlias) else None
        return self.table_source(table, alias_name, None, ctes)

    # -- queries ---------------------------------------------------------------------

    def query(self, node: exp.Expr, parent: Scope | None, ctes: Ctes) -> Shape:
        """Resolve a query expression; return its output columns."""
        if isinstance(node, exp.Subquery):
            return self.query(node.this, parent, ctes)
        if isinstance(node, exp.Select):
            return self.select(node, parent, ctes)
        if isinstance(node, exp.SetOperation):
            return self.set_operation(node, parent, ctes)
        if isinstance(node, exp.Values):
            return self.values(node, parent)
        if isinstance(node, (exp.Insert, exp.Update, exp.Delete, exp.Merge)):
            return self.dml(node, parent, ctes)
        if isinstance(node, exp.Paren):
            return self.query(node.this, parent, ctes)
        self.expr(node, parent or Scope(), ctes)
        return UNKNOWN

    def with_(self, node: exp.Expr, parent: Scope | None, ctes: Ctes) -> Ctes:
        with_ = node.args.get("with_") or node.args.get("with")
        if not with_:
            return ctes
        ctes = dict(ctes)
        recursive = bool(with_.args.get("recursive"))
        for cte in with_.expressions:
            name = fold(cte.args["alias"].this) if cte.args.get("alias") else ""
            alias_cols = _alias_columns(cte.args.get("alias"))
            body = cte.this
            if recursive and isinstance(body, exp.Union):
                first = self.query(body.this, parent, ctes)
                self._cte_width(name, first, alias_cols, cte)
                ctes[name] = _rename(first, alias_cols)
                self.query(body.expression, parent, ctes)
            else:
                if recursive and alias_cols:
                    ctes[name] = (tuple(alias_cols), None)
                shape = self.query(body, parent, ctes)
                self._cte_width(name, shape, alias_cols, cte)
                ctes[name] = _rename(shape, alias_cols)
        return ctes

    def _cte_width(self, name: str, shape: Shape, alias_cols: list[str], cte: exp.Expr) -> None:
        if alias_cols and shape[0] is not None and len(alias_cols) > len(shape[0]):
            self.report(
                ColumnCountMismatch,
                f'WITH query "{name}" has {len(shape[0])} columns available but '
                f"{len(alias_cols)} columns specified",
                cte.args["alias"].this,
            )

    def select(self, node: exp.Select, parent: Scope | None, ctes: Ctes) -> Shape:
        ctes = self.with_(node, parent, ctes)
        scope = Scope(parent=parent)
        self.from_clause(node, scope, ctes)
        for proj in node.expressions:
            self.expr(proj, scope, ctes)
        shape = self.projection_shape(node.expressions, scope)
        if shape[0]:
            scope.output_names = set(shape[0])
        for key in ("where", "having", "qualify", "limit", "offset"):
            if node.args.get(key) is not None:
                self.expr(node.args[key], scope, ctes)
        distinct = node.args.get("distinct")
        if distinct is not None and distinct.args.get("on") is not None:
            # DISTINCT ON expressions follow the ORDER BY rules: output names are allowed.
            for item in distinct.args["on"].expressions or [distinct.args["on"]]:
                bare = isinstance(item, exp.Column) and len(item.parts) == 1
                self.expr(item, scope, ctes, output_names=bare)
        self._ambiguous_order_names(node, scope)
        for key in ("group", "order"):
            if node.args.get(key) is not None:
                self.expr(node.args[key], scope, ctes, output_names=True)
        for window in node.args.get("windows") or ():
            self.expr(window, scope, ctes)
        return shape

    def _ambiguous_order_names(self, node: exp.Select, scope: Scope) -> None:
        """``ORDER BY x`` where two different output columns are named x."""
        order = node.args.get("order")
        if order is None:
            return
        origins: dict[str, set[tuple[str, str]]] = {}
        for item in node.expressions:
            for name, origin in self._origins(item, scope):
                origins.setdefault(name, set()).add(origin)
        for ordered in order.expressions:
            col = ordered.this if isinstance(ordered, exp.Ordered) else ordered
            if isinstance(col, exp.Column) and len(col.parts) == 1:
                name = fold(col.this)
                if len(origins.get(name, ())) > 1:
                    self.report(
                        AmbiguousColumn,
                        f'ORDER BY "{name}" is ambiguous',
                        col,
                        "several output columns have this name: qualify it or order by position",
                    )
                    self.col_info[id(col)] = (None, None)

    def _origins(self, item: exp.Expr, scope: Scope) -> list[tuple[str, tuple[str, str]]]:
        if isinstance(item, exp.Star):
            out = []
            for src in scope.sources:
                for col in src.columns or ():
                    where = "merged" if col in scope.merged else src.name
                    out.append((col, (where, col)))
            return out
        inner = item.this if isinstance(item, exp.Alias) else item
        name = fold(item.args["alias"]) if isinstance(item, exp.Alias) else None
        if isinstance(inner, exp.Column):
            if isinstance(inner.this, exp.Star):
                qual = fold(inner.args["table"]) if inner.args.get("table") else ""
                star_src = scope.find_source(qual)
                return [(c, (qual, c)) for c in (star_src.columns or ())] if star_src else []
            col = fold(inner.this)
            if len(inner.parts) == 1:
                found = scope.lookup(col)[0]
                where = "merged" if col in scope.merged else (found.name if found else "")
            else:
                where = fold(inner.parts[-2])
            return [(name or col, (where, col))]
        if name is not None:
            return [(name, ("expr", inner.sql("postgres")))]
        return []

    def set_operation(self, node: exp.SetOperation, parent: Scope | None, ctes: Ctes) -> Shape:
        ctes = self.with_(node, parent, ctes)
        left = self.query(node.this, parent, ctes)
        right = self.query(node.expression, parent, ctes)
        if left[0] is not None and right[0] is not None and len(left[0]) != len(right[0]):
            op = {"union": "UNION", "intersect": "INTERSECT", "except": "EXCEPT"}.get(
                node.key, "UNION"
            )
            self.report(
                ColumnCountMismatch,
                f"each {op} query must have the same number of columns "
                f"({len(left[0])} and {len(right[0])})",
                _first_projection(node.expression),
            )
        order = node.args.get("order")
        if order is not None:
            names = left[0]
            scope = Scope([Source("", names, left[1])], parent)
            self.expr(order, scope, ctes, output_names=True)
        for key in ("limit", "offset"):
            if node.args.get(key) is not None:
                self.expr(node.args[key], Scope(parent=parent), ctes)
        return left

    def values(self, node: exp.Values, parent: Scope | None) -> Shape:
        width = 0
        scope = Scope(parent=parent)
        for i, row in enumerate(node.expressions):
            items = row.expressions if isinstance(row, exp.Tuple) else [row]
            if i and len(items) != width:
                self.report(ColumnCountMismatch, "VALUES lists must all be the same length", row)
            width = max(width, len(items))
            for item in items:
                self.expr(item, scope, {})
        names = tuple(f"column{i + 1}" for i in range(width))
        return names, (None,) * width

    # -- FROM ------------------------------------------------------------------------

    def from_clause(self, node: exp.Expr, scope: Scope, ctes: Ctes) -> None:
        from_ = node.args.get("from_") or node.args.get("from")
        if from_ is not None:
            for item in [from_.this, *from_.expressions]:
                if item is not None:
                    self.add_item_with_joins(item, scope, ctes)
        self.joins(node.args.get("joins") or (), scope, ctes)

    def add_item_with_joins(self, item: exp.Expr, scope: Scope, ctes: Ctes) -> None:
        """A FROM/USING item (it starts a join tree); in UPDATE … FROM and DELETE … USING
        sqlglot hangs the JOINs that follow it on the item itself."""
        scope.segment = len(scope.sources)
        self.add_item(item, scope, ctes)
        if not (isinstance(item, exp.Subquery) and _is_join_tree(item)):
            self.joins(item.args.get("joins") or (), scope, ctes)

    def joins(self, joins: list[exp.Expr] | tuple[()], scope: Scope, ctes: Ctes) -> None:
        """Add JOINed items; each ON / USING sees only its own join tree (the items since
        the last comma), as Postgres scopes them."""
        for join in joins:
            before = len(scope.sources)
            if _is_comma(join):
                scope.segment = before
            segment = scope.segment
            src = self.add_item(join.this, scope, ctes)
            left = scope.sources[segment:before]
            # the joined item's sources (several for a parenthesized join tree)
            right = scope.sources[before:] or [src]
            using = join.args.get("using")
            if using:
                for ident in using:
                    name = fold(ident)
                    self._check_using(name, ident, right, left)
                    self._merge(name, ident, right, left, scope)
            if str(join.args.get("method") or "").upper() == "NATURAL" and src.columns:
                common = {c for s in left for c in (s.columns or ())}
                for name in src.columns:
                    if name in common:
                        self._merge(name, join, right, left, scope)
            if join.args.get("on") is not None:
                view = Scope(
                    scope.sources[segment:],
                    scope.parent,
                    scope.merged,
                    hidden=scope.sources[:segment],
                )
                self.expr(join.args["on"], view, ctes)

    def _merge(
        self, name: str, node: exp.Expr, right: list[Source], left: list[Source], scope: Scope
    ) -> None:
        group = scope.merged.get(name, set())
        holders: list[Source] = []
        for side, sources in (("left", left), ("right", right)):
            found = [s for s in sources if s.has(name)]
            distinct = [s for s in found if id(s) not in group]
            if len(distinct) + (1 if len(distinct) < len(found) else 0) > 1:
                self.report(
                    AmbiguousColumn,
                    f'common column name "{name}" appears more than once in {side} table',
                    node if not isinstance(node, exp.Join) else node.this,
                    "qualify the join with ON instead of USING / NATURAL",
                )
            holders.extend(found)
        scope.merge(name, holders)

    def _check_using(
        self, name: str, ident: exp.Expr, right: list[Source], left: list[Source]
    ) -> None:
        for side, sources in (("right", right), ("left", left)):
            if any(s.has(name) is None for s in sources):
                continue
            if not any(s.has(name) for s in sources):
                cands = [c for s in sources for c in (s.columns or ())]
                self.report(
                    UnknownColumn,
                    f'column "{name}" specified in USING clause does not exist in {side} table',
                    ident,
                    did_you_mean(name, cands),
                )
                return

    def add_item(self, item: exp.Expr, scope: Scope, ctes: Ctes) -> Source:
        if isinstance(item, exp.Subquery) and _is_join_tree(item):
            return self._join_tree(item, scope, ctes)
        src = self._item_source(item, scope, ctes)
        if src.name and any(
            other.name == src.name
            and (src.schema is None or other.schema is None or other.schema == src.schema)
            for other in scope.sources
        ):
            self.report(
                AmbiguousColumn,
                f'table name "{src.name}" specified more than once',
                _alias_node(item),
                "give one of them another alias",
            )
        scope.sources.append(src)
        return src

    def _join_tree(self, node: exp.Subquery, scope: Scope, ctes: Ctes) -> Source:
        """A parenthesized join ``(a JOIN b ON …) [AS j]``: its items join the scope (or,
        aliased, become one source with all their columns)."""
        inner_scope = Scope(parent=scope.parent)
        inner = node.this
        if isinstance(inner, exp.Subquery) and _derived_with_joins(inner):
            first = inner.copy()
            first.set("joins", None)
            self.add_item(first, inner_scope, ctes)
            self.joins(inner.args.get("joins") or (), inner_scope, ctes)
        else:
            self.add_item(inner, inner_scope, ctes)
        if isinstance(inner, exp.Table):
            self.joins(inner.args.get("joins") or (), inner_scope, ctes)
        self.joins(node.args.get("joins") or (), inner_scope, ctes)
        cols: list[str] | None = []
        for src in inner_scope.sources:
            if src.columns is None or cols is None:
                cols = None
            else:
                cols.extend(c for c in src.columns if c not in inner_scope.merged or c not in cols)
        alias = node.args.get("alias")
        merged = Source(
            fold(alias.this) if isinstance(alias, exp.TableAlias) else "",
            tuple(cols) if cols is not None else None,
            label="join",
        )
        if isinstance(alias, exp.TableAlias):
            scope.sources.append(self.apply_alias(merged, alias))
        else:
            scope.sources.extend(inner_scope.sources)
            for name, ids in inner_scope.merged.items():
                scope.merged.setdefault(name, set()).update(ids)
        return merged

    def _item_source(self, item: exp.Expr, scope: Scope, ctes: Ctes) -> Source:
        alias = item.args.get("alias")
        alias_name = fold_opt(alias.this) if isinstance(alias, exp.TableAlias) else None
        if isinstance(item, exp.Table):
            if item.args.get("rows_from"):
                return self._rows_from(item, alias, scope, ctes)
            if isinstance(item.this, exp.Values):
                # ``(( VALUES …) v(a, b) JOIN …)``: sqlglot wraps the VALUES in a Table
                shape = self.values(item.this, scope.parent)
                return self.apply_alias(_shaped(alias, shape, "VALUES"), alias)
            if isinstance(item.this, (exp.Func, exp.Anonymous)):
                schema = fold_opt(item.args.get("db"))
                return self.function_source(
                    item.this,
                    schema,
                    alias,
                    scope,
                    ctes,
                    ordinality=bool(item.args.get("ordinality")),
                )
            return self.table_source(item, alias_name, alias, ctes)
        if isinstance(item, exp.Lateral):
            inner = item.this
            alias = item.args.get("alias") or alias
            if isinstance(inner, exp.Subquery):
                alias = inner.args.get("alias") or alias
                shape = self.query(inner.this, scope, ctes)
                return self.apply_alias(_shaped(alias, shape, "subquery"), alias)
            if isinstance(inner, (exp.Func, exp.Anonymous)):
                return self.function_source(inner, None, alias, scope, ctes)
            if isinstance(inner, exp.Table):
                return self._item_source(inner, scope, ctes)
            self.expr(inner, scope, ctes)
            return Source(alias_name or "", None)
        if isinstance(item, exp.Subquery):
            # A non-LATERAL subquery sees only the enclosing query levels.
            shape = self.query(item.this, scope.parent, ctes)
            return self.apply_alias(_shaped(alias, shape, "subquery"), alias)
        if isinstance(item, exp.Unnest):
            return self.function_source(item, None, alias, scope, ctes)
        if isinstance(item, exp.Values):
            shape = self.values(item, scope.parent)
            return self.apply_alias(_shaped(alias, shape, "VALUES"), alias)
        if isinstance(item, (exp.Func, exp.Anonymous)):
            return self.function_source(item, None, alias, scope, ctes)
        self.expr(item, scope, ctes)
        return Source(alias_name or "", None)

    def table_source(
        self, item: exp.Table, alias_name: str | None, alias: exp.Expr | None, ctes: Ctes
    ) -> Source:
        name = fold(item.this)
        schema = fold_opt(item.args.get("db"))
        if schema is None and name in ctes:
            cols, types = ctes[name]
            src = Source(alias_name or name, cols, types, label=f"CTE {name}")
        else:
            rel = self.find_relation(name, schema)
            if rel is None and self._is_sequence(name, schema):
                # SELECT last_value, is_called FROM a_sequence
                seq = Source(alias_name or name, _SEQUENCE_COLUMNS, _SEQUENCE_TYPES)
                seq.label = f"sequence {name}"
                return self.apply_alias(seq, alias)
            if rel is None:
                self.report_unknown_relation(item, name, schema, extra=tuple(ctes))
                return Source(alias_name or name, None, schema=schema)
            src = relation_source(
                rel, alias_name, catalog=self.catalog, search_path=self.search_path
            )
            if alias_name is None and schema is None:
                src.schema = rel.schema
        return self.apply_alias(src, alias)

    def _is_sequence(self, name: str, schema: str | None) -> bool:
        schemas = (schema,) if schema else self.search_path
        return any((s, name) in self.catalog.sequences for s in schemas)

    def find_relation(self, name: str, schema: str | None) -> Relation | None:
        if schema is None and name in self.env.temp_relations:
            return self.env.temp_relations[name]
        if schema is None and name in self.created:
            return self.created[name]
        rel = self.catalog.find_relation(name, schema, self.search_path)
        if rel is None and schema in (None, "pg_catalog", "information_schema", "pg_temp"):
            if schema == "pg_temp":
                return self.env.temp_relations.get(name)
            rel = builtin_relation(name, schema)
        return rel

    def report_unknown_relation(
        self,
        item: exp.Table | tuple[int, int],
        name: str,
        schema: str | None,
        extra: tuple[str, ...] = (),
    ) -> None:
        system = ("pg_catalog", "information_schema", "pg_temp")
        if schema is not None and schema not in self.catalog.schemas and schema not in system:
            return  # a schema pgdrift has never seen: cannot know
        if schema is None and self.env.dynamic_search_path:
            return  # the body sets its search_path at run time: cannot know
        if name in self.env.guarded_relations:
            return  # in a branch that runs only when this relation exists
        qual = f"{schema}.{name}" if schema else name
        pool = [r[1] for r in self.catalog.relations if schema is None or r[0] == schema]
        pool.extend(self.env.temp_relations)
        pool.extend(extra)  # CTE names
        help_text = did_you_mean(name, pool)
        if schema is None:  # the same name in a schema that is not on the search_path
            elsewhere = sorted(s for s, n in self.catalog.relations if n == name)
            if elsewhere:
                help_text = (
                    f'did you mean "{elsewhere[0]}.{name}"? (schema "{elsewhere[0]}" is not '
                    "on the search_path: qualify the name or set search_path)"
                )
        self.report(UnknownRelation, f'relation "{qual}" does not exist', item, help_text)

    def _rows_from(
        self, item: exp.Table, alias: exp.Expr | None, scope: Scope, ctes: Ctes
    ) -> Source:
        names: list[str] = []
        known = True
        for fn in item.args["rows_from"]:
            inner = fn.this if isinstance(fn, exp.Table) else fn
            sub = self.function_source(inner, None, fn.args.get("alias"), scope, ctes)
            if sub.columns is None:
                known = False
            else:
                names.extend(sub.columns)
        alias_name = fold_opt(alias.this) if isinstance(alias, exp.TableAlias) else None
        src = Source(alias_name or "rows_from", tuple(names) if known else None)
        return self.apply_alias(src, alias)

    def function_source(
        self,
        fn: exp.Expr,
        schema: str | None,
        alias: exp.Expr | None,
        scope: Scope,
        ctes: Ctes,
        ordinality: bool = False,
    ) -> Source:
        """A set-returning (or scalar) function in FROM (``WITH ORDINALITY`` adds a column)."""
        if schema is not None and isinstance(fn, exp.Anonymous):
            self.call(fn, schema, fn)  # schema-qualified: looked up in that schema
            for arg in fn.expressions:
                self.expr(arg, scope, ctes)
        else:
            self.expr(fn, scope, ctes)  # arguments (implicitly LATERAL) and the call itself
        name = _function_name(fn)
        alias_name = fold_opt(alias.this) if isinstance(alias, exp.TableAlias) else None
        ref_name = alias_name or name
        defs = (
            [c for c in (alias.args.get("columns") or ()) if isinstance(c, exp.ColumnDef)]
            if alias
            else []
        )
        if defs:
            for c in defs:
                if c.args.get("kind") is not None:
                    self.check_type(c.args["kind"])
            cols = tuple(fold(c.this) for c in defs)
            types = tuple(
                pg_type_name(c.args["kind"]) if c.args.get("kind") else None for c in defs
            )
            return Source(ref_name, cols, types, label=f"function {name}")
        shape = self._function_shape(fn, name, schema)
        if isinstance(fn, exp.Unnest):
            shape = self._unnest_shape(fn, ref_name)
            offset = fn.args.get("offset")
            if offset is not None and shape[0] is not None:
                extra = fold(offset) if isinstance(offset, exp.Identifier) else "ordinality"
                shape = ((*shape[0], extra), None)
        elif shape[0] is not None and shape == ((name,), shape[1]) and alias_name:
            shape = ((alias_name,), shape[1])
        if ordinality and shape[0] is not None:
            shape = ((*shape[0], "ordinality"), (*(shape[1] or (None,) * len(shape[0])), "bigint"))
        src = Source(ref_name, shape[0], shape[1], label=f"function {name}")
        return self.apply_alias(src, alias)

    def _unnest_shape(self, fn: exp.Unnest, ref_name: str) -> Shape:
        """unnest(array): one column per scalar array, a composite's columns, or unknown."""
        args = fn.expressions
        elem_types = [self._element_type(a) for a in args]
        if len(args) == 1:
            elem = elem_types[0]
            if elem is None:
                return UNKNOWN
            rel = self._composite(elem) if elem != "scalar" else None
            if rel is not None:
                return rel.column_names, tuple(c.type for c in rel.columns)
            return (ref_name,), (None if elem == "scalar" else elem,)
        if all(e is not None and (e == "scalar" or self._composite(e) is None) for e in elem_types):
            return ("unnest",) * len(args), None
        return UNKNOWN

    def _element_type(self, arg: exp.Expr) -> str | None:
        """The element type of an array expression: a type name, "scalar", or None."""
        if isinstance(arg, exp.Array):
            return "scalar"
        if isinstance(arg, exp.Cast):
            to = arg.args["to"]
            if to.this == exp.DataType.Type.ARRAY and to.expressions:
                inner = to.expressions[0]
                if inner.this == exp.DataType.Type.USERDEFINED:
                    return inner.sql("postgres").strip('"')
                return "scalar"
            return None
        typ: str | None = None
        if isinstance(arg, exp.Column):
            info = self.col_info.get(id(arg))
            typ = info[0] if info else None
        elif isinstance(arg, exp.Parameter | exp.Placeholder):
            return None
        if typ and typ.endswith("[]"):
            return typ[:-2]
        return None

    def _function_shape(self, fn: exp.Expr, name: str, schema: str | None) -> Shape:
        if isinstance(fn, exp.ExplodingGenerateSeries):
            return (name,), (None,)
        if name in _POPULATE and isinstance(fn, exp.Anonymous) and fn.expressions:
            rel = self._row_type_of(fn.expressions[0])
            if rel is not None:
                return rel.column_names, tuple(c.type for c in rel.columns)
        nargs = len(fn.expressions) if isinstance(fn, exp.Anonymous) else None
        fns = self.catalog.find_functions(name, schema, self.search_path)
        if nargs is not None:
            fns = [f for f in fns if f.accepts(nargs)] or fns
        for f in fns:
            outs = f.output_columns
            if outs:
                return tuple(p.name or f"column{i + 1}" for i, p in enumerate(outs)), tuple(
                    p.type for p in outs
                )
            rtype = (f.return_type or "").strip()
            if rtype.lower() in ("record", "setof record", ""):
                return UNKNOWN
            rel_name = rtype.removeprefix("SETOF ").removeprefix("setof ").strip()
            rschema: str | None = None
            if "." in rel_name:
                rschema, _, rel_name = rel_name.partition(".")
            rel_name = rel_name.strip('"')
            found = self.catalog.find_type(rel_name, rschema, self.search_path)
            if isinstance(found, Relation):
                return found.column_names, tuple(c.type for c in found.columns)
            if found is None and rel_name in self.env.temp_relations:
                rel = self.env.temp_relations[rel_name]
                return rel.column_names, tuple(c.type for c in rel.columns)
            return (name,), (rtype,)
        if schema in (None, "pg_catalog"):
            if name in BUILTIN_SRF_COLUMNS:
                pairs = BUILTIN_SRF_COLUMNS[name]
                return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
            if name in BUILTIN_SCALAR_SRFS:
                return (name,), (None,)
        return UNKNOWN

    def _row_type_of(self, node: exp.Expr) -> Relation | None:
        """The relation of ``NULL::some_table`` (a row-type argument)."""
        if not isinstance(node, exp.Cast):
            return None
        kind = node.args["to"].args.get("kind")
        if isinstance(kind, exp.Identifier):
            name, schema = fold(kind), None
        elif isinstance(kind, exp.Dot):
            name, schema = fold(kind.expression), fold(kind.this)
        else:
            return None
        found = self.catalog.find_type(name, schema, self.search_path)
        if isinstance(found, Relation):
            return found
        return self.env.temp_relations.get(name) if schema is None else None

    def apply_alias(self, src: Source, alias: exp.Expr | None) -> Source:
        """Rename a source's columns by an alias column list, checking its width."""
        names = _alias_columns(alias)
        if names and src.columns is not None and len(names) > len(src.columns):
            self.report(
                ColumnCountMismatch,
                f'table "{src.name}" has {len(src.columns)} columns available but '
                f"{len(names)} columns specified",
                alias.this if isinstance(alias, exp.TableAlias) else alias,  # type: ignore[arg-type]
            )
        return _apply_alias_columns(src, alias)


_SEQUENCE_COLUMNS = ("last_value", "log_cnt", "is_called")
_SEQUENCE_TYPES: tuple[str | None, ...] = ("bigint", "bigint", "boolean")


def _alias_node(item: exp.Expr) -> exp.Expr:
    alias = item.args.get("alias")
    if isinstance(alias, exp.TableAlias) and isinstance(alias.this, exp.Identifier):
        return alias.this
    return item


def _first_projection(query: exp.Expr) -> exp.Expr:
    while isinstance(query, (exp.Subquery, exp.SetOperation)):
        query = query.this
    if isinstance(query, exp.Select) and query.expressions:
        return query.expressions[0]
    return query


def _is_comma(join: exp.Expr) -> bool:
    """``FROM a, b``: sqlglot gives ``b`` as a Join without kind, side, method or condition."""
    return not any(join.args.get(k) for k in ("kind", "side", "method", "on", "using"))


def _is_join_tree(node: exp.Subquery) -> bool:
    """``(a JOIN b ON …)`` parses as a Subquery around a Table (or another such Subquery)."""
    inner = node.this
    if isinstance(inner, exp.Table):
        return True
    return isinstance(inner, exp.Subquery) and (_derived_with_joins(inner) or _is_join_tree(inner))


def _derived_with_joins(node: exp.Subquery) -> bool:
    """``( SELECT …) x JOIN b …`` inside a parenthesized join: sqlglot hangs the JOINs on
    the derived table (pg_dump prints every join tree in parentheses)."""
    return not isinstance(node.this, (exp.Table, exp.Subquery)) and bool(node.args.get("joins"))


def _function_name(fn: exp.Expr) -> str:
    if isinstance(fn, exp.Anonymous):
        return str(fn.this).lower() if isinstance(fn.this, str) else fold(fn.this)
    for cls, name in _TYPED_SRFS.items():
        if isinstance(fn, cls):
            return name
    if isinstance(fn, exp.Func):
        return fn.sql_name().lower()
    return fn.key


def _alias_columns(alias: exp.Expr | None) -> list[str]:
    if not isinstance(alias, exp.TableAlias):
        return []
    out = []
    for col in alias.args.get("columns") or ():
        out.append(fold(col.this if isinstance(col, exp.ColumnDef) else col))
    return out


def _rename(shape: Shape, names: list[str]) -> Shape:
    if not names:
        return shape
    cols, types = shape
    if cols is None:  # an alias list may name only the first columns: still unknown
        return None, None
    renamed = tuple(names) + cols[len(names) :]
    return renamed, types


def _apply_alias_columns(src: Source, alias: exp.Expr | None) -> Source:
    names = _alias_columns(alias)
    if names:
        cols, _ = _rename((src.columns, src.types), names)
        if src.columns is not None and src.relation is not None:
            # allowed values follow the renamed columns
            src.allowed = {
                new: src.allowed[old]
                for old, new in zip(src.columns, cols or (), strict=False)
                if old in src.allowed
            }
        src.columns = cols
    return src


def _shaped(alias: exp.Expr | None, shape: Shape, what: str) -> Source:
    alias_name = fold_opt(alias.this) if isinstance(alias, exp.TableAlias) else None
    return Source(alias_name or "", shape[0], shape[1], label=f"{what} {alias_name or ''}".strip())
