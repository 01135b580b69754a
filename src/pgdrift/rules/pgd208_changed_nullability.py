"""PGD208 changed-nullability."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedNullability(Rule, code="PGD208", name="changed-nullability"):
    """## What it does
    Reports a column that is NOT NULL on one side and nullable on the other.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Inserts that omit the column start failing, or NULLs the code does not expect appear.

    ## Example
    ```sql
    -- snapshot: email text NOT NULL
    -- database: email text
    ```

    ## Use instead
    ALTER TABLE t ALTER COLUMN email SET NOT NULL;
    """
