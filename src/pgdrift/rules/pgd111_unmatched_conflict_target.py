"""PGD111 unmatched-conflict-target."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class UnmatchedConflictTarget(Rule, code="PGD111", name="unmatched-conflict-target"):
    """## What it does
    Reports an `INSERT … ON CONFLICT (columns)` whose column list matches no primary key,
    unique constraint or unique index of the table, and an `ON CONFLICT ON CONSTRAINT name`
    naming a constraint the table does not have.

    ## Why is this bad?
    Postgres needs an arbiter index to detect the conflict: the statement fails with
    `there is no unique or exclusion constraint matching the ON CONFLICT specification`
    (or `constraint "…" for table "…" does not exist`) — for an upsert inside a function,
    the first time it runs. A unique key changed by a later migration breaks it silently.

    ## Example
    ```sql
    -- the table's unique key is (job_id, chunk_index)
    INSERT INTO chunks (job_id, chunk_index, status) VALUES (p_job, p_idx, 'pending')
    ON CONFLICT (chunk_index) DO NOTHING;
    ```

    ## Use instead
    ```sql
    INSERT INTO chunks (job_id, chunk_index, status) VALUES (p_job, p_idx, 'pending')
    ON CONFLICT (job_id, chunk_index) DO NOTHING;
    ```
    """
