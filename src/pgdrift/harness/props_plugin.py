"""pytest options of the queue property suite (``tests/properties``).

``--pgdrift-soak`` (or ``PGDRIFT_SOAK=1``) selects the soak profile: many more, random
examples and a progress display; ``--pgdrift-soak-examples N`` sets how many per test.
Loaded from the suite's root conftest (``pytest_plugins``), since options must be known
before sub-directory conftests are collected.
"""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pgdrift-properties", "pgdrift queue property suite")
    group.addoption(
        "--pgdrift-soak",
        action="store_true",
        default=False,
        help="run the queue property suite with the soak profile (also PGDRIFT_SOAK=1)",
    )
    group.addoption(
        "--pgdrift-soak-examples",
        type=int,
        default=None,
        help="examples per property test in the soak profile (default 2000)",
    )


def soak_enabled(config: pytest.Config) -> bool:
    """True when the soak profile was asked for (flag or PGDRIFT_SOAK)."""
    env = os.environ.get("PGDRIFT_SOAK", "").strip().lower()
    return bool(config.getoption("pgdrift_soak", False)) or env in ("1", "true", "yes", "on")
