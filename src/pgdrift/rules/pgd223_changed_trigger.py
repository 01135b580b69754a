"""PGD223 changed-trigger."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedTrigger(Rule, code="PGD223", name="changed-trigger"):
    """## What it does
    Reports a trigger whose timing, events, function, level or WHEN condition differs.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Rows are changed (or not) by code at other times than reviewed.

    ## Example
    ```sql
    -- snapshot: BEFORE INSERT OR UPDATE
    -- database: BEFORE INSERT
    ```

    ## Use instead
    Re-create the trigger from the snapshot.
    """
