"""How fast the queue property suite plays scenarios, how many faults it injects, and how
many known-bad mutants it catches -- in the CI profile's shape, in one run.

Measures
  scenarios/min     whole scenarios (create, 4-8 workers released at a barrier, faults,
                    drain, server state read, every property checked) played back to back
                    for --seconds on one throwaway server, from the CI profile's
                    derandomized strategy (random with --random)
  faults/run        faults actually injected per scenario (by kind, too)
  interleavings/min deterministic interleavings (isolation-tester mode) in the same way
  mutants           QUEUE_MUTANTS caught out of tried, and after how many runs

Usage:
    python bench/properties_rate.py [--seconds 60] [--min-workers 4] [--max-workers 8]
        [--no-restart] [--no-mutants] [--random]

Target (issue 6): >= 200 scenarios of 4-8 workers in 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "properties"))

from props_helpers import hunt, run_interleaving, tally  # noqa: E402

from pgdrift.harness.checker import check  # noqa: E402
from pgdrift.harness.interleave import programs  # noqa: E402
from pgdrift.harness.mutants import QUEUE_MUTANTS, apply_mutant  # noqa: E402
from pgdrift.harness.scenario import run_scenario, scenarios  # noqa: E402
from pgdrift.harness.scenario_db import ScenarioServer  # noqa: E402


class _Stop(Exception):
    pass


def _timed(strategy, seconds: float, body, derandomize: bool) -> tuple[int, float]:
    """Run ``body`` on examples of ``strategy`` until ``seconds`` pass."""
    count = [0]
    t0 = time.perf_counter()

    @settings(
        max_examples=100_000,
        derandomize=derandomize,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(x) -> None:
        if time.perf_counter() - t0 > seconds:
            raise _Stop
        body(x)
        count[0] += 1

    try:
        run()
    except _Stop:
        pass
    except Exception as exc:  # a property failure stops the bench: report it
        print(f"stopped by a failure: {str(exc)[:2000]}")
    return count[0], time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--min-workers", type=int, default=4)
    ap.add_argument("--max-workers", type=int, default=8)
    ap.add_argument("--no-restart", action="store_true", help="leave out the server-restart fault")
    ap.add_argument("--no-mutants", action="store_true")
    ap.add_argument("--interleave-seconds", type=float, default=20.0)
    ap.add_argument(
        "--random", action="store_true", help="random instead of the CI profile's fixed seed"
    )
    args = ap.parse_args(argv)

    stats: Counter[str] = Counter()
    violations = Counter()
    with ScenarioServer.start([ROOT / "sql"]) as ss:
        print(
            f"server: PostgreSQL {ss.server.version} ({ss.server.provider}), sql/ template {ss.template}"
        )

        def play(sc) -> None:
            result = run_scenario(sc, ss.fresh_db().dsn, restart=ss.restart)
            tally(stats, result)
            for v in check(result.history, result.state):
                violations[v.prop] += 1

        strategy = scenarios(args.min_workers, args.max_workers, restart=not args.no_restart)
        n, secs = _timed(strategy, args.seconds, play, not args.random)
        per_min = n / secs * 60
        print(
            f"\nscenarios: {n} in {secs:.1f} s = {per_min:.0f}/min "
            f"({args.min_workers}-{args.max_workers} workers, mean {stats['workers'] / max(n, 1):.1f}); "
            f"target >= 200 per 60 s: {'met' if per_min >= 200 else 'NOT met'}"
        )
        print(
            f"faults injected: {stats['faults']} = {stats['faults'] / max(n, 1):.2f} per run; "
            f"restarts {ss.restarts}"
        )
        kinds = sorted((k[6:], v) for k, v in stats.items() if k.startswith("fault:"))
        print("  by kind: " + ", ".join(f"{k} {v}" for k, v in kinds))
        print(
            f"operations: {stats['claim:ok']} claims ok, {stats['complete:ok']} completions ok "
            f"({stats['outcome:stale_lease'] + stats['outcome:lease_expired']} rejected late), "
            f"{stats['event:lease_expired']} leases reclaimed, {stats['claim:info'] + stats['complete:info'] + stats['commit:info']} "
            f"outcomes unknown (info), {stats['queue:recovered']} recovered, deadlocks {stats['queue:deadlocks']}"
        )
        print(f"violations on the real sql/: {sum(violations.values())} {dict(violations) or ''}")

        blocked = Counter()

        def play_interleaving(p) -> None:
            result, problems = run_interleaving(ss, p)
            blocked["blocked"] += len(result.blocked)
            for v in problems:
                violations[v.prop] += 1

        n, secs = _timed(programs(), args.interleave_seconds, play_interleaving, not args.random)
        print(
            f"\ninterleavings: {n} in {secs:.1f} s = {n / secs * 60:.0f}/min, {blocked['blocked']} blocked steps"
        )

        if not args.no_mutants:
            print(
                "\nmutants (15 scenarios, then the known-race corpus, then up to 120 interleavings):"
            )
            caught = 0
            t0 = time.perf_counter()
            with tempfile.TemporaryDirectory() as tmp:
                for m in QUEUE_MUTANTS:
                    apply_mutant(m, ROOT / "sql", Path(tmp) / m.name)
                    tpl = ss.with_sql([Path(tmp) / m.name])
                    result = "survived"
                    for mode, budget in (("scenario", 15), ("corpus", 0), ("interleave", 120)):
                        found, _, runs = hunt(ss, tpl, mode, budget)
                        if found:
                            props = sorted({v.prop for v in found} & m.expect) or sorted(
                                {v.prop for v in found}
                            )
                            result = f"caught after {runs} {mode} runs by {', '.join(props)}"
                            caught += 1
                            break
                    print(f"  {m.name:<36} {result}")
            print(
                f"mutants caught: {caught} / {len(QUEUE_MUTANTS)} in {time.perf_counter() - t0:.1f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
