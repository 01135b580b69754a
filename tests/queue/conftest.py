"""Fixtures of the Safe Chunk Processing System tests (helpers live in chunkq_helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from chunkq_helpers import Queue


@pytest.fixture
def queue(pgdrift_db: Any) -> Iterator[Queue]:
    with pgdrift_db.connect(autocommit=True) as conn:
        yield Queue(conn)


@pytest.fixture
def connect(pgdrift_db: Any) -> Iterator[Any]:
    """Open extra autocommit connections to the test database (closed after the test)."""
    opened: list[psycopg.Connection[Any]] = []

    def _connect(autocommit: bool = True) -> psycopg.Connection[Any]:
        conn = pgdrift_db.connect(autocommit=autocommit)
        opened.append(conn)
        return conn

    yield _connect
    for conn in opened:
        conn.close()
