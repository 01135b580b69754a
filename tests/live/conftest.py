"""Live-database tests: a fresh database per test from the harness (``pgdrift_empty_db``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

VARIED = (Path(__file__).parent / "varied_schema.sql").read_text("utf-8")


def run_sql(db: Any, sql: str) -> None:
    with db.connect(autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def varied_db(pgdrift_empty_db: Any) -> Any:
    """An empty database with ``varied_schema.sql`` loaded."""
    run_sql(pgdrift_empty_db, VARIED)
    return pgdrift_empty_db
