"""Canonical DDL of introspected objects: what ``pgdrift snapshot`` writes, one file per
object (``<schema>/<name>.sql``; functions in ``<schema>/functions/<name>.sql`` with all
overloads; extensions in ``_extensions/<name>.sql``; the schema itself in
``<schema>/_schema.sql``). Output depends only on the catalog rows, so two snapshots of an
unchanged database are byte-identical.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pgdrift.catalog.names import qualified, quote_ident

if TYPE_CHECKING:
    from pgdrift.catalog.live import LiveObject

_UNSAFE = re.compile(r"[^\w.$-]|^\.")


def file_name(name: str) -> str:
    """A file name for an object name: unsafe characters as %XX (so it stays unique)."""
    return _UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), name)


def _obj(schema: str | None, name: str, kind: str, path: str, ddl: str) -> LiveObject:
    from pgdrift.catalog.live import LiveObject

    return LiveObject(schema, name, kind, path, ddl)


def stable_array_casts(text: str) -> str:
    """Rewrite ``(ARRAY['a'::t1, 'b'::t1])::t2[]`` as ``ARRAY[('a'::t1)::t2, ('b'::t1)::t2]``.

    ``pg_get_constraintdef`` prints a ``CHECK (varchar_col IN (...))`` in the first form;
    once that text is loaded, Postgres prints the second, and from then on keeps it. Writing
    the second form at once makes a reloaded snapshot identical to the first.

    >>> stable_array_casts("CHECK (((k)::text = ANY ((ARRAY['a'::character varying, "
    ...                    "'it''s'::character varying])::text[])))")
    "CHECK (((k)::text = ANY (ARRAY[('a'::character varying)::text, ('it''s'::character varying)::text])))"
    """
    out: list[str] = []
    i = 0
    while True:
        j = text.find("(ARRAY[", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        parsed = _array_cast_at(text, j)
        if parsed is None:
            out.append(text[i : j + 7])
            i = j + 7
            continue
        end, elements, target = parsed
        out.append(text[i:j])
        out.append("ARRAY[" + ", ".join(f"({e})::{target}" for e in elements) + "]")
        i = end


def _array_cast_at(text: str, j: int) -> tuple[int, list[str], str] | None:
    """``(end, elements, element type)`` when ``text[j:]`` starts ``(ARRAY['x'::t, …])::T[]``."""
    k = j + len("(ARRAY[")
    elements: list[str] = []
    while True:
        if k >= len(text) or text[k] != "'":
            return None
        start = k
        k += 1
        while k < len(text):
            if text[k] == "'" and text[k + 1 : k + 2] == "'":
                k += 2
            elif text[k] == "'":
                break
            else:
                k += 1
        k += 1
        if not text.startswith("::", k):
            return None
        k += 2
        depth = 0
        while k < len(text) and (depth or text[k] not in ",]"):
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            k += 1
        elements.append(text[start:k])
        if text.startswith(", ", k):
            k += 2
            continue
        if not text.startswith("])::", k):
            return None
        k += 4
        end = text.find("[]", k)
        if end < 0 or any(c in text[k:end] for c in ",()"):
            return None
        return end + 2, elements, text[k:end]


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def render_objects(data: dict[str, list[tuple[Any, ...]]]) -> list[LiveObject]:
    out: list[LiveObject] = []
    for name, _usable in data["schemas"]:
        out.append(
            _obj(
                name,
                name,
                "schema",
                f"{file_name(name)}/_schema.sql",
                f"CREATE SCHEMA IF NOT EXISTS {quote_ident(name)};\n",
            )
        )
    for ext, schema in data["extensions"]:
        out.append(
            _obj(
                None,
                ext,
                "extension",
                f"_extensions/{file_name(ext)}.sql",
                f"CREATE EXTENSION IF NOT EXISTS {quote_ident(ext)} WITH SCHEMA "
                f"{quote_ident(schema)};\n",
            )
        )
    for schema, name, labels in data["enums"]:
        values = ",\n".join(f"    {_lit(v)}" for v in labels)
        out.append(
            _obj(
                schema,
                name,
                "enum",
                _path(schema, name),
                f"CREATE TYPE {qualified(schema, name)} AS ENUM (\n{values}\n);\n",
            )
        )
    for schema, name, subtype, multirange in data.get("ranges", []):
        ddl = f"CREATE TYPE {qualified(schema, name)} AS RANGE (\n    SUBTYPE = {subtype}"
        if multirange:
            ddl += f",\n    MULTIRANGE_TYPE_NAME = {multirange}"
        out.append(_obj(schema, name, "range", _path(schema, name), ddl + "\n);\n"))
    for schema, name, base, notnull, default, collation, checks in data["domains"]:
        ddl = f"CREATE DOMAIN {qualified(schema, name)} AS {base}"
        if collation:
            ddl += f" COLLATE {collation}"
        if default is not None:
            ddl += f" DEFAULT {default}"
        if notnull:
            ddl += " NOT NULL"
        for check in checks or ():
            ddl += f"\n    CONSTRAINT {stable_array_casts(check)}"
        out.append(_obj(schema, name, "domain", _path(schema, name), ddl + ";\n"))
    for row in data["sequences"]:
        schema, name, typ, start, inc, lo, hi, cache, cycle, _owned = row
        ddl = (
            f"CREATE SEQUENCE {qualified(schema, name)} AS {typ} START WITH {start} "
            f"INCREMENT BY {inc} MINVALUE {lo} MAXVALUE {hi} CACHE {cache}"
            + (" CYCLE" if cycle else "")
            + ";\n"
        )
        out.append(_obj(schema, name, "sequence", _path(schema, name), ddl))
    out.extend(_relations(data))
    out.extend(_functions(data["functions"]))
    out.extend(_aggregates(data.get("aggregates", [])))
    return out


def _aggregates(rows: list[tuple[Any, ...]]) -> list[LiveObject]:
    """CREATE AGGREGATE from pg_aggregate (plain aggregates: state function and type,
    final and combine functions, initial condition)."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for schema, name, args, sfunc, stype, final, initcond, combine, final_extra in rows:
        opts = [f"SFUNC = {sfunc}", f"STYPE = {stype}"]
        if final:
            opts.append(f"FINALFUNC = {final}")
            if final_extra:
                opts.append("FINALFUNC_EXTRA")
        if combine:
            opts.append(f"COMBINEFUNC = {combine}")
        if initcond is not None:
            opts.append(f"INITCOND = {_lit(initcond)}")
        grouped[(schema, name)].append(
            f"CREATE AGGREGATE {qualified(schema, name)}({args or '*'}) (\n    "
            + ",\n    ".join(opts)
            + "\n);\n"
        )
    return [
        _obj(
            schema,
            name,
            "aggregate",
            f"{file_name(schema)}/functions/{file_name(name)}.sql",
            "\n".join(defs),
        )
        for (schema, name), defs in sorted(grouped.items())
    ]


