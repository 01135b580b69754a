"""PGD224 changed-enum-values."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedEnumValues(Rule, code="PGD224", name="changed-enum-values"):
    """## What it does
    Reports an enum type whose values (or their order) differ.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Inserting a value the database does not know fails at run time; comparisons on order change.

    ## Example
    ```sql
    -- snapshot: ('queued', 'running', 'done')
    -- database: ('queued', 'done')
    ```

    ## Use instead
    ALTER TYPE job_status ADD VALUE 'running' AFTER 'queued';
    """
