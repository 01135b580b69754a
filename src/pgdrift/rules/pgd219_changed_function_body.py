"""PGD219 changed-function-body."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedFunctionBody(Rule, code="PGD219", name="changed-function-body"):
    """## What it does
    Reports a function or procedure whose body differs between the snapshot and the database (compared after trimming trailing blanks).

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    The deployed code is not the reviewed code: a hotfix, a failed deploy, or drift. `pgdrift check --dsn URL --deployed` checks what the deployed body references.

    ## Example
    ```sql
    -- snapshot: UPDATE jobs SET processing_time_ms = ...
    -- database: UPDATE jobs SET actual_duration_ms = ...
    ```

    ## Use instead
    Deploy the snapshot's version, or refresh the snapshot.
    """
