"""PGD201 missing-relation."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class MissingRelation(Rule, code="PGD201", name="missing-relation"):
    """## What it does
    Reports a table, view, materialized view or composite type that the snapshot (`expected_schema/`) defines but the live database does not have.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Code written against the snapshot fails at run time in that database; a deploy step was skipped or something was dropped by hand.

    ## Example
    ```sql
    -- expected_schema has it:
    CREATE TABLE public.jobs (id integer);
    -- the database does not
    ```

    ## Use instead
    ALTER TABLE public.jobs_old RENAME TO jobs;
    """
