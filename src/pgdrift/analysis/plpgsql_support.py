"""Support for the PL/pgSQL walker: which block declares which variable (pglast does not
say), the variables' types and record shapes, and small text helpers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pgdrift.analysis.env import Env, Variable
from pgdrift.analysis.routine import relation_of_type
from pgdrift.catalog.names import split_qualified

if TYPE_CHECKING:
    from pgdrift.catalog.model import Catalog
    from pgdrift.parse.plpgsql import PlFunction

_INTERNAL = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone",
}


def type_display(typname: str) -> str:
    if typname.startswith("_"):
        return type_display(typname[1:]) + "[]"
    return _INTERNAL.get(typname, typname)


class DeclarationsMixin:
    """Declarations of a body: block scoping of the datums and the Variable of each."""

    fn: PlFunction
    datums: list[tuple[str, dict[str, Any]]]
    catalog: Catalog
    search_path: tuple[str, ...]
    env: Env
    dynamic: set[str]
    _block_decls: dict[int, list[int]]
    _excluded: set[int]
    _loop_vars: set[tuple[str, int]]

    def _prepare(self, action: dict[str, Any]) -> None:
        """Find which declared datums belong to which block (pglast does not say)."""
        for dno, (kind, datum) in enumerate(self.datums):
            if kind == "PLpgSQL_var" and datum.get("cursor_explicit_argrow") is not None:
                row = self.datums[datum["cursor_explicit_argrow"]][1]
                self._excluded.update(f.get("varno", 0) for f in row.get("fields", ()))
            if kind == "PLpgSQL_var" and datum.get("refname", "").startswith("__Case__"):
                self._excluded.add(dno)
            if datum.get("refname") in ("sqlstate", "sqlerrm") and datum.get("isconst"):
                self._excluded.add(dno)
        if self.fn.blocks == 1 and "PLpgSQL_stmt_block" in action:
            # one block: every declaration is its own (the common case, no walk needed)
            self._block_decls[id(action["PLpgSQL_stmt_block"])] = [
                dno
                for dno, (kind, datum) in enumerate(self.datums)
                if self._is_declaration(dno, kind, datum)
            ]
            if not self.fn.loop_vars:
                return
        for kind, stmt in _walk_stmts(action) if self.fn.loop_vars else ():
            if kind in ("PLpgSQL_stmt_fori", "PLpgSQL_stmt_forc"):
                var: dict[str, Any] = next(iter(stmt.get("var", {}).values()), {})
                if "dno" in var:
                    self._excluded.add(var["dno"])
                self._loop_vars.add((var.get("refname", ""), var.get("lineno", 0)))
        if self.fn.blocks == 1 and "PLpgSQL_stmt_block" in action:
            # recompute with the loop variables excluded
            self._block_decls[id(action["PLpgSQL_stmt_block"])] = [
                dno
                for dno, (kind, datum) in enumerate(self.datums)
                if self._is_declaration(dno, kind, datum)
            ]
            return
        claimed: set[int] = set()
        self._claim(action, 0, claimed)

    def _is_declaration(self, dno: int, kind: str, datum: dict[str, Any]) -> bool:
        if dno in self._excluded or not datum.get("lineno") or datum.get("lineno", 0) < 0:
            return False
        if kind not in ("PLpgSQL_var", "PLpgSQL_rec", "PLpgSQL_row"):
            return False
        name = datum.get("refname", "")
        if name == "(unnamed row)":
            return False
        return (name, datum.get("lineno", 0)) not in self._loop_vars

    def _claim(self, node: dict[str, Any], lo: int, claimed: set[int]) -> None:
        kind, stmt = next(iter(node.items()))
        if kind == "PLpgSQL_stmt_block":
            hi = stmt.get("lineno", 0)
            mine = []
            for dno, (dkind, datum) in enumerate(self.datums):
                if dno in claimed or not self._is_declaration(dno, dkind, datum):
                    continue
                if lo <= datum["lineno"] <= hi:
                    mine.append(dno)
                    claimed.add(dno)
            self._block_decls[id(stmt)] = mine
        for stmts, parent_line in _child_lists(kind, stmt):
            prev = parent_line
            for child in stmts:
                self._claim(child, prev, claimed)
                prev = next(iter(child.values())).get("lineno", prev) or prev

    def _declared_variable(self, dno: int, kind: str, datum: dict[str, Any]) -> Variable | None:
        name = datum.get("refname")
        if not name:
            return None
        constant = bool(datum.get("isconst"))
        real = self.fn.declared_types.get(name)
        if real is not None and kind in ("PLpgSQL_var", "PLpgSQL_rec"):
            if real.lower().replace(" ", "").endswith("%rowtype"):
                real = real[: real.lower().rindex("%")].strip()
            return self._typed_variable(name, real, constant)
        if kind == "PLpgSQL_var":
            typname = datum.get("datatype", {}).get("PLpgSQL_type", {}).get("typname", "")
            low = typname.lower()
            if low.endswith("%rowtype"):
                return self._typed_variable(name, typname[: -len("%rowtype")].strip(), constant)
            if low.endswith("%type"):
                return self._pct_type(name, typname[: -len("%type")].strip(), constant)
            if typname.startswith("_") or typname in _INTERNAL or typname.isidentifier():
                return Variable(name, type_display(typname), constant=constant)
            return self._typed_variable(name, typname, constant)
        if kind == "PLpgSQL_rec":
            declared = self._declared_type_text(name, datum.get("lineno", 0))
            if declared is None or declared.lower() == "record":
                self.dynamic.add(name)
                return Variable(name, "record", is_record=True)
            return self._typed_variable(name, declared, constant)
        if kind == "PLpgSQL_row":
            fields = tuple(f.get("name", "") for f in datum.get("fields", ()))
            return Variable(name, "record", is_record=True, fields=fields)
        return None

    def _declared_type_text(self, name: str, lineno: int) -> str | None:
        body = self.fn.body
        start = self.fn.line_start(lineno)
        pat = re.compile(
            r'(?:(?<=[\s;])|^)(?:"' + re.escape(name) + r'"|' + re.escape(name) + r")\s+"
            r"(?:constant\s+)?(?P<type>[^;]+?)\s*(?:\bcollate\b|\bnot\s+null\b|:=|=|\bdefault\b|;)",
            re.IGNORECASE | re.MULTILINE,
        )
        m = pat.search(body, start)
        if m is None:
            return None
        return m.group("type").strip()

    def _typed_variable(self, name: str, type_text: str, constant: bool = False) -> Variable:
        rel = relation_of_type(self.catalog, _fold_type(type_text), self.search_path)
        if rel is None and not type_text.endswith("]") and "." not in type_text:
            rel = self.env.temp_relations.get(type_text.lower())
        if rel is not None:
            known = getattr(rel, "columns_known", True)
            return Variable(
                name,
                rel.qualified_name,
                is_record=True,
                fields=rel.column_names if known else None,
                field_types=tuple(c.type for c in rel.columns) if known else None,
                relation=rel.qualified_name,
                constant=constant,
            )
        if type_text.lower() == "record":
            return Variable(name, "record", is_record=True, constant=constant)
        return Variable(name, type_text, constant=constant)

    def _pct_type(self, name: str, ref: str, constant: bool) -> Variable:
        parts = [p.strip('"') for p in ref.split(".")]
        if len(parts) == 1:
            other = self.env.variables.get(parts[0].lower())
            if other is not None:
                return replace(other, name=name, constant=constant)
            return Variable(name, None, constant=constant)
        folded = [p if '"' in ref else p.lower() for p in parts]
        rel = self.catalog.find_relation(
            folded[-2], folded[-3] if len(folded) >= 3 else None, self.search_path
        )
        col = rel.column(folded[-1]) if rel is not None else None
        if col is not None:
            return self._typed_variable(name, col.type, constant)
        var = self.env.variables.get(folded[0])
        if var is not None and var.fields and folded[-1] in var.fields:
            idx = var.fields.index(folded[-1])
            typ = var.field_types[idx] if var.field_types else None
            return Variable(name, typ, constant=constant)
        return Variable(name, None, constant=constant)


def _merge_shapes(states: list[dict[str, tuple[Any, Any]]]) -> dict[str, tuple[Any, Any]]:
    merged: dict[str, tuple[Any, Any]] = {}
    for name in states[0] if states else ():
        shapes = [st.get(name, (None, None)) for st in states]
        if all(sh == shapes[0] for sh in shapes):
            merged[name] = shapes[0]
        elif any(fields is None for fields, _ in shapes):
            merged[name] = (None, None)
        else:
            union: list[str] = []
            for fields, _ in shapes:
                union.extend(f for f in fields if f not in union)
            merged[name] = (tuple(union), None)
    return merged


def string_constant(expr: str) -> tuple[str, list[int]] | None:
    """The value of ``expr`` if it is one string literal, with each character's index in
    ``expr`` (one past the end appended).

    >>> string_constant("  'select ''a'''  ")[0]
    "select 'a'"
    >>> string_constant("'a' || b") is None
    True
    """
    s = expr.strip()
    lead = len(expr) - len(expr.lstrip())
    m = re.fullmatch(r"(\$[^$\s]*\$)(.*)\1", s, re.DOTALL)
    if m:
        inner_start = lead + len(m.group(1))
        value = m.group(2)
        return value, [*range(inner_start, inner_start + len(value) + 1)]
    escapes = False
    if s[:2] in ("E'", "e'"):
        escapes, s, lead = True, s[1:], lead + 1
    if len(s) < 2 or s[0] != "'" or s[-1] != "'":
        return None
    chars: list[str] = []
    mapping: list[int] = []
    i = 1
    while i < len(s) - 1:
        ch = s[i]
        if ch == "'":
            if s[i + 1] != "'" or i + 1 == len(s) - 1:
                return None
            chars.append("'")
            mapping.append(lead + i)
            i += 2
            continue
        if escapes and ch == "\\" and i + 1 < len(s) - 1:
            nxt = s[i + 1]
            chars.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            mapping.append(lead + i)
            i += 2
            continue
        chars.append(ch)
        mapping.append(lead + i)
        i += 1
    mapping.append(lead + len(s) - 1)
    return "".join(chars), mapping


def _fold_type(type_text: str) -> str:
    """Fold an unquoted declared type name (``Public.Jobs`` -> ``public.jobs``)."""
    if '"' in type_text:
        return type_text
    if "." not in type_text:
        return type_text.lower()
    schema, name = split_qualified(type_text.lower())
    return f"{schema}.{name}" if schema else name


def _fold_ident(ident: str) -> str:
    if ident.startswith('"') and ident.endswith('"'):
        return ident[1:-1].replace('""', '"')
    return ident.lower()


def _child_lists(kind: str, stmt: dict[str, Any]) -> Iterator[tuple[list[Any], int]]:
    line = stmt.get("lineno", 0)
    for key in ("body", "then_body", "else_body", "else_stmts"):
        if stmt.get(key):
            yield stmt[key], line
    for elsif in stmt.get("elsif_list", ()):
        e = elsif.get("PLpgSQL_if_elsif", {})
        yield e.get("stmts", []), e.get("lineno", line)
    for when in stmt.get("case_when_list", ()):
        w = when.get("PLpgSQL_case_when", {})
        yield w.get("stmts", []), w.get("lineno", line)
    exceptions = stmt.get("exceptions", {}).get("PLpgSQL_exception_block", {})
    for exc in exceptions.get("exc_list", ()):
        yield exc.get("PLpgSQL_exception", {}).get("action", []), line


def _walk_stmts(node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    kind, stmt = next(iter(node.items()))
    yield kind, stmt
    for stmts, _line in _child_lists(kind, stmt):
        for child in stmts:
            yield from _walk_stmts(child)
