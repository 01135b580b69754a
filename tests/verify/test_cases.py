"""Data-file cases for ``verify``: every ``tests/verify/cases/*.sql`` is loaded into a
throwaway server and must give exactly the findings its ``-- expect: CODE[@COL]`` comments
name, on their lines (the convention of ``tests/cases``). Adding a case is adding a file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pgdrift.config import Config
from pgdrift.source import SourceFile
from pgdrift.verify import verify_sources

CASES = sorted((Path(__file__).parent / "cases").glob("*.sql"))
_EXPECT = re.compile(r"--\s*expect:\s*(.+)$")
_ITEM = re.compile(r"(PGD\d{3})(?:@(\d+))?")


def _expected(text: str) -> list[tuple[int, str, int | None]]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _EXPECT.search(line)
        if m:
            out += [(n, c, int(col) if col else None) for c, col in _ITEM.findall(m.group(1))]
    return sorted(out, key=lambda e: (e[0], e[1], e[2] or 0))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path, pgdrift_server) -> None:
    text = case.read_text()
    result = verify_sources([SourceFile(case.name, text)], Config(), pgdrift_server)
    got = sorted(
        (d.span.line, d.code, d.span.col) for d in result.diagnostics if d.span is not None
    )
    want = _expected(text)
    # a column in the expectation is checked; without one any column matches
    matched = [
        (line, code, col if want_col is not None else None)
        for (line, code, col), (_l, _c, want_col) in zip(got, want, strict=False)
    ]
    listing = "\n".join(f"  {line}:{col} {code}" for line, code, col in got)
    assert len(got) == len(want) and matched == want, f"verify reported:\n{listing}"
