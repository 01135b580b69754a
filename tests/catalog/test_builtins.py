"""The generated built-ins data and its lookups."""

from __future__ import annotations

import doctest

import pytest

from pgdrift.catalog import builtins, ddl, describe, live_render, names, values
from pgdrift.catalog.builtins import (
    builtin_function_names,
    find_builtin_relation,
    is_builtin_function,
    is_builtin_type,
)


@pytest.mark.parametrize(
    ("name", "nargs", "expected"),
    [
        ("now", 0, True),
        ("now", 1, False),
        ("coalesce", 5, True),
        ("jsonb_build_object", 6, True),  # variadic
        ("count", 1, True),
        ("row_number", 0, True),
        ("generate_series", 2, True),
        ("generate_series", 5, False),
        ("substring", 2, True),
        ("make_interval", 0, True),  # all parameters have defaults
        ("no_such_function_xyz", 1, None),
    ],
)
def test_is_builtin_function(name: str, nargs: int, expected: bool | None) -> None:
    assert is_builtin_function(name, nargs) is expected


def test_names_and_types() -> None:
    names_ = builtin_function_names()
    assert {"lower", "jsonb_agg", "pg_advisory_xact_lock", "greatest"} <= names_
    assert "claim_next_chunk_job_safe" not in names_
    for t in ("integer", "int4", "timestamp with time zone", "jsonb", "text[]", "uuid"):
        assert is_builtin_type(t), t
    assert not is_builtin_type("chunked_sync_jobs")


def test_system_relations() -> None:
    activity = find_builtin_relation("pg_stat_activity")
    assert activity is not None and activity.column("pid") is not None
    assert activity.kind == "view" and not activity.has_system_columns
    pg_class = find_builtin_relation("pg_class")
    assert pg_class is not None and pg_class.kind == "table" and pg_class.has_system_columns
    cols = find_builtin_relation("columns", "information_schema")
    assert cols is not None and cols.column("column_name") is not None
    assert find_builtin_relation("columns") is None  # information_schema is not searched


@pytest.mark.parametrize("module", [builtins, ddl, describe, names, values, live_render])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0
