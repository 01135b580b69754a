"""PGD206 renamed-column."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class RenamedColumn(Rule, code="PGD206", name="renamed-column"):
    """## What it does
    Reports a column of the snapshot that is missing from the database while a column of the same type sits at the same position under another name: a rename, reported once.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Code written against the snapshot still uses the old name and fails at run time with `column ... does not exist`.

    ## Example
    ```sql
    -- snapshot: jobs(id, chunk_number)
    -- database: jobs(id, chunk_index)
    ```

    ## Use instead
    Rename it back, or refresh the snapshot and fix the code that uses the old name.
    """
