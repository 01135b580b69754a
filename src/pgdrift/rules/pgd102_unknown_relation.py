"""PGD102 unknown-relation."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class UnknownRelation(Rule, code="PGD102", name="unknown-relation"):
    """## What it does
    Reports a table, view or CTE name that the schema does not define (taking the
    search_path and the schema qualification into account), and a qualified reference
    `x.col` whose `x` names no table, alias or variable of the statement ("missing
    FROM-clause entry").

    ## Why is this bad?
    The statement fails with `relation "…" does not exist` the first time it runs.

    ## Example
    ```sql
    SELECT id FROM chunk_sync_jobs;
    ```

    ## Use instead
    ```sql
    SELECT id FROM chunked_sync_jobs;
    ```
    """