def _path(schema: str, name: str) -> str:
    return f"{file_name(schema)}/{file_name(name)}.sql"


_KIND = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "c": "composite type"}


def _relations(data: dict[str, list[tuple[Any, ...]]]) -> list[LiveObject]:
    columns: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in data["columns"]:
        columns[row[0]].append(row[1:])
    constraints: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for rel, name, contype, definition, local, inherited in data["constraints"]:
        constraints[rel].append((name, contype, stable_array_casts(definition), local, inherited))
    indexes: dict[int, list[str]] = defaultdict(list)
    for rel, _name, definition in data["indexes"]:
        indexes[rel].append(stable_array_casts(definition))
    triggers: dict[int, list[str]] = defaultdict(list)
    for rel, _name, definition in data["triggers"]:
        triggers[rel].append(stable_array_casts(definition))
    owned: dict[str, list[str]] = defaultdict(list)
    for row in data["sequences"]:
        schema, name, owner = row[0], row[1], row[9]
        if owner:
            table = owner.rsplit(".", 1)[0]
            owned[table].append(f"ALTER SEQUENCE {qualified(schema, name)} OWNED BY {owner};\n")
    out = []
    for (
        oid,
        schema,
        name,
        kind,
        persistence,
        viewdef,
        bound,
        partkey,
        parents,
        is_part,
        opts,
    ) in data["relations"]:
        q = qualified(schema, name)
        cols = columns.get(oid, [])
        cons = constraints.get(oid, [])
        if kind in ("r", "p"):
            ddl = _table(q, kind, persistence, cols, cons, bound, partkey, parents, is_part, opts)
        elif kind == "v":
            ddl = f"CREATE VIEW {q}{_with(opts)} AS\n{_strip_semicolon(viewdef)};\n"
        elif kind == "m":
            ddl = (
                f"CREATE MATERIALIZED VIEW {q}{_with(opts)} AS\n{_strip_semicolon(viewdef)}\n"
                "WITH NO DATA;\n"
            )
        else:
            attrs = ",\n".join(
                f"    {quote_ident(c[0])} {c[1]}" + (f" COLLATE {c[6]}" if c[6] else "")
                for c in cols
            )
            ddl = f"CREATE TYPE {q} AS (\n{attrs}\n);\n"
        extra = []
        for con_name, contype, definition, local, inherited in cons:
            if _separate(contype, definition) and local and not inherited:
                extra.append(
                    f"ALTER TABLE {q} ADD CONSTRAINT {quote_ident(con_name)} {definition};\n"
                )
        extra.extend(owned.get(q, []))
        extra.extend(f"{d};\n" for d in indexes.get(oid, []))
        extra.extend(f"{d};\n" for d in triggers.get(oid, []))
        if extra:
            ddl += "\n" + "".join(extra)
        out.append(_obj(schema, name, _KIND[kind], _path(schema, name), ddl))
    return out


