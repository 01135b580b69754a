"""Rebuild expected_schema/ from sql/: load sql/ into a throwaway server, snapshot it.

Run after changing sql/:  python scripts/update_expected_schema.py
The test tests/test_repo_gate.py fails while expected_schema/ and sql/ disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from pgdrift.cli import cli
from pgdrift.harness.databases import Databases
from pgdrift.harness.providers import start_first

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    server, _ = start_first()
    dbs = Databases(server)
    try:
        files = sorted((ROOT / "sql").glob("*.sql"))
        db = dbs.create(dbs.template(files, display_root=ROOT))
        result = CliRunner().invoke(
            cli, ["snapshot", "--dsn", db.dsn, "-o", str(ROOT / "expected_schema"), "--force"]
        )
        sys.stdout.write(result.output)
        db.drop()
        return result.exit_code
    finally:
        dbs.close()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
