"""PGD209 changed-default."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedDefault(Rule, code="PGD209", name="changed-default"):
    """## What it does
    Reports a column whose default, identity, generation expression or collation differs.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Rows inserted without the column get other values than the code expects.

    ## Example
    ```sql
    -- snapshot: status text DEFAULT 'queued'
    -- database: status text
    ```

    ## Use instead
    ALTER TABLE t ALTER COLUMN status SET DEFAULT 'queued';
    """
