"""Deterministic interleavings (isolation-tester style): the properties hold for every
drawn permutation, blocked steps are told from finished ones, and a failing interleaving
shrinks to a small program that prints as a spec and replays."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from props_helpers import explain_interleaving, run_interleaving

from conftest import SQL_DIR
from pgdrift.harness.checker import check
from pgdrift.harness.interleave import KNOWN_RACES, IStep, Program, parse_spec, programs, replay
from pgdrift.harness.mutants import QUEUE_MUTANTS, apply_mutant

pytestmark = pytest.mark.properties

RESCUE = Program(
    ((2, 3),),
    (
        IStep(0, "claim", 0),
        IStep(2, "cleanup", 61),  # s1's lease (60 s) expired: reclaimed
        IStep(1, "claim", 61),  # s2 takes the chunk over
        IStep(1, "begin", 62),
        IStep(1, "complete_ok", 62),  # s2 completes, not yet committed: holds the locks
        IStep(0, "complete_ok", 63),  # the zombie s1 completes late: must wait, then lose
        IStep(1, "commit", 64),
    ),
)


def test_interleavings_hold_the_properties(scenario_server, props) -> None:
    stats: Counter[str] = Counter()

    @props.settings(ci_examples=60)
    @given(programs())
    def run(program: Program) -> None:
        result, problems = run_interleaving(scenario_server, program)
        stats["programs"] += 1
        stats["blocked"] += len(result.blocked)
        stats["steps"] += len(program.order)
        stats["in transactions"] += sum(s.action == "begin" for s in program.order)
        if problems:
            raise AssertionError(explain_interleaving(result, problems))
        bar.advance(f"{stats['blocked']} blocked steps")

    with props.progress("interleavings", props.settings(60).max_examples) as bar:
        run()
    if not props.covers(60):
        return  # a short soak run: too few examples to demand coverage
    assert stats["programs"] >= 20
    assert stats["in transactions"] > 0  # steps ran inside open transactions


def test_blocked_step_is_told_from_done(scenario_server) -> None:
    result, problems = run_interleaving(scenario_server, RESCUE)
    assert problems == [], explain_interleaving(result, problems)
    assert result.blocked == ["s1_2_complete_ok_t63"]
    h = result.history
    done = {e.value.get("step"): e for e in h.completions() if e.value.get("step")}
    # the zombie's completion was issued before s2's COMMIT and could only finish after
    # that COMMIT was issued (it waited for the sync job row s2 held)
    zombie, commit = done["s1_2_complete_ok_t63"], done["s2_4_commit_t64"]
    assert zombie.invoke_index < commit.invoke_index < zombie.index
    assert done["s1_2_complete_ok_t63"].value["outcome"] == "stale_lease"
    assert done["s2_3_complete_ok_t62"].value["outcome"] == "completed"


def test_spec_round_trips() -> None:
    spec = RESCUE.to_spec()
    assert spec.startswith("setup")
    assert 'permutation "s1_1_claim_t0" "s3_1_cleanup_t61"' in spec
    assert "claim_next_chunk_job_safe('s1', 60, '2030-01-01T00:00:00+00:00')" in spec
    assert parse_spec(spec) == RESCUE


def test_failing_interleaving_shrinks_and_replays(scenario_server, tmp_path: Path) -> None:
    mutant = next(m for m in QUEUE_MUTANTS if m.name == "claim-without-row-locking")
    apply_mutant(mutant, SQL_DIR, tmp_path / "sql")
    template = scenario_server.with_sql([tmp_path / "sql"])

    def double_claim(program: Program) -> bool:
        _, problems = run_interleaving(scenario_server, program, template)
        return any(v.prop == "no-double-processing" for v in problems)

    opts = settings(
        max_examples=150,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    smallest = find(programs(), double_claim, settings=opts)
    # the essence of the race: a claim left uncommitted, a second claim, the commit
    assert len(smallest.order) <= 8, smallest.describe()
    actions = [s.action for s in smallest.order]
    assert actions.count("claim") >= 2 and "begin" in actions
    spec = smallest.to_spec()
    for _ in range(2):  # the printed program replays, deterministically
        result = replay(spec, scenario_server.fresh_db(template).dsn)
        problems = check(result.history, result.state)
        assert any(v.prop == "no-double-processing" for v in problems), spec
    print(explain_interleaving(result, problems))


def test_an_empty_claim_with_no_lock_held_records_what_was_due(scenario_server) -> None:
    program = Program(
        ((1, 3), (1, 3)), (IStep(0, "claim", 0), IStep(1, "claim", 0), IStep(2, "claim", 0))
    )
    result, problems = run_interleaving(scenario_server, program)
    assert problems == [], explain_interleaving(result, problems)
    claims = {
        e.value["step"]: e for e in result.history.completions("claim") if e.value.get("step")
    }
    assert claims["s1_1_claim_t0"].value["chunk_id"] and claims["s2_1_claim_t0"].value["chunk_id"]
    # both sync jobs are in flight: nothing was due, and the progress property saw that
    assert claims["s3_1_claim_t0"].value["chunk_id"] is None
    assert claims["s3_1_claim_t0"].value["due"] == 0


@pytest.mark.parametrize("name", sorted(KNOWN_RACES))
def test_known_races_hold_on_the_queue(name: str, scenario_server) -> None:
    result, problems = run_interleaving(scenario_server, KNOWN_RACES[name])
    assert problems == [], explain_interleaving(result, problems)
