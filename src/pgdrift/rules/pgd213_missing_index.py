"""PGD213 missing-index."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class MissingIndex(Rule, code="PGD213", name="missing-index"):
    """## What it does
    Reports an index (other than those backing constraints) that the snapshot (`expected_schema/`) defines but the live database does not have.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Code written against the snapshot fails at run time in that database; a deploy step was skipped or something was dropped by hand.

    ## Example
    ```sql
    -- expected_schema has it:
    CREATE INDEX jobs_status_idx ON public.jobs USING btree (status);
    -- the database does not
    ```

    ## Use instead
    CREATE INDEX jobs_status_idx ON public.jobs USING btree (status);
    """
