"""PGD228 missing-sequence."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class MissingSequence(Rule, code="PGD228", name="missing-sequence"):
    """## What it does
    Reports a sequence not owned by an identity column that the snapshot (`expected_schema/`) defines but the live database does not have.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Code written against the snapshot fails at run time in that database; a deploy step was skipped or something was dropped by hand.

    ## Example
    ```sql
    -- expected_schema has it:
    CREATE SEQUENCE ticket_seq;
    -- the database does not
    ```

    ## Use instead
    CREATE SEQUENCE ticket_seq;
    """
