"""DDL cases as data files: each ``ddl_cases/*.sql`` holds the DDL and its expectations.

``-- expect: LINE`` must be a line of :func:`pgdrift.catalog.describe.describe` of the
catalog built from the file, ``-- expect-not: LINE`` must not be, and
``-- expect-diagnostic: CODE LINE`` names a diagnostic at that line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.catalog.describe import describe

CASES = sorted((Path(__file__).parent / "ddl_cases").glob("*.sql"))


def _expectations(text: str, tag: str) -> list[str]:
    prefix = f"-- {tag}: "
    return [line[len(prefix) :].rstrip() for line in text.splitlines() if line.startswith(prefix)]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_ddl_case(path: Path) -> None:
    text = path.read_text("utf-8")
    catalog, diagnostics = catalog_from_files([path])
    lines = set(describe(catalog))
    missing = [e for e in _expectations(text, "expect") if e not in lines]
    unexpected = [e for e in _expectations(text, "expect-not") if e in lines]
    assert not missing and not unexpected, "\n".join(
        ["missing:", *missing, "unexpected:", *unexpected, "catalog:", *sorted(lines)]
    )
    want_diags = _expectations(text, "expect-diagnostic")
    got = [f"{d.code} {d.span.line if d.span else 0}" for d in diagnostics]
    assert sorted(got) == sorted(want_diags)
