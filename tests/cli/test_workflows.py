"""The CI workflow, the Action and the README call pgdrift with options that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from pgdrift.cli import cli

REPO = Path(__file__).parents[2]


def _pgdrift_commands(text: str) -> list[list[str]]:
    out = []
    for line in text.splitlines():
        line = line.split(" # ")[0].strip()
        if not line.startswith("pgdrift ") or ("${" in line and "[@]" in line):
            continue
        line = re.sub(r'"\$[A-Z_]+"|\$\{\{[^}]*\}\}|\$[A-Z_]+', "VALUE", line)
        out.append(shlex.split(line)[1:])
    return out


def _parses(args: list[str]) -> None:
    command = cli.commands[args[0]] if isinstance(cli, click.Group) else None
    assert command is not None, f"no command {args[0]!r}"
    command.make_context(args[0], list(args[1:]))


def test_ci_workflow_shape() -> None:
    wf = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    jobs = wf["jobs"]
    assert {"lint", "test", "check", "action", "drift"} <= set(jobs)
    assert len(jobs["test"]["strategy"]["matrix"]["postgres"]) >= 3
    runs = "\n".join(s.get("run", "") for j in jobs.values() for s in j["steps"])
    assert "ruff check" in runs and "mypy" in runs and "pytest" in runs
    uses = [s.get("uses", "") for s in jobs["check"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif") for u in uses)
    assert "./" in [s.get("uses", "") for s in jobs["action"]["steps"]]
    check_runs = [s.get("run", "") for s in jobs["check"]["steps"]]
    assert "pgdrift check --format github" in check_runs
    assert jobs["check"]["permissions"]["security-events"] == "write"
    for args in _pgdrift_commands(runs):
        _parses(args)
    assert any(args[0] == "diff" for args in _pgdrift_commands(runs))


def test_readme_commands_parse() -> None:
    text = (REPO / "README.md").read_text()
    commands = _pgdrift_commands(text)
    assert len(commands) >= 8
    for args in commands:
        _parses(args)


@pytest.mark.parametrize("entry_file", [".pre-commit-hooks.yaml"])
def test_hook_entries_parse(entry_file: str) -> None:
    for hook in yaml.safe_load((REPO / entry_file).read_text()):
        _parses(shlex.split(hook["entry"])[1:] + hook.get("args", []))
