"""PGD109 column-count-mismatch."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ColumnCountMismatch(Rule, code="PGD109", name="column-count-mismatch"):
    """## What it does
    Reports lists that must line up but do not: an `INSERT` whose target columns and
    values (or `SELECT` outputs) differ in number, `UPDATE … SET (a, b) = (…)` with another
    number of values, `UNION`/`INTERSECT`/`EXCEPT` branches of different widths, `VALUES`
    rows of different lengths, and a column alias list (`AS t(a, b, c)`, `WITH q(a, b)`)
    longer than what the table, subquery or CTE provides.

    ## Why is this bad?
    Postgres rejects the statement (`INSERT has more target columns than expressions`,
    `each UNION query must have the same number of columns`, …) — inside a PL/pgSQL body,
    only when the statement first runs. A column added to one list and forgotten in the
    other is a typical migration slip.

    ## Example
    ```sql
    INSERT INTO chunked_sync_jobs (job_id, chunk_index, status) VALUES (p_job, 0);
    ```

    ## Use instead
    ```sql
    INSERT INTO chunked_sync_jobs (job_id, chunk_index, status) VALUES (p_job, 0, 'pending');
    ```
    """
