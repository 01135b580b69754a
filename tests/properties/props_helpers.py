"""Playing scenarios for the property tests: run, check, count, explain failures."""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

from pgdrift.harness.checker import check, queue_summary, report
from pgdrift.harness.scenario import Scenario, run_scenario, scenarios
from pgdrift.harness.scenario_db import ScenarioServer

REJECTED = ("stale_lease", "lease_expired", "already_recorded")
HUNT_FAULTS = ("zombie", "idle_in_txn", "kill_in_commit")


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


def run_interleaving(
    ss: ScenarioServer, program: Any, template: str | None = None
) -> tuple[Any, list[Any]]:
    """Run an interleaving program on a fresh database; returns (result, violations)."""
    from pgdrift.harness.interleave import run_program

    result = run_program(program, ss.fresh_db(template).dsn)
    return result, check(result.history, result.state)


def explain_interleaving(result: Any, violations: list[Any]) -> str:
    return (
        "\n"
        + result.program.describe()
        + "\n\n"
        + report(result.history, result.state, violations)
        + "\n\nreplay with pgdrift.harness.interleave.replay(SPEC, dsn); SPEC =\n"
        + result.program.to_spec()
    )


def hunt(
    ss: ScenarioServer, template: str, mode: str, max_examples: int
) -> tuple[list[Any], str, int]:
    """Search (derandomized, no shrinking) for a run of ``mode`` ('scenario' or
    'interleave'; 'corpus' runs the known-race interleavings) that violates a property on ``template``. Returns the violations (empty
    when none was found), the failing run described, and how many runs it took."""
    from hypothesis import HealthCheck, Phase, find, settings

    from pgdrift.harness.interleave import programs

    if mode == "corpus":  # the known-race interleavings, each once
        from pgdrift.harness.interleave import KNOWN_RACES

        for n, program in enumerate(KNOWN_RACES.values(), 1):
            result, problems = run_interleaving(ss, program, template)
            if problems:
                return problems, explain_interleaving(result, problems), n
        return [], "", len(KNOWN_RACES)
    found: dict[str, Any] = {}
    runs = [0]

    def violates(x: Any) -> bool:
        if found:
            return True
        runs[0] += 1
        if mode == "interleave":
            result, problems = run_interleaving(ss, x, template)
            text = explain_interleaving(result, problems) if problems else ""
        else:
            result = run_scenario(x, ss.fresh_db(template).dsn, restart=ss.restart)
            problems = check(result.history, result.state)
            text = (
                x.describe() + "\n" + report(result.history, result.state, problems)
                if problems
                else ""
            )
        if problems:
            found["v"], found["text"] = problems, text
        return bool(problems)

    # the hunt draws scenarios that always carry the faults that open race windows
    hunting = scenarios(2, 8, restart=False, require=HUNT_FAULTS)
    strategy = programs() if mode == "interleave" else hunting
    opts = settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    # NoSuchExample when nothing was found, Flaky when a race did not repeat
    with contextlib.suppress(Exception):
        find(strategy, violates, settings=opts)
    return found.get("v", []), found.get("text", ""), runs[0]
