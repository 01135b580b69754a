"""PGD216 missing-function."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class MissingFunction(Rule, code="PGD216", name="missing-function"):
    """## What it does
    Reports a function or procedure, identified by its input argument types that the snapshot (`expected_schema/`) defines but the live database does not have.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Code written against the snapshot fails at run time in that database; a deploy step was skipped or something was dropped by hand.

    ## Example
    ```sql
    -- expected_schema has it:
    CREATE FUNCTION claim_job(text) ...
    -- the database does not
    ```

    ## Use instead
    deploy the function from the snapshot, or refresh the snapshot with `pgdrift snapshot`
    """
