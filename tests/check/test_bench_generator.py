"""The benchmark's generated functions are checked correctly: every planted wrong
reference is found, nothing else (no timing here: figures live in bench/)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from pgdrift.check import check_paths
from pgdrift.config import Config

BENCH = Path(__file__).resolve().parents[2] / "bench" / "check_speed.py"


def test_generated_functions_give_exactly_the_planted_findings(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("check_speed", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    _files, mistakes = bench.generate(tmp_path / "gen", 80)
    result = check_paths([str(tmp_path / "gen")], Config(root=tmp_path, cache=False, jobs=1))
    assert result.stats.functions == 80
    assert mistakes == 4
    assert sorted(d.code for d in result.diagnostics) == ["PGD101", "PGD101", "PGD103", "PGD103"]
