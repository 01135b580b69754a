"""Identifiers, type names and expressions as Postgres prints them.

:func:`format_type` renders a pglast ``TypeName`` the way ``format_type()`` does
(``character varying(255)``, ``timestamp with time zone``, ``integer[]``); user-defined
types are schema-qualified (``public.mood``), as ``format_type`` prints them with an empty
search_path, so a type name means the same thing wherever it is read.

>>> quote_ident("users"), quote_ident("Users"), quote_ident("user")
('users', '"Users"', '"user"')
>>> from pglast import parse_sql
>>> tn = parse_sql("create table t (x varchar(20)[])")[0].stmt.tableElts[0].typeName
>>> format_type(tn)
'character varying(20)[]'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from pglast import ast, parse_sql
from pglast.keywords import UNRESERVED_KEYWORDS
from pglast.stream import RawStream

from pgdrift.catalog.builtins import builtin_type_names

_SIMPLE_IDENT = re.compile(r"^[a-z_][a-z0-9_$]*$")

# Internal pg_catalog type names -> what format_type prints (without typmod).
_INTERNAL_TO_SQL = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "time": "time without time zone",
    "timetz": "time with time zone",
    "varbit": "bit varying",
    "char": '"char"',
}
# Aliases a user may write as a plain (non-keyword) type name.
_ALIASES = {
    "int": "int4",
    "integer": "int4",
    "smallint": "int2",
    "bigint": "int8",
    "real": "float4",
    "boolean": "bool",
    "decimal": "numeric",
}
SERIAL_TYPES = {
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}

_INTERVAL_FIELDS = {
    1 << 2: "year",
    1 << 1: "month",
    1 << 3: "day",
    1 << 10: "hour",
    1 << 11: "minute",
    1 << 12: "second",
    (1 << 2) | (1 << 1): "year to month",
    (1 << 3) | (1 << 10): "day to hour",
    (1 << 3) | (1 << 10) | (1 << 11): "day to minute",
    (1 << 3) | (1 << 10) | (1 << 11) | (1 << 12): "day to second",
    (1 << 10) | (1 << 11): "hour to minute",
    (1 << 10) | (1 << 11) | (1 << 12): "hour to second",
    (1 << 11) | (1 << 12): "minute to second",
}
_INTERVAL_FULL_RANGE = 0x7FFF


def quote_ident(name: str) -> str:
    """Quote an identifier the way Postgres's ``quote_ident`` does."""
    if _SIMPLE_IDENT.match(name) and (name not in _KEYWORDS or name in UNRESERVED_KEYWORDS):
        return name
    return '"' + name.replace('"', '""') + '"'


_KEYWORDS: frozenset[str] = frozenset()


def _load_keywords() -> frozenset[str]:
    from pglast import keywords

    return frozenset(
        keywords.RESERVED_KEYWORDS
        | keywords.UNRESERVED_KEYWORDS
        | keywords.COL_NAME_KEYWORDS
        | keywords.TYPE_FUNC_NAME_KEYWORDS
    )


_KEYWORDS = _load_keywords()


def qualified(schema: str | None, name: str) -> str:
    """``schema.name`` with each part quoted as needed."""
    if schema is None:
        return quote_ident(name)
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def str_list(nodes: Sequence[Any] | None) -> list[str]:
    """The ``sval`` of each ``String`` node (names in pglast lists)."""
    out: list[str] = []
    for node in nodes or ():
        if isinstance(node, ast.String):
            out.append(node.sval or "")
        elif isinstance(node, str):
            out.append(node)
    return out


