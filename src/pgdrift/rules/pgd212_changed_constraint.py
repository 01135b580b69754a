"""PGD212 changed-constraint."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedConstraint(Rule, code="PGD212", name="changed-constraint"):
    """## What it does
    Reports a constraint of the same name whose definition differs.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    The database accepts (or rejects) rows the code and the snapshot do not expect.

    ## Example
    ```sql
    -- snapshot: CHECK (status IN ('queued', 'done'))
    -- database: CHECK (status IN ('queued'))
    ```

    ## Use instead
    Drop and re-create the constraint from the snapshot.
    """
