"""How :meth:`pgdrift.analysis.refs.RefWalker.expr` treats a sqlglot node, by its class.

``expr`` used to ask ~15 ``isinstance`` questions of every node it walked (1.3 million calls
on the 2,000 bench functions); the answers depend on the class only, so they are worked
out once per class, with the same tests in the same order, and looked up by ``type(node)``.
"""

from __future__ import annotations

from sqlglot import exp

# What expr does with a node (the first element of a kind):
K_NODE = 1  # walk the children
K_COLUMN = 2
K_QUERY = 3  # SELECT, set operation, INSERT/UPDATE/DELETE/MERGE
K_SUBQUERY = 4
K_DATATYPE = 5
K_SKIP = 6  # not an expression; a column definition, table alias or identifier
K_DOT = 7
K_ANONYMOUS = 8  # a call of a function sqlglot does not know; then walk the children
K_ORDERED = 9  # the next three differ from K_NODE only with output names in scope
K_GROUP = 10
K_ORDER = 11
# ... and what is checked after the children
C_EQUALITY = 1
C_IN = 2
C_CAST = 3
C_CASE = 4

EXPR_KIND: dict[type, tuple[int, int]] = {}


def expr_kind(cls: type) -> tuple[int, int]:
    """``(what, check)`` for nodes of class ``cls`` (memoised in :data:`EXPR_KIND`).

    >>> expr_kind(exp.Column) == (K_COLUMN, 0), expr_kind(exp.Union) == (K_QUERY, 0)
    (True, True)
    >>> expr_kind(exp.TryCast) == (K_NODE, C_CAST), expr_kind(str) == (K_SKIP, 0)
    (True, True)
    """
    what, check = K_NODE, 0
    if not issubclass(cls, exp.Expr):
        what = K_SKIP
    elif issubclass(cls, exp.Column):
        what = K_COLUMN
    elif issubclass(cls, (exp.Select, exp.SetOperation)):
        what = K_QUERY
    elif issubclass(cls, exp.Subquery):
        what = K_SUBQUERY
    elif issubclass(cls, (exp.Insert, exp.Update, exp.Delete, exp.Merge)):
        what = K_QUERY
    elif issubclass(cls, exp.DataType):
        what = K_DATATYPE
    elif issubclass(cls, (exp.ColumnDef, exp.TableAlias, exp.Identifier)):
        what = K_SKIP
    elif issubclass(cls, exp.Dot):
        what = K_DOT
    elif issubclass(cls, exp.Anonymous):
        what = K_ANONYMOUS
    elif issubclass(cls, exp.Ordered):
        what = K_ORDERED
    elif issubclass(cls, exp.Group):
        what = K_GROUP
    elif issubclass(cls, exp.Order):
        what = K_ORDER
    if what in (K_NODE, K_ANONYMOUS, K_ORDERED, K_GROUP, K_ORDER):
        if issubclass(cls, (exp.EQ, exp.NEQ)):
            check = C_EQUALITY
        elif issubclass(cls, exp.In):
            check = C_IN
        elif issubclass(cls, exp.Cast):
            check = C_CAST
        elif issubclass(cls, exp.Case):
            check = C_CASE
    EXPR_KIND[cls] = (what, check)
    return what, check
