"""Structural comparison of two catalogs: the expected (snapshot) and the actual (live).

Objects are matched by identity (schema and name; functions by input argument types; a
column by name, or as a rename when one column disappeared and another appeared at the
same position with the same type), then compared field by field. Each difference is one
PGD2xx diagnostic; a change is reported once (a changed view is one finding, not one per
column). Text is compared after the DDL reader's canonical printing, never as raw files.

>>> from pgdrift.catalog.model import Catalog, Column, Relation
>>> a, b = Catalog(), Catalog()
>>> a.add_relation(Relation("public", "t", columns=(Column("id", "integer"),)))
>>> b.add_relation(Relation("public", "t", columns=(Column("id", "bigint"),)))
>>> [d.code for d in diff_catalogs(a, b)]
['PGD207']
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pgdrift.catalog.model import Catalog, Column, Function, Relation, Trigger
from pgdrift.diagnostic import Diagnostic, Severity
from pgdrift.source import SourceFile, Span

E, W = Severity.ERROR, Severity.WARNING

# code -> (name, severity); the rule modules rules/pgd2xx_*.py document each one.
RULES: dict[str, tuple[str, Severity]] = {
    "PGD201": ("missing-relation", E),
    "PGD202": ("unexpected-relation", W),
    "PGD203": ("changed-relation", E),
    "PGD204": ("missing-column", E),
    "PGD205": ("unexpected-column", W),
    "PGD206": ("renamed-column", E),
    "PGD207": ("changed-column-type", E),
    "PGD208": ("changed-nullability", E),
    "PGD209": ("changed-default", E),
    "PGD210": ("missing-constraint", E),
    "PGD211": ("unexpected-constraint", W),
    "PGD212": ("changed-constraint", E),
    "PGD213": ("missing-index", E),
    "PGD214": ("unexpected-index", W),
    "PGD215": ("changed-index", E),
    "PGD216": ("missing-function", E),
    "PGD217": ("unexpected-function", W),
    "PGD218": ("changed-function-signature", E),
    "PGD219": ("changed-function-body", E),
    "PGD220": ("changed-view", E),
    "PGD221": ("missing-trigger", E),
    "PGD222": ("unexpected-trigger", W),
    "PGD223": ("changed-trigger", E),
    "PGD224": ("changed-enum-values", E),
    "PGD225": ("missing-type", E),
    "PGD226": ("unexpected-type", W),
    "PGD227": ("changed-type", E),
    "PGD228": ("missing-sequence", E),
    "PGD229": ("unexpected-sequence", W),
    "PGD230": ("missing-extension", E),
    "PGD231": ("unexpected-extension", W),
    "PGD232": ("missing-schema", E),
    "PGD233": ("unexpected-schema", W),
}


@dataclass
class _Differ:
    sources: Mapping[str, SourceFile]
    ignore: tuple[str, ...]
    out: list[Diagnostic]

    def ignored(self, *names: str) -> bool:
        if not self.ignore:
            return False
        qualified = ".".join(names)
        candidates = {qualified, names[0], f"{names[0]}.*"}
        return any(fnmatch.fnmatchcase(c, pat) for pat in self.ignore for c in candidates)

    def report(
        self,
        code: str,
        message: str,
        span: Span | None = None,
        context: str | None = None,
        help: str | None = None,
    ) -> None:
        name, severity = RULES[code]
        self.out.append(Diagnostic(code, name, severity, message, span, help, (), context))

    # -- spans in the snapshot files --

    def span_at(self, origin: str | None, needle: str | None = None) -> Span | None:
        if not origin or ":" not in origin:
            return None
        path, _, line_text = origin.rpartition(":")
        src = self.sources.get(path)
        if src is None or not line_text.isdigit():
            return None
        start = src.offset(int(line_text), 1)
        if needle:
            m = re.compile(rf"(?m)^\s*({re.escape(needle)})\b").search(src.text, start)
            if m is not None:
                return src.span(m.start(1), m.end(1))
        end = src.text.find("\n", start)
        return src.span(start, end if end != -1 else len(src.text))

    def span_find(self, origin: str | None, needle: str) -> Span | None:
        """The first whole-word ``needle`` at or after the ``origin`` line."""
        span = self.span_at(origin)
        if span is None:
            return None
        src = self.sources[span.path]
        m = re.compile(rf"(?<![\w$\"]){re.escape(needle)}(?![\w$])").search(src.text, span.start)
        return src.span(m.start(), m.end()) if m is not None else span

    def span_of_path(self, path: str | None, offset: int | None = None) -> Span | None:
        src = self.sources.get(path or "")
        if src is None:
            return None
        start = offset or 0
        line, _ = src.position(start)
        begin = src.offset(line, 1)
        end = src.text.find("\n", begin)
        return src.span(begin, end if end != -1 else len(src.text))

    def span_of_object(self, schema: str, name: str) -> Span | None:
        from pgdrift.catalog.live_render import file_name

        suffix = f"{file_name(schema)}/{file_name(name)}.sql"
        for path, src in self.sources.items():
            if path.replace("\\", "/").endswith(suffix):
                return src.span(0, max(0, src.text.find("\n")))
        return None


def diff_catalogs(
    expected: Catalog,
    actual: Catalog,
    *,
    sources: Mapping[str, SourceFile] | None = None,
    ignore: Iterable[str] = (),
    schemas: Iterable[str] | None = None,
) -> list[Diagnostic]:
    """Every difference between ``expected`` and ``actual`` as PGD2xx diagnostics.

    Args:
        sources: the snapshot files by path, to point diagnostics at the expected object.
        ignore: glob patterns over ``schema``, ``schema.object`` or ``schema.table.column``.
        schemas: compare only these schemas (default: every schema of either catalog,
            except the system ones).
    """
    d = _Differ(sources or {}, tuple(ignore), [])
    wanted = set(schemas) if schemas is not None else None

    def in_scope(schema: str | None) -> bool:
        if schema is None:
            return True
        if schema.startswith("pg_") or schema == "information_schema":
            return False
        return wanted is None or schema in wanted

    _schemas(d, expected, actual, in_scope)
    _extensions(d, expected, actual)
    _types(d, expected, actual, in_scope)
    _sequences(d, expected, actual, in_scope)
    _relations(d, expected, actual, in_scope)
    _functions(d, expected, actual, in_scope)
    _triggers(d, expected, actual, in_scope)
    return sorted(d.out, key=lambda x: (x.sort_key, x.message))


def _schemas(d: _Differ, exp: Catalog, act: Catalog, in_scope: object) -> None:
    ok = in_scope  # type: ignore[assignment]
    for s in sorted(exp.schemas - act.schemas):
        if ok(s) and not d.ignored(s):  # type: ignore[operator]
            d.report(
                "PGD232",
                f"schema {s} does not exist in the database",
                d.span_of_object(s, "_schema"),
            )
    for s in sorted(act.schemas - exp.schemas):
        if ok(s) and not d.ignored(s):  # type: ignore[operator]
            d.report("PGD233", f"schema {s} exists in the database but not in the snapshot")


def _extensions(d: _Differ, exp: Catalog, act: Catalog) -> None:
    for name in sorted(set(exp.extensions) - set(act.extensions)):
        if not d.ignored(name):
            d.report("PGD230", f"extension {name} is not installed in the database")
    for name in sorted(set(act.extensions) - set(exp.extensions)):
        if not d.ignored(name):
            d.report("PGD231", f"extension {name} is installed but not in the snapshot")


def _types(d: _Differ, exp: Catalog, act: Catalog, in_scope: object) -> None:
    ok = in_scope  # type: ignore[assignment]
    for kind, emap, amap in (("enum", exp.enums, act.enums), ("domain", exp.domains, act.domains)):
        for key in sorted(set(emap) | set(amap)):
            if not ok(key[0]) or d.ignored(*key):  # type: ignore[operator]
                continue
            q = f"{key[0]}.{key[1]}"
            e, a = emap.get(key), amap.get(key)
            span = d.span_of_object(*key)
            if a is None:
                d.report("PGD225", f"{kind} type {q} does not exist in the database", span)
            elif e is None:
                d.report(
                    "PGD226", f"{kind} type {q} exists in the database but not in the snapshot"
                )
            elif kind == "enum" and e.values != a.values:  # type: ignore[union-attr]
                d.report(
                    "PGD224",
                    f"enum type {q} has values ({_vals(a.values)}), expected ({_vals(e.values)})",  # type: ignore[union-attr]
                    span,
                )
            elif kind == "domain" and e != a:
                d.report(
                    "PGD227",
                    f"domain {q} differs: {_domain_text(a)}, expected {_domain_text(e)}",
                    span,
                )  # type: ignore[arg-type]


def _vals(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _domain_text(dom: object) -> str:
    base = getattr(dom, "base_type", "")
    parts = [str(base)]
    if getattr(dom, "not_null", False):
        parts.append("NOT NULL")
    if getattr(dom, "default", None):
        parts.append(f"DEFAULT {dom.default}")  # type: ignore[attr-defined]
    parts.extend(f"CHECK ({c})" for c in getattr(dom, "checks", ()))
    return " ".join(parts)


def _sequences(d: _Differ, exp: Catalog, act: Catalog, in_scope: object) -> None:
    ok = in_scope  # type: ignore[assignment]
    for key in sorted(set(exp.sequences) | set(act.sequences)):
        if not ok(key[0]) or d.ignored(*key):  # type: ignore[operator]
            continue
        q = f"{key[0]}.{key[1]}"
        if key not in act.sequences:
            d.report(
                "PGD228", f"sequence {q} does not exist in the database", d.span_of_object(*key)
            )
        elif key not in exp.sequences:
            d.report("PGD229", f"sequence {q} exists in the database but not in the snapshot")


def _relations(d: _Differ, exp: Catalog, act: Catalog, in_scope: object) -> None:
    ok = in_scope  # type: ignore[assignment]
    for key in sorted(set(exp.relations) | set(act.relations)):
        if not ok(key[0]) or d.ignored(*key):  # type: ignore[operator]
            continue
        e, a = exp.relations.get(key), act.relations.get(key)
        if (e is not None and e.extension) or (a is not None and a.extension):
            continue  # an extension's own relation: the extension itself is compared
        q = f"{key[0]}.{key[1]}"
        if a is None:
            assert e is not None
            d.report("PGD201", f"{e.kind} {q} does not exist in the database", d.span_at(e.origin))
            continue
        if e is None:
            d.report("PGD202", f"{a.kind} {q} exists in the database but not in the snapshot")
            continue
        _relation(d, q, e, a)


def _relation(d: _Differ, q: str, e: Relation, a: Relation) -> None:
    span = d.span_at(e.origin)
    if e.kind != a.kind:
        d.report("PGD203", f"{q} is a {a.kind} in the database, expected a {e.kind}", span)
        return
    changes = []
    if e.parent != a.parent:
        changes.append(f"parent {_qn(a.parent)} (expected {_qn(e.parent)})")
    if e.partition_bound != a.partition_bound:
        changes.append(f"partition bound {a.partition_bound} (expected {e.partition_bound})")
    if e.options != a.options:
        changes.append(
            f"partitioning {', '.join(a.options) or 'none'} (expected {', '.join(e.options) or 'none'})"
        )
    if changes:
        d.report("PGD203", f"{e.kind} {q} changed: " + "; ".join(changes), span)
    if e.kind in ("view", "materialized view") and e.definition != a.definition:
        d.report(
            "PGD220",
            f"{e.kind} {q} has a different definition in the database",
            span,
            help="re-create it from the snapshot, or refresh the snapshot",
        )
        return
    gone = _columns(d, q, e, a)
    _named(
        d,
        q,
        e.origin,
        "constraint",
        {c.name: c for c in e.constraints},
        {c.name: c for c in a.constraints},
        ("PGD210", "PGD211", "PGD212"),
        gone,
    )
    _named(
        d,
        q,
        e.origin,
        "index",
        {i.name: i for i in e.indexes},
        {i.name: i for i in a.indexes},
        ("PGD213", "PGD214", "PGD215"),
        gone,
    )


def _qn(pair: tuple[str, str] | None) -> str:
    return f"{pair[0]}.{pair[1]}" if pair else "none"


def _columns(d: _Differ, q: str, e: Relation, a: Relation) -> set[str]:
    """Report column differences; returns the names of the expected columns that are gone
    (dropping a column drops its indexes and constraints: not reported again)."""
    ecols = {c.name: c for c in e.columns}
    acols = {c.name: c for c in a.columns}
    missing = [c for c in e.columns if c.name not in acols]
    extra = [c for c in a.columns if c.name not in ecols]
    renamed: list[tuple[Column, Column]] = []
    for m in list(missing):
        pos = e.columns.index(m)
        for x in extra:
            if a.columns.index(x) == pos and x.type == m.type:
                renamed.append((m, x))
                missing.remove(m)
                extra.remove(x)
                break
    schema, table = q.split(".", 1)
    for m, x in renamed:
        if not d.ignored(schema, table, m.name):
            d.report(
                "PGD206",
                f"column {q}.{m.name} was renamed to {x.name} in the database",
                d.span_at(e.origin, _quoted(m.name)),
            )
    for m in missing:
        if not d.ignored(schema, table, m.name):
            d.report(
                "PGD204",
                f"column {q}.{m.name} does not exist in the database",
                d.span_at(e.origin, _quoted(m.name)),
            )
    for x in extra:
        if not d.ignored(schema, table, x.name):
            d.report(
                "PGD205",
                f"column {q}.{x.name} ({x.type}) exists in the database but not in the snapshot",
                d.span_at(e.origin),
            )
    for ec in e.columns:
        ac = acols.get(ec.name)
        if ac is None or d.ignored(schema, table, ec.name):
            continue
        span = d.span_at(e.origin, _quoted(ec.name))
        if ec.type != ac.type:
            d.report(
                "PGD207",
                f"column {q}.{ec.name} has type {ac.type} in the database, expected {ec.type}",
                span,
            )
        if ec.not_null != ac.not_null:
            state = "NOT NULL" if ac.not_null else "nullable"
            want = "NOT NULL" if ec.not_null else "nullable"
            d.report(
                "PGD208", f"column {q}.{ec.name} is {state} in the database, expected {want}", span
            )
        for attr, label in (
            ("default", "default"),
            ("identity", "identity"),
            ("generated", "generation expression"),
            ("collation", "collation"),
        ):
            ev, av = getattr(ec, attr), getattr(ac, attr)
            if ev != av:
                d.report(
                    "PGD209",
                    f"column {q}.{ec.name} has {label} {av or 'none'} in the database, expected {ev or 'none'}",
                    span,
                )
    return {m.name for m in missing} | {m.name for m, _ in renamed}


def _quoted(name: str) -> str:
    from pgdrift.catalog.names import quote_ident

    return quote_ident(name)


def _named(
    d: _Differ,
    q: str,
    origin: str | None,
    what: str,
    exp: dict[str, object],
    act: dict[str, object],
    codes: tuple[str, str, str],
    gone: set[str] | None = None,
) -> None:
    for name in sorted(set(exp) | set(act)):
        e, a = exp.get(name), act.get(name)
        if a is None:
            if gone and set(getattr(e, "columns", ())) & gone:
                continue  # dropped with its column, which is reported
            d.report(
                codes[0],
                f"{what} {name} on {q} does not exist in the database",
                d.span_find(origin, _quoted(name)),
            )
        elif e is None:
            d.report(
                codes[1], f"{what} {name} on {q} exists in the database but not in the snapshot"
            )
        elif getattr(e, "definition", None) != getattr(a, "definition", None):
            if gone and set(getattr(e, "columns", ())) & gone:
                continue
            d.report(
                codes[2],
                f"{what} {name} on {q} is `{a.definition}` in the database, expected `{e.definition}`",  # type: ignore[attr-defined]
                d.span_at(origin),
            )


def _fn_key(fn: Function) -> tuple[str, ...]:
    return tuple(p.type for p in fn.input_params)


def _fn_sig(fn: Function) -> str:
    return f"{fn.schema}.{fn.name}({', '.join(_fn_key(fn))})"


def _fn_shape(fn: Function) -> tuple[object, ...]:
    return (
        fn.kind,
        fn.return_type,
        fn.returns_set,
        fn.params,
        fn.language,
        fn.volatility,
        fn.security_definer,
    )


def _norm_body(body: str | None) -> str:
    return "\n".join(line.rstrip() for line in (body or "").strip().splitlines())


def _functions(d: _Differ, exp: Catalog, act: Catalog, in_scope: object) -> None:
    ok = in_scope  # type: ignore[assignment]
    for key in sorted(set(exp.functions) | set(act.functions)):
        if not ok(key[0]) or d.ignored(*key):  # type: ignore[operator]
            continue
        efs = {_fn_key(f): f for f in exp.functions.get(key, [])}
        afs = {_fn_key(f): f for f in act.functions.get(key, [])}
        missing = [efs[k] for k in efs if k not in afs]
        extra = [afs[k] for k in afs if k not in efs]
        if len(missing) == 1 and len(extra) == 1:
            m, x = missing[0], extra[0]
            d.report(
                "PGD218",
                f"{m.kind} {_fn_sig(m)} has signature {_fn_sig(x)} in the database",
                d.span_of_path(m.source_path, m.body_offset),
            )
            missing, extra = [], []
        for m in missing:
            d.report(
                "PGD216",
                f"{m.kind} {_fn_sig(m)} does not exist in the database",
                d.span_of_path(m.source_path, m.body_offset),
            )
        for x in extra:
            d.report(
                "PGD217", f"{x.kind} {_fn_sig(x)} exists in the database but not in the snapshot"
            )
        for k in efs.keys() & afs.keys():
            e, a = efs[k], afs[k]
            span = d.span_of_path(e.source_path, e.body_offset)
            if _fn_shape(e) != _fn_shape(a):
                d.report(
                    "PGD218",
                    f"{e.kind} {_fn_sig(e)} differs in the database: {_shape_diff(e, a)}",
                    span,
                )
            elif _header(e) != _header(a):
                d.report(
                    "PGD218",
                    f"{e.kind} {_fn_sig(e)} differs in the database: {_header_diff(e, a)}",
                    span,
                )
            if _norm_body(e.body) != _norm_body(a.body):
                d.report(
                    "PGD219",
                    f"{e.kind} {_fn_sig(e)} has a different body in the database",
                    span,
                    help="deploy the snapshot's version, or refresh the snapshot",
                )


def _header(fn: Function) -> list[str]:
    """The definition without the body: parameters with defaults, STRICT, SECURITY, SET,
    COST, PARALLEL … as ``pg_get_functiondef`` prints them (empty when unknown)."""
    if not fn.definition:
        return []
    text = fn.definition.replace(fn.body, "") if fn.body else fn.definition
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _header_diff(e: Function, a: Function) -> str:
    expected, actual = _header(e), _header(a)
    if not expected or not actual:
        return "definition"
    extra = [line for line in actual if line not in expected]
    missing = [line for line in expected if line not in actual]
    parts = [f"`{line}`" for line in extra[:2]]
    shown = "has " + ", ".join(parts) if parts else ""
    if missing:
        shown += ("; " if shown else "") + "expected " + ", ".join(f"`{m}`" for m in missing[:2])
    return shown or "definition"


def _shape_diff(e: Function, a: Function) -> str:
    parts = []
    for attr in (
        "kind",
        "return_type",
        "returns_set",
        "language",
        "volatility",
        "security_definer",
    ):
        if getattr(e, attr) != getattr(a, attr):
            parts.append(
                f"{attr.replace('_', ' ')} {getattr(a, attr)} (expected {getattr(e, attr)})"
            )
    if e.params != a.params:
        parts.append(
            "parameters ("
            + ", ".join(_param(p) for p in a.params)
            + ") (expected ("
            + ", ".join(_param(p) for p in e.params)
            + "))"
        )
    return "; ".join(parts)


def _param(p: object) -> str:
    mode = {"i": "", "o": "OUT ", "b": "INOUT ", "v": "VARIADIC ", "t": "TABLE "}[p.mode]  # type: ignore[attr-defined]
    name = f"{p.name} " if p.name else ""  # type: ignore[attr-defined]
    default = " DEFAULT …" if p.has_default else ""  # type: ignore[attr-defined]
    return f"{mode}{name}{p.type}{default}"  # type: ignore[attr-defined]


def _trig_shape(t: Trigger) -> tuple[object, ...]:
    return (t.function, t.timing, t.events, t.for_each_row, t.when, t.definition)


def _triggers(d: _Differ, exp: Catalog, act: Catalog, in_scope: object) -> None:
    ok = in_scope  # type: ignore[assignment]
    for key in sorted(set(exp.triggers) | set(act.triggers)):
        if not ok(key[0]) or d.ignored(*key[:2]) or d.ignored(key[0], key[2]):  # type: ignore[operator]
            continue
        e, a = exp.triggers.get(key), act.triggers.get(key)
        q = f"{key[2]} on {key[0]}.{key[1]}"
        if a is None:
            assert e is not None
            d.report("PGD221", f"trigger {q} does not exist in the database", d.span_at(e.origin))
        elif e is None:
            d.report("PGD222", f"trigger {q} exists in the database but not in the snapshot")
        elif _trig_shape(e) != _trig_shape(a):
            d.report(
                "PGD223",
                f"trigger {q} differs in the database: `{a.definition}`",
                d.span_at(e.origin),
            )
