"""The data-file test runner: every tests/cases/**/*.sql (and *.case/ folder) is one case.

See tests/cases/README.md for the expectation syntax.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from pgdrift.check import check_paths
from pgdrift.config import Config

CASES = Path(__file__).resolve().parent.parent / "cases"
_EXPECT = re.compile(r"--\s*expect(-next-line)?:\s*(.+?)\s*$")
_ITEM = re.compile(r"(PGD\d{3})(?:@(\d+))?(?:\(([^)]*)\))?")
_SETTINGS = re.compile(r"--\s*case:\s*(.+)$")


def _cases() -> list[Path]:
    out: list[Path] = []
    for p in sorted(CASES.rglob("*")):
        folder_case = p.is_dir() and p.name.endswith(".case")
        file_case = p.suffix == ".sql" and not any(part.endswith(".case") for part in p.parts)
        if folder_case or file_case:
            out.append(p)
    return out


def _files(case: Path) -> list[Path]:
    if case.is_dir():
        return sorted(
            f for f in case.rglob("*.sql") if "expected_schema" not in f.relative_to(case).parts
        )
    return [case]


def _expectations(case: Path) -> list[tuple[str, int, str, int | None, str | None]]:
    out = []
    for f in _files(case):
        for n, line in enumerate(f.read_text("utf-8").splitlines(), start=1):
            m = _EXPECT.search(line)
            if not m:
                continue
            target = n + 1 if m.group(1) else n
            for item in _ITEM.finditer(m.group(2)):
                col = int(item.group(2)) if item.group(2) else None
                out.append((str(f), target, item.group(1), col, item.group(3)))
    return out


def _config(case: Path) -> Config:
    config = Config(root=CASES, cache=False, jobs=1)
    first = _files(case)[0].read_text("utf-8").split("\n", 1)[0]
    m = _SETTINGS.search(first)
    if m:
        for setting in m.group(1).split(";"):
            key, _, value = setting.partition("=")
            if key.strip() == "search_path":
                config = replace(config, search_path=tuple(v.strip() for v in value.split(",")))
    schema = case / "expected_schema" if case.is_dir() else None
    if schema is not None and schema.is_dir():
        config = replace(config, schema=str(schema))
    return config


@pytest.mark.parametrize("case", _cases(), ids=lambda p: str(p.relative_to(CASES)))
def test_case(case: Path) -> None:
    from pgdrift.cli.check import postprocess

    config = _config(case)
    result = check_paths([str(f) for f in _files(case)], config)
    diagnostics = postprocess(result.diagnostics, result.sources, config, False)
    got = Counter((d.span.path, d.span.line, d.code) for d in diagnostics if d.span)
    expected = _expectations(case)
    want = Counter((path, line, code) for path, line, code, _, _ in expected)

    def show() -> str:
        return "\n".join(
            f"  {d.span.path}:{d.span.line}:{d.span.col} {d.code} {d.message}"
            + (f" ({d.help})" if d.help else "")
            for d in diagnostics
            if d.span
        )

    assert got == want, f"reported:\n{show()}\nexpected: {sorted(want.elements())}"
    for path, line, code, col, text in expected:
        matches = [
            d
            for d in diagnostics
            if d.span and (d.span.path, d.span.line, d.code) == (path, line, code)
        ]
        if col is not None:
            assert any(d.span and d.span.col == col for d in matches), (
                f"{path}:{line}: no {code} at column {col}:\n{show()}"
            )
        if text is not None:
            assert any(text in d.message or text in (d.help or "") for d in matches), (
                f"{path}:{line}: no {code} mentioning {text!r}:\n{show()}"
            )
