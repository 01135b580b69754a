"""The queue's properties under concurrent scenarios drawn by hypothesis (see
pgdrift.harness.checker.PROPERTIES for the list), played on real connections."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import example, given
from props_helpers import play

from pgdrift.harness.scenario import Fault, JobSpec, Scenario, Step, scenarios

BUSY = (
    Step("claim"),
    Step("heartbeat"),
    Step("complete_ok"),
    Step("claim"),
    Step("complete_error"),
)
SIXTEEN = Scenario(
    jobs=tuple(JobSpec(3, 2) for _ in range(6)),
    programs=tuple(BUSY + ((Step("cleanup"),) if i % 4 == 0 else ()) for i in range(16)),
    faults=(Fault("kill_mid_work", 3, 2), Fault("zombie", 5, 2), Fault("kill_listener", arg=5)),
)

pytestmark = pytest.mark.properties
# a zombie rescued by the janitor, and a completion whose COMMIT is cut off
RESCUE = Scenario(
    jobs=(JobSpec(1, 3), JobSpec(1, 3)),
    programs=(
        (Step("claim"), Step("complete_ok"), Step("claim")),
        (Step("pause", 2), Step("claim"), Step("complete_ok"), Step("complete_ok")),
    ),
    faults=(Fault("zombie", 0, 0), Fault("kill_in_commit", 1, 0)),
)


def test_concurrent_scenarios_without_faults(scenario_server, props) -> None:
    stats: Counter[str] = Counter()

    @props.settings(ci_examples=25)
    @given(scenarios(min_workers=2, max_workers=8, faults=False))
    def run(scenario: Scenario) -> None:
        play(scenario_server, scenario, stats)
        bar.advance(f"{stats['faults']} faults")

    with props.progress("no faults", props.settings(25).max_examples) as bar:
        run()
    if not props.covers(25):
        return  # a short soak run: too few examples to demand coverage
    assert stats["scenarios"] >= 10
    assert stats["event:completed"] > 0 and stats["claim:ok"] > 0
    assert stats["observe:ok"] > 0  # the status view was checked


def test_concurrent_scenarios_with_faults(scenario_server, props) -> None:
    stats: Counter[str] = Counter()

    @props.settings(ci_examples=80)
    @given(scenarios(min_workers=2, max_workers=16 if props.soak else 8, restart=False))
    @example(SIXTEEN)
    @example(RESCUE)
    def run(scenario: Scenario) -> None:
        play(scenario_server, scenario, stats)
        bar.advance(f"{stats['faults']} faults")

    with props.progress("faults", props.settings(80).max_examples) as bar:
        run()
    if not props.covers(80):
        return  # a short soak run: too few examples to demand coverage
    assert stats["faults"] > stats["scenarios"]  # more than one fault per run on average
    # the dangerous paths were taken, not only the happy one
    assert stats["event:lease_expired"] > 0
    assert stats["event:retry_scheduled"] > 0
    assert stats["fault:zombie"] > 0 and stats["fault:kill_in_commit"] > 0
    assert any(stats[f"outcome:{o}"] for o in ("completed", "retry_scheduled"))


def test_scenarios_with_server_restart(scenario_server, props) -> None:
    stats: Counter[str] = Counter()

    @props.settings(ci_examples=15)
    @given(scenarios(min_workers=2, max_workers=8, require=("restart",)))
    def run(scenario: Scenario) -> None:
        play(scenario_server, scenario, stats)
        bar.advance(f"{stats['fault:restart']} restarts")

    with props.progress("restart", props.settings(15).max_examples) as bar:
        run()
    if not props.covers(15):
        return  # a short soak run: too few examples to demand coverage
    assert stats["fault:restart"] >= 1
    assert scenario_server.restarts >= 1
