"""The repository gates itself: sql/ checks clean against its own expected_schema/, and a
server built from sql/ shows no drift against expected_schema/ (regenerate it with
``python scripts/update_expected_schema.py`` after changing sql/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _pgdrift(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pgdrift", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_repository_sql_checks_clean_with_its_configuration() -> None:
    proc = _pgdrift("check", "--no-cache", "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == []


def test_server_built_from_sql_has_no_drift_against_expected_schema(pgdrift_db: Any) -> None:
    proc = _pgdrift("diff", "--dsn", pgdrift_db.dsn, "expected_schema")
    assert proc.returncode == 0, proc.stdout + proc.stderr
