"""PGD210 missing-constraint."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class MissingConstraint(Rule, code="PGD210", name="missing-constraint"):
    """## What it does
    Reports a PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY or EXCLUDE constraint that the snapshot (`expected_schema/`) defines but the live database does not have.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Code written against the snapshot fails at run time in that database; a deploy step was skipped or something was dropped by hand.

    ## Example
    ```sql
    -- expected_schema has it:
    CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'done'))
    -- the database does not
    ```

    ## Use instead
    ALTER TABLE jobs ADD CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'done'));
    """