def walk(node: Any) -> Iterator[Any]:
    """Every pglast node under ``node`` (itself included), depth first, in field order.

    A plain loop over each node class's slots: much cheaper than a pglast ``Visitor``."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, ast.Node):
            yield item
            children = [getattr(item, name, None) for name in slots(item)]
            stack.extend(c for c in reversed(children) if isinstance(c, (ast.Node, list, tuple)))


def is_node(node: Any, *classes: type) -> bool:
    """``isinstance`` for pglast nodes, without narrowing (pglast's stubs type every field
    Optional while the grammar guarantees most of them; the nodes stay ``Any``)."""
    return isinstance(node, classes)


def slots(node: Any) -> Iterable[str]:
    """The field names of a pglast node."""
    fields: Iterable[str] = getattr(type(node), "__slots__", ())
    return fields


def deparse(node: Any) -> str:
    """SQL text of an expression node, canonical (pglast's printer).

    pglast's printer has gaps for nodes Postgres accepts, e.g. ``XMLROOT(x, VERSION
    '1.0'::text)`` as pg_dump prints it; a statement must not be lost for its canonical text,
    so the parse tree stands in, dumped without its locations: equal trees give equal text,
    wherever they were read (a file or a live database).

    >>> from pglast import parse_sql
    >>> q = "SELECT XMLROOT(XMLELEMENT(NAME r), VERSION '1.0'::text) AS x"
    >>> deparse(parse_sql(q)[0].stmt) == deparse(parse_sql("  " + q)[0].stmt)
    True
    >>> deparse(parse_sql("SELECT a + 1 FROM t")[0].stmt)
    'SELECT a + 1 FROM t'
    """
    try:
        return str(RawStream()(node))
    except Exception:  # any printer failure: fall back to the tree
        return _TREE_MARK + json.dumps(_without_locations(node(skip_none=True)), sort_keys=True)


_TREE_MARK = "/* parse tree */ "


def definition_tree(text: str) -> Any:
    """The statement node of a definition :func:`deparse` produced (SQL text, or the parse
    tree it stood in with); raises ``pglast.parser.ParseError`` for text that is neither.

    >>> from pglast import parse_sql
    >>> q = "SELECT XMLROOT(XMLELEMENT(NAME r), VERSION '1.0'::text) AS x FROM t"
    >>> type(definition_tree(deparse(parse_sql(q)[0].stmt))).__name__
    'SelectStmt'
    """
    if text.startswith(_TREE_MARK):
        data = json.loads(text[len(_TREE_MARK) :])
        return getattr(ast, data["@"])(data)
    return parse_sql(text)[0].stmt


def _without_locations(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_locations(v)
            for k, v in value.items()
            if k not in ("location", "stmt_location", "stmt_len")
        }
    if isinstance(value, (list, tuple)):
        return [_without_locations(v) for v in value]
    return value


def _const_int(node: Any) -> int | None:
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.Integer):
        return int(node.val.ival or 0)
    if isinstance(node, ast.Integer):
        return int(node.ival or 0)
    return None


def _typmod_text(internal: str, typmods: list[Any]) -> tuple[str, str]:
    """(base text, suffix after the base) for a built-in type with typmods."""
    base = _INTERNAL_TO_SQL.get(internal, internal)
    ints = [_const_int(m) for m in typmods]
    if not ints:
        return base, ""
    if internal in ("timestamp", "timestamptz", "time", "timetz"):
        word, _, tz = base.partition(" ")
        return f"{word}({ints[0]}) {tz}".strip(), ""
    if internal == "interval":
        mask = ints[0] if ints[0] is not None else _INTERVAL_FULL_RANGE
        fields = "" if mask == _INTERVAL_FULL_RANGE else " " + _INTERVAL_FIELDS.get(mask, "")
        prec = f"({ints[1]})" if len(ints) > 1 and ints[1] is not None else ""
        if fields and prec:
            return f"interval{fields}{prec}", ""
        return f"interval{prec}{fields}", ""
    if internal == "numeric" and len(ints) == 1:
        return f"numeric({ints[0]},0)", ""
    if all(i is not None for i in ints):
        return base + "(" + ",".join(str(i) for i in ints) + ")", ""
    return base + "(" + ",".join(deparse(m) for m in typmods) + ")", ""


# A resolver maps a user type (schema or None, name) to its (schema, name), or None.
TypeResolver = Callable[[str | None, str], tuple[str, str] | None]


def format_type(
    type_name: Any,
    resolve: TypeResolver | None = None,
    default_schema: str = "public",
) -> str:
    """Render ``type_name`` as ``format_type()`` would.

    ``resolve`` finds user types (enums, domains, composites, tables) so that unqualified
    names are qualified with the schema they live in; unknown non-builtin names are
    qualified with ``default_schema`` (where Postgres would look first).
    """
    names = str_list(type_name.names)
    typmods = list(type_name.typmods or ())
    array = "[]" if type_name.arrayBounds else ""
    if not names:
        return "unknown"
    if len(names) == 1 and names[0] in SERIAL_TYPES:
        return SERIAL_TYPES[names[0]] + array
    if names[0] == "pg_catalog" and len(names) == 2:
        internal = names[1]
    elif len(names) == 1 and _is_builtin_name(names[0], resolve):
        internal = _ALIASES.get(names[0], names[0])
    else:
        schema, name = (names[-2], names[-1]) if len(names) >= 2 else (None, names[0])
        found = resolve(schema, name) if resolve else None
        if found is not None:
            schema, name = found
        elif schema is None:
            schema = default_schema
        mods = "(" + ",".join(deparse(m) for m in typmods) + ")" if typmods else ""
        return qualified(schema, name) + mods + array
    if internal == "bpchar" and not typmods:
        return "bpchar" + array
    base, suffix = _typmod_text(internal, typmods)
    return base + suffix + array


def _is_builtin_name(name: str, resolve: TypeResolver | None) -> bool:
    if name in _ALIASES or name in _INTERNAL_TO_SQL:
        return True
    # pg_catalog is searched first unless a search_path names it later, so a built-in
    # name wins over a user type of the same name.
    return name in builtin_type_names()


def strip_array(type_text: str) -> tuple[str, bool]:
    """``("text", True)`` for ``"text[]"``."""
    if type_text.endswith("[]"):
        return type_text[:-2], True
    return type_text, False


def split_qualified(type_text: str) -> tuple[str | None, str]:
    """Split ``schema.name`` / ``"My Schema"."T"`` into unquoted parts (typmods dropped)."""
    text = strip_array(type_text)[0]
    parts: list[str] = []
    cur, i, quoted = "", 0, False
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and i + 1 < len(text) and text[i + 1] == '"':
                cur += '"'
                i += 1
            elif ch == '"':
                quoted = False
            else:
                cur += ch
        elif ch == '"':
            quoted = True
        elif ch == ".":
            parts.append(cur)
            cur = ""
        elif ch == "(":
            break
        else:
            cur += ch
        i += 1
    parts.append(cur)
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    return None, parts[0]
