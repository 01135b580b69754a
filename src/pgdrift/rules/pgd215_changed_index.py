"""PGD215 changed-index."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedIndex(Rule, code="PGD215", name="changed-index"):
    """## What it does
    Reports an index of the same name whose definition differs.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Query plans and uniqueness guarantees differ from what was reviewed.

    ## Example
    ```sql
    -- snapshot: CREATE INDEX i ON t (a, b)
    -- database: CREATE INDEX i ON t (a)
    ```

    ## Use instead
    Re-create the index from the snapshot.
    """
