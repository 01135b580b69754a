"""Property: on generated schemas and PL/pgSQL functions, an unmutated program is clean and
mutating exactly one column reference reports exactly that reference (file:line:col)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgdrift.check import check_paths
from pgdrift.config import Config
from pgdrift.source import SourceFile

WORDS = [
    "amount", "label", "created", "owner", "kind", "score", "weight", "region", "code",
    "note", "priority", "size", "color", "rank", "budget", "quota", "tag", "level",
]  # fmt: skip
TABLES = ["alpha", "beta", "gamma", "delta"]
TYPES = ["integer", "text", "numeric", "bigint"]
WRAPPERS = [
    ("", ""),
    ("  IF p_id > {n} THEN\n", "  END IF;\n"),
    ("  IF p_id > {n} THEN\n  NULL;\n  ELSE\n", "  END IF;\n"),
    ("  <<blk{n}>>\n  LOOP\n", "  EXIT blk{n};\n  END LOOP;\n"),
    ("  BEGIN\n", "  EXCEPTION WHEN others THEN\n    RAISE NOTICE '%', SQLERRM;\n  END;\n"),
    ("  DECLARE\n    v_inner{n} int := {n};\n  BEGIN\n", "  END;\n"),
    ("  FOR v_i{n} IN 1..2 LOOP\n", "  END LOOP;\n"),
]


@dataclass
class Program:
    """SQL text plus the offset and name of every column reference in it."""

    parts: list[str] = field(default_factory=list)
    # (where a finding starts: the qualifier if any, offset of the name, name)
    refs: list[tuple[int, int, str]] = field(default_factory=list)
    _len: int = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self._len += len(text)

    def ref(self, name: str, qualifier: str | None = None) -> None:
        start = self._len
        if qualifier:
            self.add(qualifier + ".")
        self.refs.append((start, self._len, name))
        self.add(name)

    def text(self, mutate: int | None = None) -> str:
        out, pos = [], 0
        full = "".join(self.parts)
        for i, (_start, offset, name) in enumerate(self.refs):
            if i == mutate:
                out.append(full[pos:offset])
                out.append("zz" + name)
                pos = offset + len(name)
        out.append(full[pos:])
        return "".join(out)


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, list[tuple[str, str]]]:
    names = draw(st.lists(st.sampled_from(TABLES), min_size=2, max_size=3, unique=True))
    schema = {}
    for t in names:
        cols = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=5, unique=True))
        schema[t] = [("id", "bigint")] + [(c, draw(st.sampled_from(TYPES))) for c in cols]
    return schema


@st.composite
def programs(draw: st.DrawFn) -> Program:
    schema = draw(schemas())
    p = Program()
    for t, cols in schema.items():
        p.add(f"CREATE TABLE {t} (" + ", ".join(f"{c} {ty}" for c, ty in cols) + ");\n")
    tables = list(schema)
    p.add("CREATE FUNCTION gen_f(p_id bigint) RETURNS void LANGUAGE plpgsql AS $$\n")
    p.add("DECLARE\n  v_rec record;\n  v_row " + tables[0] + "%ROWTYPE;\n  v_n bigint;\nBEGIN\n")
    kinds = draw(
        st.lists(
            st.sampled_from(
                ["select", "update", "insert", "into", "join", "rowtype", "loop", "cte", "sub"]
            ),
            min_size=1,
            max_size=5,
        )
    )
    for n, kind in enumerate(kinds):
        # each statement group sits in a block structure of its own
        wrapper = draw(st.sampled_from(WRAPPERS))
        p.add(wrapper[0].format(n=n))
        t = draw(st.sampled_from(tables))
        cols = [c for c, _ in schema[t]]
        pick = draw(st.lists(st.sampled_from(cols), min_size=1, max_size=3, unique=True))
        if kind == "select":
            p.add("  PERFORM ")
            for i, c in enumerate(pick):
                p.add(", " if i else "")
                p.ref(c)
            p.add(f" FROM {t} WHERE ")
            p.ref(pick[0])
            p.add(" IS NOT NULL;\n")
        elif kind == "update":
            p.add(f"  UPDATE {t} SET ")
            for i, c in enumerate(pick):
                p.add(",\n      " if i else "")
                p.ref(c)
                p.add(" = NULL")
            p.add(" WHERE ")
            p.ref("id")
            p.add(" = p_id;\n")
        elif kind == "insert":
            p.add(f"  INSERT INTO {t} (")
            for i, c in enumerate(pick):
                p.add(", " if i else "")
                p.ref(c)
            p.add(") VALUES (" + ", ".join("NULL" for _ in pick) + ");\n")
        elif kind == "into":
            p.add(f"  SELECT * INTO v_rec FROM {t} WHERE ")
            p.ref(pick[0])
            p.add(" IS NULL LIMIT 1;\n  RAISE NOTICE '%', ")
            p.ref(pick[-1], "v_rec")
            p.add(";\n")
        elif kind == "join":
            other = draw(st.sampled_from([x for x in tables if x != t]))
            ocol = draw(st.sampled_from([c for c, _ in schema[other]]))
            p.add("  PERFORM ")
            p.ref(pick[0], "a")
            p.add(", ")
            p.ref(ocol, "b")
            p.add(f"\n    FROM {t} a JOIN {other} b ON ")
            p.ref("id", "b")
            p.add(" = ")
            p.ref("id", "a")
            p.add(";\n")
        elif kind == "rowtype":
            rcols = [c for c, _ in schema[tables[0]]]
            c = draw(st.sampled_from(rcols))
            p.add(f"  SELECT * INTO v_row FROM {tables[0]} LIMIT 1;\n  v_n := length(")
            p.ref(c, "v_row")
            p.add("::text);\n")
        elif kind == "cte":
            p.add("  WITH w AS (SELECT ")
            for i, c in enumerate(pick):
                p.add(", " if i else "")
                p.ref(c)
            p.add(f" FROM {t})\n  SELECT count(*) INTO v_n FROM w;\n")
        elif kind == "sub":
            other = draw(st.sampled_from([x for x in tables if x != t]))
            ocol = draw(st.sampled_from([c for c, _ in schema[other]]))
            p.add(f"  UPDATE {t} SET ")
            p.ref(pick[0])
            p.add(" = NULL\n   WHERE ")
            p.ref("id")
            p.add(f" IN (SELECT o.id FROM {other} o WHERE ")
            p.ref(ocol, "o")
            p.add(" IS NOT NULL)\n  RETURNING ")
            p.ref(pick[-1])
            p.add(" INTO v_n;\n")
        else:  # loop
            p.add("  FOR v_rec IN SELECT ")
            for i, c in enumerate(pick):
                p.add(", " if i else "")
                p.ref(c)
            # the loop body reads a field the mutation cannot touch
            p.add(f", id AS k FROM {t} LOOP\n    RAISE NOTICE '%', v_rec.k;\n  END LOOP;\n")
        p.add(wrapper[1].format(n=n))
    p.add("END $$;\n")
    if draw(st.booleans()):
        # a LANGUAGE sql function and a view over a drawn table
        t = draw(st.sampled_from(tables))
        cols = [c for c, _ in schema[t]]
        a, b = draw(st.sampled_from(cols)), draw(st.sampled_from(cols))
        p.add(
            "CREATE FUNCTION gen_sql(p bigint) RETURNS bigint LANGUAGE sql AS $$\n  SELECT count("
        )
        p.ref(a)
        p.add(f") FROM {t} WHERE ")
        p.ref(b)
        p.add(" IS NOT NULL AND id > p\n$$;\n")
        p.add("CREATE VIEW gen_v AS\n  SELECT ")
        p.ref(b, "x")
        p.add(f" AS c1\n    FROM {t} x\n   WHERE ")
        p.ref(a, "x")
        p.add(" IS NULL;\n")
    if draw(st.booleans()):
        # a trigger function: NEW/OLD typed by the table the trigger is on
        t = tables[0]
        cols = [c for c, _ in schema[t]]
        pick = draw(st.lists(st.sampled_from(cols), min_size=1, max_size=3, unique=True))
        p.add("CREATE FUNCTION gen_trg() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n")
        for c in pick:
            p.add("  IF ")
            p.ref(c, "NEW")
            p.add(" IS DISTINCT FROM ")
            p.ref(c, "OLD")
            p.add(" THEN\n    RAISE NOTICE 'changed';\n  END IF;\n")
        p.add("  RETURN NEW;\nEND $$;\n")
        p.add(
            f"CREATE TRIGGER gen_t BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION gen_trg();\n"
        )
    return p


def _check(text: str) -> list[tuple[int, int, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gen.sql"
        path.write_text(text, encoding="utf-8")
        result = check_paths([str(path)], Config(root=Path(tmp), cache=False, jobs=1))
    return [(d.span.line, d.span.col, d.code) for d in result.diagnostics if d.span]


_SETTINGS = settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@_SETTINGS
@given(programs())
def test_unmutated_program_is_clean(p: Program) -> None:
    assert _check(p.text()) == []


@_SETTINGS
@given(programs(), st.data())
def test_one_mutated_reference_is_reported_exactly(p: Program, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(p.refs) - 1))
    text = p.text(mutate=index)
    offset = p.refs[index][0]  # text before the mutated name is unchanged
    line, col = SourceFile("gen.sql", text).position(offset)
    found = _check(text)
    assert len(found) == 1, (text, found)
    assert found[0][:2] == (line, col), (text, found)
    assert found[0][2] in ("PGD101", "PGD103")
