"""``pgdrift check --dsn URL --deployed`` and ``check --dsn`` against a real Postgres."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from tests.live.conftest import run_sql

from pgdrift.cli import cli


def _check(*args: str) -> Any:
    return CliRunner().invoke(cli, ["check", "--no-cache", "--format", "json", *args])


def test_deployed_clean_then_broken_function_found(varied_db: Any) -> None:
    clean = _check("--dsn", varied_db.dsn, "--deployed")
    # No resolution finding on the unchanged database. (pglast's parse_plpgsql rejects
    # `app.jobs%ROWTYPE` outside public/pg_catalog: a PGD001 of the PL/pgSQL layer, not
    # of the live catalog, so only resolution codes are asserted here.)
    assert clean.exit_code in (0, 1), clean.output
    assert [f for f in json.loads(clean.stdout) if f["code"].startswith("PGD1")] == []
    run_sql(
        varied_db,
        """
        ALTER TABLE app.accounts DROP COLUMN tags;
        CREATE OR REPLACE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE app.accounts SET tags = '{}' WHERE id = NEW.account_id;
            RETURN NEW;
        END
        $$;
        """,
    )
    broken = _check("--dsn", varied_db.dsn, "--deployed")
    assert broken.exit_code == 1, broken.output
    findings = [f for f in json.loads(broken.stdout) if f["code"].startswith("PGD1")]
    assert [f["code"] for f in findings] == ["PGD101"], findings
    assert "tags" in findings[0]["message"]
    assert findings[0]["filename"].endswith("app/functions/touch.sql")
    # pg_get_functiondef: CREATE, RETURNS, LANGUAGE, AS $function$, BEGIN, then the UPDATE
    assert findings[0]["location"]["row"] == 6


def test_files_checked_against_the_live_schema(varied_db: Any, tmp_path: Path) -> None:
    sql = tmp_path / "q.sql"
    sql.write_text(
        "SELECT id, status, no_such_column FROM app.jobs;\n"
        'SELECT "EventId" FROM "Mixed Case"."Events";\n'
    )
    result = _check("--dsn", varied_db.dsn, str(sql))
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)
    assert [(f["code"], f["location"]["row"]) for f in findings] == [("PGD101", 1)]
