"""Differential: on generated schemas and PL/pgSQL functions, ``check`` (pgdrift's own
resolution) and ``verify`` (Postgres's verdict) must report the same findings at the same
places -- none when nothing is mutated, the same ones when one reference is misspelt.
Every disagreement is a bug in one of them."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgdrift.check import check_paths
from pgdrift.config import Config
from pgdrift.source import SourceFile
from pgdrift.verify import verify_sources

WORDS = (
    "status",
    "chunk_index",
    "attempts",
    "payload",
    "owner",
    "score",
    "created_at",
    "error_message",
    "estimated_emails",
    "lease_token",
)
TYPES = ("integer", "bigint", "text", "boolean", "timestamptz", "jsonb")


@dataclass(frozen=True)
class Ref:
    """A reference the mutation may misspell."""

    name: str


Part = str | Ref


@dataclass
class Table:
    name: str
    columns: tuple[str, ...]
    types: tuple[str, ...]


@st.composite
def tables(draw: st.DrawFn) -> list[Table]:
    out = []
    for i in range(draw(st.integers(1, 3))):
        cols = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=5, unique=True))
        types = [draw(st.sampled_from(TYPES)) for _ in cols]
        out.append(Table(f"tab_{i}", ("id", *cols), ("bigint", *types)))
    return out


def _col(draw: st.DrawFn, t: Table) -> str:
    return draw(st.sampled_from(t.columns[1:]))


@st.composite
def statement(draw: st.DrawFn, schema: list[Table]) -> list[Part]:
    t = draw(st.sampled_from(schema))
    c1, c2 = _col(draw, t), _col(draw, t)
    kind = draw(st.sampled_from(("into", "rowtype", "update", "insert", "join", "loop")))
    if kind == "into":
        return [
            f"  SELECT * INTO r FROM {t.name} WHERE ", Ref(c1), " IS NOT NULL LIMIT 1;\n",
            "  b := r.", Ref(c2), " IS NULL;\n",
        ]  # fmt: skip
    if kind == "rowtype":
        return [
            f"  SELECT * INTO v_{t.name} FROM {t.name} WHERE id = p_id;\n",
            f"  b := v_{t.name}.", Ref(c1), " IS NOT NULL;\n",
        ]  # fmt: skip
    if kind == "update":
        return [
            "  UPDATE ", Ref(t.name), " SET ", Ref(c1), " = ", Ref(c1), " WHERE ", Ref(c2),
            " IS NOT NULL AND id = p_id;\n",
        ]  # fmt: skip
    if kind == "insert":
        cols = [c1] if c1 == c2 else [c1, c2]
        parts: list[Part] = [f"  INSERT INTO {t.name} ("]
        for i, c in enumerate(cols):
            parts += [", " if i else "", Ref(c)]
        parts.append(") SELECT ")
        for i, c in enumerate(cols):
            parts += [", " if i else "", Ref(c)]
        parts.append(f" FROM {t.name} WHERE id = p_id;\n")
        return parts
    if kind == "join":
        u = draw(st.sampled_from(schema))
        d = _col(draw, u)
        return [
            "  SELECT count(*) INTO n FROM ", Ref(t.name), " a JOIN ", Ref(u.name), " b ON a.id = b.id\n",
            "    WHERE a.", Ref(c1), " IS NOT NULL AND b.", Ref(d), " IS NULL;\n",
        ]  # fmt: skip
    return [
        "  FOR r2 IN SELECT id, ", Ref(c1), f" FROM {t.name} WHERE id > p_id LOOP\n",
        "    n := n + 1;\n  END LOOP;\n",
    ]  # fmt: skip


@st.composite
def programs(draw: st.DrawFn) -> tuple[str, list[Part]]:
    schema = draw(tables())
    ddl = "".join(
        f"CREATE TABLE {t.name} ("
        + ", ".join(f"{c} {ty}" for c, ty in zip(t.columns, t.types, strict=True))
        + ");\n"
        for t in schema
    )
    body: list[Part] = [
        "CREATE FUNCTION f(p_id bigint) RETURNS int LANGUAGE plpgsql AS $$\nDECLARE\n",
        "  r record;\n  r2 record;\n  b boolean;\n  n int := 0;\n",
        *(f"  v_{t.name} {t.name}%ROWTYPE;\n" for t in schema),
        "BEGIN\n",
    ]
    for _ in range(draw(st.integers(1, 4))):
        body += draw(statement(schema))
    body.append("  RETURN n;\nEND $$;\n")
    return ddl, body


def _render(parts: list[Part], mutate: int | None) -> str:
    out, k = [], 0
    for p in parts:
        if isinstance(p, Ref):
            out.append(p.name + "_zz" if k == mutate else p.name)
            k += 1
        else:
            out.append(p)
    return "".join(out)


def _check(text: str) -> set[tuple[str, int, int]]:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "gen.sql"
        path.write_text(text)
        result = check_paths([str(path)], Config(cache=False, jobs=1))
    return {(x.code, x.span.line, x.span.col) for x in result.diagnostics if x.span}


def _verify(text: str, server) -> set[tuple[str, int, int]]:
    result = verify_sources([SourceFile("gen.sql", text)], Config(cache=False), server)
    return {(x.code, x.span.line, x.span.col) for x in result.diagnostics if x.span}


# The default run is derandomized (the same 30 programs every time, so CI is stable);
# PGDRIFT_DIFF_EXAMPLES=N explores N fresh random programs.
@settings(
    max_examples=int(os.environ.get("PGDRIFT_DIFF_EXAMPLES", "30")),
    derandomize="PGDRIFT_DIFF_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=programs(), pick=st.integers(0, 1000), mutate=st.booleans())
def test_check_and_verify_agree(pgdrift_server, program, pick: int, mutate: bool) -> None:
    ddl, parts = program
    refs = sum(isinstance(p, Ref) for p in parts)
    which = pick % refs if mutate and refs else None
    text = ddl + _render(parts, which)
    checked, verified = _check(text), _verify(text, pgdrift_server)
    assert checked == verified, f"check {sorted(checked)} != verify {sorted(verified)}\n{text}"
    if which is None:
        assert verified == set(), text
    else:
        assert verified, f"the misspelt reference was not reported\n{text}"