def _separate(contype: str, definition: str) -> bool:
    """Foreign keys (they need the other table) and NOT VALID constraints (CREATE TABLE
    would validate them) are added after the table, as ALTER TABLE."""
    return contype == "f" or definition.endswith("NOT VALID")


def _with(opts: list[str] | None) -> str:
    return f" WITH ({', '.join(opts)})" if opts else ""


def _strip_semicolon(text: str | None) -> str:
    return stable_array_casts((text or "").strip().rstrip(";").rstrip())


def _table(
    q: str,
    kind: str,
    persistence: str,
    cols: list[tuple[Any, ...]],
    cons: list[tuple[Any, ...]],
    bound: str | None,
    partkey: str | None,
    parents: list[str] | None,
    is_partition: bool,
    options: list[str] | None = None,
) -> str:
    unlogged = "UNLOGGED " if persistence == "u" else ""
    suffix = (f" PARTITION BY {partkey}" if partkey else "") + _with(options)
    local_checks = [
        f"    CONSTRAINT {quote_ident(n)} {d}"
        for n, t, d, local, inherited in cons
        if not _separate(t, d) and local and not inherited
    ]
    if is_partition and parents:
        head = f"CREATE {unlogged}TABLE {q} PARTITION OF {parents[0]}"
        text = head + (" (\n" + ",\n".join(local_checks) + "\n)" if local_checks else "")
        return f"{text}\n{bound}{suffix};\n"
    lines = []
    # Inherited columns are written too (Postgres merges them with the parent's): the file
    # then describes the whole table even when read before its parent's file.
    for name, typ, notnull, default, identity, generated, collation, _local in cols:
        line = f"    {quote_ident(name)} {typ}"
        if collation:
            line += f" COLLATE {collation}"
        if generated == "s":
            line += f" GENERATED ALWAYS AS ({default}) STORED"
        elif generated == "v":
            line += f" GENERATED ALWAYS AS ({default}) VIRTUAL"
        elif identity == "a":
            line += " GENERATED ALWAYS AS IDENTITY"
        elif identity == "d":
            line += " GENERATED BY DEFAULT AS IDENTITY"
        elif default is not None:
            line += f" DEFAULT {default}"
        if notnull and not identity:
            line += " NOT NULL"
        lines.append(line)
    lines.extend(local_checks)
    inherits = f"\nINHERITS ({', '.join(parents)})" if parents else ""
    body = ",\n".join(lines)
    return f"CREATE {unlogged}TABLE {q} (\n{body}\n){inherits}{suffix};\n"


def _functions(rows: list[tuple[Any, ...]]) -> list[LiveObject]:
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for schema, name, _kind, _args, definition in rows:
        text = definition.rstrip()
        grouped[(schema, name)].append(text + ("\n" if text.endswith(";") else ";\n"))
    return [
        _obj(
            schema,
            name,
            "function",
            f"{file_name(schema)}/functions/{file_name(name)}.sql",
            "\n".join(defs),
        )
        for (schema, name), defs in sorted(grouped.items())
    ]
