"""Fixtures and hypothesis profiles of the queue property suite.

Profiles (registered here):

``pgdrift-ci`` (default)
    derandomized (a fixed seed: the same scenarios every run), no example database, a
    bounded number of examples per test (the suite, mutants included, stays within a few
    minutes on 2 cores);
``pgdrift-soak`` (``PGDRIFT_SOAK=1`` or ``--pgdrift-soak``)
    random seeds, thousands of examples per test (``--pgdrift-soak-examples``), a live
    progress display on a terminal.

Every test module here sets ``pytestmark = pytest.mark.properties``: ``pytest -m properties``
runs them alone.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from pgdrift.harness.props_plugin import soak_enabled
from pgdrift.harness.scenario_db import ScenarioServer

ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = ROOT / "sql"

_COMMON: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
    "print_blob": True,
}
settings.register_profile("pgdrift-ci", derandomize=True, max_examples=20, **_COMMON)
settings.register_profile("pgdrift-soak", derandomize=False, max_examples=2000, **_COMMON)


@dataclass
class Props:
    """The active profile, and counters of what the suite exercised."""

    soak: bool
    soak_examples: int
    stats: Counter[str] = field(default_factory=Counter)
    _progress: Any = None

    @property
    def profile(self) -> str:
        return "pgdrift-soak" if self.soak else "pgdrift-ci"

    def settings(self, ci_examples: int, *, shrink: bool = True) -> settings:
        """Settings of one property test: ``ci_examples`` in CI, many more in soak."""
        base = settings.get_profile(self.profile)
        n = self.soak_examples if self.soak else ci_examples
        phases = tuple(Phase) if shrink else tuple(p for p in Phase if p != Phase.shrink)
        return settings(base, max_examples=n, phases=phases)

    def progress(self, label: str, total: int) -> Any:
        """A rich progress task on a terminal in soak mode, else a no-op."""
        return _Progress(label, total if self.soak else 0)


class _Progress:
    def __init__(self, label: str, total: int) -> None:
        self.bar = None
        if total and sys.__stderr__ is not None and sys.__stderr__.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress(
                "[bold]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                "{task.fields[info]}",
                console=Console(file=sys.__stderr__),
                transient=False,
            )
            self.task = self.bar.add_task(label, total=total, info="")
            self.bar.start()

    def advance(self, info: str = "") -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, info=info)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@pytest.fixture(scope="session")
def props(pytestconfig: pytest.Config) -> Props:
    soak = soak_enabled(pytestconfig)
    n = pytestconfig.getoption("pgdrift_soak_examples", None) or 2000
    return Props(soak, n)


@pytest.fixture(scope="session")
def scenario_server(pytestconfig: pytest.Config) -> Iterator[ScenarioServer]:
    """A restartable server of our own with ``sql/`` as template (scenarios crash it)."""
    from pgdrift.harness.plugin import server_options

    ss = ScenarioServer.start([SQL_DIR], server_options(pytestconfig))
    try:
        yield ss
    finally:
        ss.stop()
