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
    #: pytest's capture manager (progress is drawn with capturing suspended)
    capman: Any = None
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

    def covers(self, ci_examples: int) -> bool:
        """Whether this run draws at least the CI number of examples (coverage checks of
        what the examples exercised only make sense then)."""
        return self.settings(ci_examples).max_examples >= ci_examples

    def progress(self, label: str, total: int) -> Any:
        """A rich progress task on a terminal in soak mode, else a no-op."""
        return _Progress(label, total if self.soak else 0, self.capman)


class _Progress:
    """A rich progress bar drawn on the real terminal: pytest captures the test's output,
    so every redraw happens with capturing suspended (and only when that is a tty)."""

    def __init__(self, label: str, total: int, capman: Any) -> None:
        self.bar = None
        self.capman = capman
        if not total or capman is None:
            return
        with capman.global_and_fixture_disabled():
            if not sys.stdout.isatty():
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress(
                "[bold]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                "{task.fields[info]}",
                auto_refresh=False,
            )
            self.task = self.bar.add_task(label, total=total, info="")
            self.bar.start()

    def advance(self, info: str = "") -> None:
        if self.bar is not None:
            with self.capman.global_and_fixture_disabled():
                self.bar.update(self.task, advance=1, info=info)
                self.bar.refresh()

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            with self.capman.global_and_fixture_disabled():
                self.bar.stop()


@pytest.fixture(scope="session")
def props(pytestconfig: pytest.Config) -> Props:
    soak = soak_enabled(pytestconfig)
    n = pytestconfig.getoption("pgdrift_soak_examples", None) or 2000
    capman = pytestconfig.pluginmanager.getplugin("capturemanager")
    return Props(soak, n, capman)


@pytest.fixture(scope="session")
def scenario_server(pytestconfig: pytest.Config) -> Iterator[ScenarioServer]:
    """A restartable server of our own with ``sql/`` as template (scenarios crash it)."""
    from pgdrift.harness.plugin import server_options

    ss = ScenarioServer.start([SQL_DIR], server_options(pytestconfig))
    try:
        yield ss
    finally:
        ss.stop()
