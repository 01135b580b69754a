"""PGD107 disallowed-literal."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class DisallowedLiteral(Rule, code="PGD107", name="disallowed-literal"):
    """## What it does
    Reports a string literal compared with (`=`, `<>`, `IN`) or assigned to (`SET col =`,
    `INSERT … VALUES`) a column whose `CHECK (col IN (…))` constraint or enum type does not
    allow that value.

    ## Why is this bad?
    A comparison with a value the column can never hold is silently always false (the job
    stays "stuck"); an assignment fails with a check-constraint or enum error at run time.

    ## Example
    ```sql
    UPDATE chunked_sync_jobs SET status = 'complete' WHERE id = p_id;
    ```

    ## Use instead
    ```sql
    UPDATE chunked_sync_jobs SET status = 'completed' WHERE id = p_id;
    ```
    """
