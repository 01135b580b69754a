"""PGD226 unexpected-type."""

from __future__ import annotations

from pgdrift.diagnostic import Severity
from pgdrift.rules.base import Rule


class UnexpectedType(Rule, code="PGD226", name="unexpected-type", severity=Severity.WARNING):
    """## What it does
    Reports an enum or domain type that exists in the live database but not in the snapshot (`expected_schema/`).

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    The snapshot no longer describes the database: the object was created by hand or by a migration whose snapshot was not refreshed, so checks against the snapshot miss it.

    ## Example
    ```sql
    -- the database has it, expected_schema does not:
    CREATE TYPE job_status AS ENUM ('queued', 'done');
    ```

    ## Use instead
    Add it to the migrations and refresh the snapshot with `pgdrift snapshot`, drop it, or ignore it with `drift_ignore` in [tool.pgdrift].
    """
