"""Static facts the PL/pgSQL walker reads off statement texts: a body that sets its own
search_path, a table rename, a TG_TABLE_NAME test, an existence test guarding a branch.

>>> table_test("TG_TABLE_NAME IN ('a', 'b')", "b"), table_test("tg_table_name <> 'a'", "a")
(True, False)
>>> renamed_table("ALTER TABLE /* keep */ app.jobs RENAME TO jobs_old")
('app', 'jobs', 'jobs_old')
"""

from __future__ import annotations

import re
from typing import Any

_SETS_SEARCH_PATH = re.compile(
    r"'search_path'|\bset\s+(?:local\s+|session\s+)?search_path\b", re.IGNORECASE
)
_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_SQL_COMMENT = re.compile(r"/\*.*?\*/|--[^\n]*", re.DOTALL)
_RENAME_TABLE = re.compile(
    rf"\s*alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(?:(?P<schema>{_IDENT})\s*\.\s*)?"
    rf"(?P<old>{_IDENT})\s+rename\s+to\s+(?P<new>{_IDENT})\s*;?\s*$",
    re.IGNORECASE,
)


def _fold_name(ident: str) -> str:
    if ident.startswith('"'):
        return ident[1:-1].replace('""', '"')
    return ident.lower()


_TABLE_TEST = re.compile(
    r"^\s*\(?\s*tg_(?:table_name|relname)(?:::\s*text)?\s*"
    r"(?P<op>=|<>|!=|not\s+in|in)\s*(?P<rhs>'(?:[^']|'')*'|\(\s*'(?:[^']|'')*'(?:\s*,\s*'(?:[^']|'')*')*\s*\))"
    r"\s*\)?\s*$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_TG_TABLE = re.compile(r"^\s*tg_(?:table_name|relname)\s*$", re.IGNORECASE)

_REGCLASS_TEST = re.compile(
    r"to_regclass\s*\(\s*'([^']+)'(?:::\s*\w+)?\s*\)\s*is\s+not\s+null", re.IGNORECASE
)
_CATALOG_TEST = re.compile(r"\b(?:table_name|tablename|relname)\s*=\s*'([^']+)'", re.IGNORECASE)
_COLUMN_TEST = re.compile(r"\b(?:column_name|attname)\s*=\s*'([^']+)'", re.IGNORECASE)


def existence_tested(cond: dict[str, Any] | None) -> tuple[set[str], set[str]]:
    """Relations a condition tests the existence of (``to_regclass('x') IS NOT NULL``,
    ``EXISTS (SELECT … FROM information_schema.tables / pg_tables / pg_class WHERE
    table_name = 'x')``), when the test is positive."""
    query = (cond or {}).get("PLpgSQL_expr", {}).get("query", "")
    low = query.lower()
    names = [m.group(1) for m in _REGCLASS_TEST.finditer(query)]
    columns: list[str] = []
    if "exists" in low and "not exists" not in low and not low.lstrip().startswith("not"):
        columns = [m.group(1) for m in _COLUMN_TEST.finditer(query)]
        if not columns:  # a column test names its table too: the table is not in doubt
            names += [m.group(1) for m in _CATALOG_TEST.finditer(query)]
    return {n.rpartition(".")[2].strip('"').lower() for n in names}, {c.lower() for c in columns}


def sets_search_path(body: str) -> bool:
    """Whether the body changes its own search_path at run time."""
    # Both alternatives hold "search_path" in any case; "earch_path" also catches the one
    # letter Unicode case-folding matches beyond ASCII (U+017F, the long s).
    if "earch_path" not in body.lower():
        return False
    return _SETS_SEARCH_PATH.search(body) is not None


def renamed_table(query: str) -> tuple[str | None, str, str] | None:
    """(schema, old name, new name) of ``ALTER TABLE … RENAME TO …``, else None."""
    if "rename" not in query.lower():
        return None
    m = _RENAME_TABLE.match(_SQL_COMMENT.sub(" ", query))
    if m is None:
        return None
    schema = _fold_name(m.group("schema")) if m.group("schema") else None
    return schema, _fold_name(m.group("old")), _fold_name(m.group("new"))


def table_test(query: str, table: str) -> bool | None:
    """``TG_TABLE_NAME = 'x'`` / ``<> 'x'`` / ``IN ('x', …)`` / ``NOT IN (…)`` decided for
    ``table``; None when ``query`` is not such a test."""
    m = _TABLE_TEST.match(query)
    if m is None:
        return None
    names = quoted_names(m.group("rhs"))
    if not names:
        return None
    hit = table in names
    op = " ".join(m.group("op").lower().split())
    return hit if op in ("=", "in") else not hit


def is_table_name_expr(query: str) -> bool:
    """``CASE TG_TABLE_NAME WHEN …``: the expression is the trigger's table name."""
    return _TG_TABLE.match(query) is not None


def quoted_names(text: str) -> set[str]:
    return {v.replace("''", "'") for v in _QUOTED.findall(text)}
