"""The statement walker: DML on top of queries.

:class:`Walker` resolves one statement (see :func:`pgdrift.analysis.resolve.resolve`):
queries and FROM items come from :class:`pgdrift.analysis.queries.QueryWalker`; this module
adds INSERT (column lists, VALUES, ON CONFLICT keys and ``excluded``), UPDATE (SET targets,
FROM), DELETE (USING), MERGE and RETURNING, whose targets sqlglot's scopes leave out.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from pgdrift.analysis.queries import UNKNOWN, Ctes, QueryWalker, Shape
from pgdrift.analysis.refs import fold
from pgdrift.analysis.scopes import Scope, Source
from pgdrift.analysis.suggest import did_you_mean
from pgdrift.catalog.model import PARTITIONED_TABLE, TABLE
from pgdrift.rules.pgd101_unknown_column import UnknownColumn
from pgdrift.rules.pgd109_column_count_mismatch import ColumnCountMismatch
from pgdrift.rules.pgd111_unmatched_conflict_target import UnmatchedConflictTarget


class Walker(QueryWalker):
    """Resolves one statement: queries (inherited) and DML."""

    def dml(self, node: exp.Expr, parent: Scope | None, ctes: Ctes) -> Shape:
        if isinstance(node, exp.Insert):
            return self.insert(node, parent, ctes)
        if isinstance(node, exp.Update):
            return self.update(node, parent, ctes)
        if isinstance(node, exp.Delete):
            return self.delete(node, parent, ctes)
        if isinstance(node, exp.Merge):
            return self.merge(node, parent, ctes)
        return UNKNOWN

    # -- DML -------------------------------------------------------------------------

    def returning(self, node: exp.Expr, scope: Scope, ctes: Ctes) -> Shape:
        ret = node.args.get("returning")
        if ret is None:
            return UNKNOWN
        if scope.sources:
            # PostgreSQL 18: ``RETURNING old.col, new.col`` read the target row before and
            # after the statement (unless a FROM item or the target is named old / new)
            target = scope.sources[0]
            for name in ("old", "new"):
                if scope.find_source(name) is None:
                    scope.qualifiers[name] = replace(target, name=name, schema=None)
        for item in ret.expressions:
            self.expr(item, scope, ctes)
        return self.projection_shape(ret.expressions, scope)

    def update(self, node: exp.Update, parent: Scope | None, ctes: Ctes) -> Shape:
        ctes = self.with_(node, parent, ctes)
        target = self.target_source(node.this, ctes)
        scope = Scope([target], parent)
        self.from_clause(node, scope, ctes)
        for assignment in node.expressions:
            self.assignment(assignment, target, scope, ctes)
        if node.args.get("where") is not None:
            self.expr(node.args["where"], scope, ctes)
        return self.returning(node, scope, ctes)

    def delete(self, node: exp.Delete, parent: Scope | None, ctes: Ctes) -> Shape:
        ctes = self.with_(node, parent, ctes)
        target = self.target_source(node.this, ctes)
        scope = Scope([target], parent)
        for item in node.args.get("using") or ():
            self.add_item_with_joins(item, scope, ctes)
        self.joins(node.args.get("joins") or (), scope, ctes)
        if node.args.get("where") is not None:
            self.expr(node.args["where"], scope, ctes)
        return self.returning(node, scope, ctes)

    def insert(self, node: exp.Insert, parent: Scope | None, ctes: Ctes) -> Shape:
        ctes = self.with_(node, parent, ctes)
        this = node.this
        col_idents: list[exp.Expr] = []
        if isinstance(this, exp.Schema):
            col_idents = list(this.expressions)
            this = this.this
        target = self.target_source(this, ctes)
        names: list[str | None] = []
        for ident in col_idents:
            names.append(self.target_column(ident, target))
        if not col_idents and target.columns is not None:
            names = list(target.columns)
        source = node.args.get("expression")
        if isinstance(source, exp.Values):
            scope = Scope(parent=parent)
            for row in source.expressions:
                items = row.expressions if isinstance(row, exp.Tuple) else [row]
                self._insert_width(col_idents, target, list(items), row)
                for i, item in enumerate(items):
                    self.expr(item, scope, ctes)
                    if i < len(names):
                        self.check_assigned_literal(target, names[i], item)
        elif source is not None:
            shape = self.query(source, parent, ctes)
            if shape[0] is not None:
                projections = list(source.expressions) if isinstance(source, exp.Select) else []
                if len(projections) != len(shape[0]):  # a * expanded, or a set operation
                    projections = [source] * len(shape[0])
                self._insert_width(col_idents, target, projections, source)
            if isinstance(source, exp.Select):
                for i, proj in enumerate(source.expressions):
                    value = proj.this if isinstance(proj, exp.Alias) else proj
                    if i < len(names):
                        self.check_assigned_literal(target, names[i], value)
        scope = Scope([target], parent)
        conflict = node.args.get("conflict")
        if conflict is not None:
            self.on_conflict(conflict, target, scope, ctes)
        return self.returning(node, scope, ctes)

    def _insert_width(
        self, cols: list[exp.Expr], target: Source, values: list[exp.Expr], where: exp.Expr
    ) -> None:
        width = len(cols) if cols else len(target.columns) if target.columns is not None else None
        if width is None:
            return
        if len(values) > width:
            self.report(
                ColumnCountMismatch,
                "INSERT has more expressions than target columns",
                values[width] if values[width] is not where else where,
            )
        elif cols and len(values) < width:
            self.report(
                ColumnCountMismatch,
                "INSERT has more target columns than expressions",
                cols[len(values)],
            )

    def on_conflict(self, conflict: exp.Expr, target: Source, scope: Scope, ctes: Ctes) -> None:
        for key in conflict.args.get("conflict_keys") or ():
            self.expr(key, scope, ctes)
        excluded = Source(
            "excluded",
            target.columns,
            target.types,
            target.relation,
            label=target.label,
            allowed=target.allowed,
        )
        upd_scope = Scope([target, excluded], scope.parent)
        for assignment in conflict.expressions:
            self.assignment(assignment, target, upd_scope, ctes)
        if conflict.args.get("where") is not None:
            self.expr(conflict.args["where"], upd_scope, ctes)
        index_where = conflict.args.get("index_predicate") or conflict.args.get("conflict_where")
        if index_where is not None:
            self.expr(index_where, scope, ctes)
        self._conflict_arbiter(conflict, target, partial=index_where is not None)

    def _conflict_arbiter(self, conflict: exp.Expr, target: Source, partial: bool) -> None:
        """ON CONFLICT (cols) needs a unique key on exactly those columns; ON CONSTRAINT a
        constraint of that name (checked when the table's keys are known)."""
        rel = target.relation
        if rel is None or rel.kind not in (TABLE, PARTITIONED_TABLE):
            return
        if (
            rel.schema == "pg_temp"
            or rel.name in self.env.temp_relations
            or rel.name in self.created
        ):
            return  # created in the body: its keys are not modelled
        uniques = [c for c in rel.constraints if c.kind in ("primary key", "unique")]
        indexes = [i for i in rel.indexes if i.unique]
        if not uniques and not indexes:
            return  # no key known (a catalog without them, or a table without any)
        constraint = conflict.args.get("constraint")
        if isinstance(constraint, exp.Identifier):
            name = fold(constraint)
            if all(c.name != name for c in rel.constraints):
                self.report(
                    UnmatchedConflictTarget,
                    f'constraint "{name}" for table "{rel.name}" does not exist',
                    constraint,
                    did_you_mean(name, [c.name for c in rel.constraints]),
                )
            return
        keys = list(conflict.args.get("conflict_keys") or ())
        cols: list[str] = []
        for key in keys:
            inner = key.this if isinstance(key, exp.Ordered) else key
            if not isinstance(inner, exp.Column) or len(inner.parts) != 1:
                return  # expressions, collations, opclasses: not judged
            cols.append(fold(inner.this))
        if not cols or any(target.has(c) is False for c in cols):
            return  # no column list, or unknown columns (reported as such)
        if any(c.kind == "exclude" for c in rel.constraints):
            return
        wanted = set(cols)
        candidates = [set(c.columns) for c in uniques]
        for index in indexes:
            if "expr" in index.columns:
                continue
            if " WHERE " in (index.definition or "").upper() and not partial:
                continue
            candidates.append(set(index.columns))
        if wanted in candidates:
            return
        keys_text = ", ".join(f"({', '.join(c.columns)})" for c in uniques) or "none"
        self.report(
            UnmatchedConflictTarget,
            "there is no unique or exclusion constraint matching the ON CONFLICT "
            f"specification ({', '.join(cols)})",
            keys[0],
            f"unique keys of {rel.qualified_name}: {keys_text}",
        )

    def merge(self, node: exp.Merge, parent: Scope | None, ctes: Ctes) -> Shape:
        ctes = self.with_(node, parent, ctes)
        target = self.target_source(node.this, ctes)
        scope = Scope([target], parent)
        using = node.args.get("using")
        source_scope = Scope(parent=parent)
        if using is not None:
            src = self._item_source(using, Scope(parent=parent), ctes)
            scope.sources.append(src)
            source_scope.sources.append(src)
        if node.args.get("on") is not None:
            self.expr(node.args["on"], scope, ctes)
        whens = node.args.get("whens")
        for when in whens.expressions if whens is not None else ():
            cond = when.args.get("condition")
            if cond is not None:
                self.expr(cond, scope, ctes)
            then = when.args.get("then")
            if isinstance(then, exp.Update):
                for assignment in then.expressions:
                    self.assignment(assignment, target, scope, ctes)
            elif isinstance(then, exp.Insert):
                cols = then.this.expressions if isinstance(then.this, exp.Tuple) else []
                names = [self.target_column(c, target) for c in cols]
                vals = then.expression
                items = vals.expressions if isinstance(vals, exp.Tuple) else [vals] if vals else []
                for i, item in enumerate(items):
                    self.expr(item, source_scope, ctes)
                    if i < len(names):
                        self.check_assigned_literal(target, names[i], item)
        return self.returning(node, scope, ctes)

    def assignment(self, node: exp.Expr, target: Source, scope: Scope, ctes: Ctes) -> None:
        """One ``SET lhs = rhs`` of UPDATE / ON CONFLICT DO UPDATE / MERGE."""
        if not isinstance(node, exp.EQ):
            self.expr(node, scope, ctes)
            return
        lhs, rhs = node.this, node.expression
        width: int | None = None
        if isinstance(rhs, exp.Subquery) and isinstance(lhs, exp.Tuple):
            shape = self.query(rhs.this, scope, ctes)
            width = len(shape[0]) if shape[0] is not None else None
        else:
            self.expr(rhs, scope, ctes)
            if isinstance(rhs, exp.Tuple):
                width = len(rhs.expressions)
        if isinstance(lhs, exp.Tuple):
            if width is not None and width != len(lhs.expressions):
                self.report(
                    ColumnCountMismatch, "number of columns does not match number of values", rhs
                )
            names = [self.target_column(c, target) for c in lhs.expressions]
            vals = rhs.expressions if isinstance(rhs, exp.Tuple) else []
            for name, val in zip(names, vals, strict=False):
                if name is not None:
                    self.check_assigned_literal(target, name, val)
            return
        name = self.target_column(lhs, target)
        if name is not None:
            self.check_assigned_literal(target, name, rhs)

    def target_column(self, node: exp.Expr, target: Source) -> str | None:
        """Check a SET target / INSERT column against the target relation."""
        while isinstance(node, (exp.Bracket, exp.Dot)) and node.this is not None:
            node = node.this
        if isinstance(node, exp.Column):
            ident = node.this
            if node.args.get("table") is not None:
                # SET composite.field = … (a subfield of a composite column)
                head = fold(node.args["table"])
                if target.has(head) is not False:
                    return head if target.has(head) else None
                rel = target.relation.name if target.relation else target.name
                self.report(
                    UnknownColumn,
                    f'column "{head}" of relation "{rel}" does not exist',
                    node.args["table"],
                    "a SET target is a column name: do not qualify it with the table"
                    if head == target.name
                    else did_you_mean(head, target.columns or ()),
                )
                return None
        else:
            ident = node
        if not isinstance(ident, exp.Identifier):
            return None
        name = fold(ident)
        if target.has(name) is False:
            rel = target.relation.name if target.relation else target.name
            self.report(
                UnknownColumn,
                f'column "{name}" of relation "{rel}" does not exist',
                ident,
                did_you_mean(name, target.columns or ()),
            )
            return None
        return name
