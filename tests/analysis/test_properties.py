"""Property: on generated schemas and queries, resolve() reports nothing for correct
references, and exactly the one mutated reference when a column name is misspelt."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from pgdrift.analysis.env import Env
from pgdrift.analysis.resolve import resolve
from pgdrift.catalog.model import Catalog, Column, Relation

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda_", "omega"]


@dataclass
class Query:
    text: str
    refs: list[tuple[int, int]]  # spans of the column references, in order


@st.composite
def schemas(draw: st.DrawFn) -> list[Relation]:
    n = draw(st.integers(1, 3))
    rels = []
    for i in range(n):
        cols = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=6, unique=True))
        rels.append(
            Relation("public", f"tab_{i}", columns=tuple(Column(f"c_{c}", "integer") for c in cols))
        )
    return rels


@st.composite
def queries(draw: st.DrawFn, rels: list[Relation]) -> tuple[Query, dict[str, set[str]]]:
    """A SELECT / UPDATE / DELETE over the relations, with span-tracked references."""
    kind = draw(st.sampled_from(["select", "update", "delete"]))
    chosen = rels if kind == "select" else rels[:1]
    aliases = {f"a{i}": r for i, r in enumerate(chosen)}
    counts: dict[str, int] = {}
    for r in chosen:
        for c in r.column_names:
            counts[c] = counts.get(c, 0) + 1
    parts: list[str] = []
    refs: list[tuple[int, int]] = []
    pos = 0

    def emit(s: str, ref: bool = False) -> None:
        nonlocal pos
        if ref:
            refs.append((pos, pos + len(s)))
        parts.append(s)
        pos += len(s)

    def ref(upto: int | None = None) -> str:
        visible = sorted(aliases)[: None if upto is None else upto + 1]
        alias = draw(st.sampled_from(visible))
        col = draw(st.sampled_from(aliases[alias].column_names))
        qualify = upto is not None or counts[col] > 1 or draw(st.booleans())
        return f"{alias}.{col}" if qualify else col

    if kind == "select":
        emit("SELECT ")
        for i in range(draw(st.integers(1, 4))):
            if i:
                emit(", ")
            emit(ref(), True)
        emit(" FROM ")
        for i, (alias, rel) in enumerate(aliases.items()):
            if i == 0:
                emit(f"{rel.name} AS {alias}")
            else:
                emit(f" JOIN {rel.name} {alias} ON ")
                emit(ref(i), True)
                emit(" = ")
                emit(ref(i), True)
    elif kind == "update":
        alias, rel = next(iter(aliases.items()))
        emit(f"UPDATE {rel.name} AS {alias} SET ")
        col = draw(st.sampled_from(rel.column_names))
        emit(col, True)
        emit(" = ")
        emit(ref(), True)
        emit(" + 1")
    else:
        alias, rel = next(iter(aliases.items()))
        emit(f"DELETE FROM {rel.name} {alias}")
    emit(" WHERE ")
    emit(ref(), True)
    emit(" > 0")
    if kind == "select" and draw(st.booleans()):
        emit(" ORDER BY ")
        emit(ref(), True)
    return Query("".join(parts), refs), {a: set(r.column_names) for a, r in aliases.items()}


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Relation], Query, int | None]:
    rels = draw(schemas())
    query, _ = draw(queries(rels))
    mutate = draw(st.none() | st.integers(0, len(query.refs) - 1))
    return rels, query, mutate


def _mutated(query: Query, index: int) -> tuple[str, tuple[int, int]]:
    """Misspell the column of reference ``index``; return the text and its new span."""
    lo, hi = query.refs[index]
    new_ref = query.text[lo:hi] + "_x"
    return query.text[:lo] + new_ref + query.text[hi:], (lo, lo + len(new_ref))


@settings(max_examples=150, deadline=None)
@given(cases())
def test_exactly_the_mutated_reference_is_reported(
    case: tuple[list[Relation], Query, int | None],
) -> None:
    rels, query, mutate = case
    cat = Catalog()
    for rel in rels:
        cat.add_relation(rel)
    env = Env(cat, plpgsql=False)
    if mutate is None:
        res = resolve(query.text, env)
        assert res.unanalysed is None
        assert res.findings == [], query.text
        return
    text, (lo, hi) = _mutated(query, mutate)
    res = resolve(text, env)
    assert res.unanalysed is None
    assert [(f.rule.code, f.start, f.end) for f in res.findings] == [("PGD101", lo, hi)], text


PIECES = [
    *"abcxyz_.,;:()[]'\"$=<>+-*/|@#?! \n0123456789",
    *("SELECT ", "FROM ", "WHERE ", "JOIN ", " ON ", "UPDATE ", "SET ", "INSERT INTO "),
    *("VALUES ", "WITH ", " AS ", "::", ":=", "v_chunk.", "chunked_sync_jobs ", "id"),
]
SQLISH = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(SQLISH, st.sampled_from(["statement", "expression", "assignment"]))
def test_resolve_never_raises_and_spans_stay_in_the_text(text: str, mode: str) -> None:
    from .schema import plpgsql_env

    res = resolve(text, plpgsql_env(), mode)
    for f in res.findings:
        assert 0 <= f.start <= f.end <= len(text)
    assert res.unanalysed is None or isinstance(res.unanalysed, str)
