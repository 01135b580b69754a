"""The incident end to end through the command line: `pgdrift check --format json`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgdrift.cli import cli

INCIDENT = Path(__file__).resolve().parent.parent / "cases" / "incident"


def _run(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[dict]]:
    folder = tmp_path / "sql"
    folder.mkdir()
    shutil.copy(INCIDENT / name, folder / "020_queue_functions.sql")
    monkeypatch.chdir(tmp_path)  # no pyproject.toml above: default settings
    result = CliRunner().invoke(cli, ["check", "sql", "--format", "json", "--no-cache"])
    return result.exit_code, json.loads(result.stdout)


def test_the_four_wrong_references_of_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, findings = _run(tmp_path, "report_broken.sql", monkeypatch)
    assert code == 1
    got = [(f["code"], f["location"]["row"], f["location"]["column"], f["help"]) for f in findings]
    assert got == [
        ("PGD103", 39, 24, 'did you mean "chunk_index"?'),
        ("PGD103", 40, 29, 'did you mean "estimated_emails"?'),
        ("PGD101", 57, 12, 'did you mean "processing_time_ms"?'),
        ("PGD101", 58, 12, 'did you mean "error_message"?'),
    ]
    assert all(f["filename"].endswith("020_queue_functions.sql") for f in findings)
    assert "claim_next_chunk_job_safe(text)" in findings[0]["context"]


def test_the_corrected_functions_are_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, findings = _run(tmp_path, "report_fixed.sql", monkeypatch)
    assert (code, findings) == (0, [])
