"""PGD220 changed-view."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedView(Rule, code="PGD220", name="changed-view"):
    """## What it does
    Reports a view or materialized view whose definition (as `pg_get_viewdef` prints it) differs.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Code reading the view gets other rows or columns than reviewed.

    ## Example
    ```sql
    -- snapshot: SELECT id, status FROM jobs WHERE status <> 'done'
    -- database: SELECT id FROM jobs
    ```

    ## Use instead
    CREATE OR REPLACE VIEW ... from the snapshot.
    """
