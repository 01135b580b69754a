"""PGD204 missing-column."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class MissingColumn(Rule, code="PGD204", name="missing-column"):
    """## What it does
    Reports a column of a table, view or composite type that the snapshot (`expected_schema/`) defines but the live database does not have.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Code written against the snapshot fails at run time in that database; a deploy step was skipped or something was dropped by hand.

    ## Example
    ```sql
    -- expected_schema has it:
    -- snapshot: jobs(id, chunk_index)
    -- database: jobs(id)
    -- the database does not
    ```

    ## Use instead
    ALTER TABLE jobs ADD COLUMN chunk_index integer;
    """
