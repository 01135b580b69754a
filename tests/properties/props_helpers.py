"""Playing scenarios for the property tests: run, check, count, explain failures."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pgdrift.harness.checker import check, queue_summary, report
from pgdrift.harness.scenario import Scenario, run_scenario
from pgdrift.harness.scenario_db import ScenarioServer

REJECTED = ("stale_lease", "lease_expired", "already_recorded")


def tally(stats: Counter[str], result: Any) -> None:
    """Count what a run exercised (so a suite that tests nothing is noticed)."""
    stats["scenarios"] += 1
    stats["workers"] += result.scenario.workers
    stats["faults"] += result.faults.total
    for kind, n in result.faults.counts.items():
        stats[f"fault:{kind}"] += n
    for ev in result.state.events:
        stats[f"event:{ev['transition']}"] += 1
    for e in result.history.completions():
        stats[f"{e.f}:{e.type}"] += 1
        outcome = e.value.get("outcome")
        if e.f == "complete" and e.type == "ok" and outcome:
            stats[f"outcome:{outcome}"] += 1
    stats["notifications"] += len(result.state.notifications)
    for key, n in queue_summary(result.history, result.state).items():
        stats[f"queue:{key}"] += n


def play(
    ss: ScenarioServer,
    scenario: Scenario,
    stats: Counter[str] | None = None,
    *,
    template: str | None = None,
    only: set[str] | None = None,
) -> None:
    """Run ``scenario`` on a fresh database and fail with the scenario and the offending
    history slice when a property is violated."""
    db = ss.fresh_db(template)
    result = run_scenario(scenario, db.dsn, restart=ss.restart)
    if stats is not None:
        tally(stats, result)
    problems = check(result.history, result.state, only)
    if result.errors:
        raise AssertionError(
            "the runner failed:\n" + "\n".join(result.errors) + "\n" + scenario.describe()
        )
    if problems:
        raise AssertionError(
            "\n"
            + scenario.describe()
            + "\n\n"
            + report(result.history, result.state, problems)
            + f"\n\n(faults injected: {dict(result.faults.counts)})"
        )
