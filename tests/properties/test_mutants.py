"""Proof the property suite has teeth: known-bad mutations of a copy of sql/ are caught.

Each mutant is applied textually (every replacement must match, so a refactor of sql/
fails here loudly instead of testing the unmutated queue), loaded into its own template,
then hunted with concurrent scenarios and with deterministic interleavings; the
violations found must include a property that names the bug.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from props_helpers import hunt, play

from conftest import SQL_DIR
from pgdrift.harness.mutants import (
    QUEUE_MUTANTS,
    Mutant,
    MutationNotApplied,
    Replacement,
    apply_mutant,
)
from pgdrift.harness.scenario import JobSpec, Scenario, Step

pytestmark = pytest.mark.properties

# (mode, CI budget of runs): random scenarios, the known-race corpus, random interleavings
SEARCH = (("scenario", 15), ("corpus", 0), ("interleave", 120))


@pytest.mark.parametrize("mutant", QUEUE_MUTANTS, ids=lambda m: m.name)
def test_mutant_is_caught(mutant: Mutant, scenario_server, props, tmp_path: Path) -> None:
    counts = apply_mutant(mutant, SQL_DIR, tmp_path / "sql")
    assert all(n >= 1 for n in counts.values()), counts
    template = scenario_server.with_sql([tmp_path / "sql"])
    tried = []
    for mode, budget in SEARCH:
        violations, text, runs = hunt(
            scenario_server, template, mode, budget * (5 if props.soak else 1)
        )
        tried.append(f"{mode}: {runs} runs")
        if violations:
            props.stats["mutants caught"] += 1
            found = {v.prop for v in violations}
            assert found & mutant.expect, (
                f"{mutant.name} was caught, but by {sorted(found)} and not by any of "
                f"{sorted(mutant.expect)}:\n{text}"
            )
            print(
                f"{mutant.name}: caught by {sorted(found & mutant.expect)} after {runs} {mode} runs"
            )
            return
    pytest.fail(f"mutant {mutant.name} ({mutant.description}) survived: {', '.join(tried)}")


def test_a_mutation_that_no_longer_applies_fails_loudly(tmp_path: Path) -> None:
    stale = Mutant(
        "stale",
        "targets text sql/ no longer has",
        (Replacement("020_claim.sql", r"NO SUCH TEXT", ""),),
    )
    with pytest.raises(MutationNotApplied, match="matched 0 time"):
        apply_mutant(stale, SQL_DIR, tmp_path / "sql")
    missing = Mutant(
        "missing", "targets a file that is gone", (Replacement("999_gone.sql", r"x", ""),)
    )
    with pytest.raises(MutationNotApplied, match="not found"):
        apply_mutant(missing, SQL_DIR, tmp_path / "sql2")


def test_mutants_change_only_the_copy(tmp_path: Path) -> None:
    before = {p.name: p.read_text() for p in SQL_DIR.glob("*.sql")}
    for m in QUEUE_MUTANTS:
        apply_mutant(m, SQL_DIR, tmp_path / m.name)
        changed = [
            p.name for p in (tmp_path / m.name).glob("*.sql") if p.read_text() != before[p.name]
        ]
        assert changed, f"{m.name} changed nothing"
    assert before == {p.name: p.read_text() for p in SQL_DIR.glob("*.sql")}


def test_a_failure_prints_the_scenario_and_the_history_slice(
    scenario_server, tmp_path: Path
) -> None:
    mutant = next(m for m in QUEUE_MUTANTS if m.name == "cleanup-ignores-lease-expiry")
    apply_mutant(mutant, SQL_DIR, tmp_path / "sql")
    template = scenario_server.with_sql([tmp_path / "sql"])
    scenario = Scenario(
        jobs=(JobSpec(2, 3),),
        programs=((Step("claim"), Step("cleanup"), Step("complete_ok")),),
    )
    with pytest.raises(AssertionError) as failure:
        play(scenario_server, scenario, template=template)
    text = str(failure.value)
    assert "scenario: 1 workers, lease 30 s, 1 sync jobs (2 chunks)" in text
    assert "w0: claim; cleanup; complete ok" in text
    assert "[no-early-reclaim]" in text
    assert "client history:" in text and "server events:" in text
    assert "lease_expired" in text and "cleanup" in text
