"""PGD207 changed-column-type."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedColumnType(Rule, code="PGD207", name="changed-column-type"):
    """## What it does
    Reports a column whose type (as `format_type` prints it) differs between the snapshot and the database.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Casts, comparisons, function overload choice and client code depend on the type; a silently widened or narrowed column breaks them.

    ## Example
    ```sql
    -- snapshot: amount numeric(12,2)
    -- database: amount integer
    ```

    ## Use instead
    ALTER TABLE t ALTER COLUMN amount TYPE numeric(12,2);
    """
