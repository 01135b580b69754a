"""Diff cases as data files: ``diff_cases/*.sql`` hold a ``-- snapshot:`` part, a
``-- database:`` part and ``-- expect-codes:`` (the PGD2xx codes the diff must report,
each as often as listed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgdrift.catalog.ddl import catalog_from_files
from pgdrift.catalog.diff import diff_catalogs
from pgdrift.source import SourceFile

CASES = sorted((Path(__file__).parent / "diff_cases").glob("*.sql"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_diff_case(path: Path) -> None:
    text = path.read_text("utf-8")
    head, _, rest = text.partition("-- snapshot:\n")
    snapshot, _, database = rest.partition("-- database:\n")
    codes = head.split("-- expect-codes:", 1)[1].split()
    expected, d1 = catalog_from_files([SourceFile("snapshot.sql", snapshot)])
    actual, d2 = catalog_from_files([SourceFile("database.sql", database)])
    assert d1 == d2 == []
    found = diff_catalogs(expected, actual)
    assert sorted(d.code for d in found) == sorted(codes), "\n".join(
        f"{d.code} {d.message}" for d in found
    )
    assert diff_catalogs(expected, expected) == []
