"""The installed ``pgdrift`` run as a user runs it: the console script in a subprocess, the
composite Action's shell step, and the pre-commit hooks' entries."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import FIXED_SQL, make_project

REPO = Path(__file__).parents[2]
BIN = Path(sys.executable).parent


def _pgdrift() -> str:
    exe = shutil.which("pgdrift", path=str(BIN)) or shutil.which("pgdrift")
    assert exe, "the pgdrift console script is not installed"
    return exe


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PGDRIFT_DEBUG", None)
    env.update(extra)
    return env


def test_console_script(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    proc = subprocess.run(
        [_pgdrift(), "check"], cwd=root, capture_output=True, text=True, env=_env(), timeout=120
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.count("error[PGD") == 4 and proc.stderr == ""


def _action_script() -> tuple[str, dict]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"paths", "schema", "dsn", "format", "baseline"}
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    return step["run"], action["inputs"]


def _run_action(
    root: Path, tmp_path: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess, str]:
    script, declared = _action_script()
    output_file = tmp_path / "github_output"
    output_file.write_text("")
    env = _env(GITHUB_OUTPUT=str(output_file))
    for name, spec in declared.items():
        value = inputs.get(name.replace("-", "_"), spec.get("default", ""))
        env[f"INPUT_{name.upper().replace('-', '_')}"] = str(value)
    proc = subprocess.run(
        ["bash", "-c", script], cwd=root, capture_output=True, text=True, env=env, timeout=120
    )
    return proc, output_file.read_text()


def test_action_annotates_and_fails_on_findings(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    proc, outputs = _run_action(root, tmp_path, paths="sql", sarif_file="pgdrift.sarif")
    assert proc.returncode == 1, proc.stderr
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 4
    assert "exit-code=1" in outputs
    sarif = json.loads((root / "pgdrift.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 4


def test_action_with_baseline_passes_then_clean_project_passes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    subprocess.run(
        [_pgdrift(), "check", "--write-baseline", "base.json"],
        cwd=root,
        env=_env(),
        check=True,
        capture_output=True,
    )
    proc, outputs = _run_action(root, tmp_path, baseline="base.json", args="--fail-on error")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "exit-code=0" in outputs
    (root / "sql" / "020_functions.sql").write_text(FIXED_SQL)
    proc, _ = _run_action(root, tmp_path, format="text")
    assert proc.returncode == 0 and "; 0 findings" in proc.stdout


@pytest.mark.parametrize("hook_id", ["pgdrift", "pgdrift-files"])
def test_pre_commit_hooks(tmp_path: Path, hook_id: str) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks[hook_id]
    assert hook["language"] == "python" and "sql" in hook["types"]
    root = make_project(tmp_path / "proj")
    # pre-commit runs `entry args… filenames…` (no filenames when pass_filenames is false)
    files = ["sql/001_schema.sql", "sql/020_functions.sql"]
    argv = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    if hook.get("pass_filenames", True):
        argv += files
    argv[0] = shutil.which(argv[0], path=str(BIN)) or argv[0]
    proc = subprocess.run(argv, cwd=root, capture_output=True, text=True, env=_env(), timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.count("error[PGD") == 4
