"""Verify tests share one throwaway server (the plugin's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgdrift.config import Config
from pgdrift.source import SourceFile
from pgdrift.verify import VerifyResult, verify_sources


@pytest.fixture
def verify(pgdrift_server):
    """``verify(text, name="f.sql") -> VerifyResult`` on the session's server."""

    def run(*texts: str, names: tuple[str, ...] = ()) -> VerifyResult:
        sources = [
            SourceFile(names[i] if i < len(names) else f"f{i}.sql", t) for i, t in enumerate(texts)
        ]
        return verify_sources(sources, Config(cache=False), pgdrift_server)

    return run


def where(result: VerifyResult) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in result.diagnostics if d.span]


@pytest.fixture
def incident_sql() -> str:
    return (Path(__file__).parent / "data" / "incident.sql").read_text()
