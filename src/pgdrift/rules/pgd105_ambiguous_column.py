"""PGD105 ambiguous-column."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class AmbiguousColumn(Rule, code="PGD105", name="ambiguous-column"):
    """## What it does
    Reports an unqualified column name that two or more relations of the same `FROM`
    clause provide (and that no `USING`/`NATURAL` join merges), a `USING`/`NATURAL` column
    that the left side of the join holds twice, and a table name (alias) given twice in one
    `FROM` clause.

    ## Why is this bad?
    Postgres raises `column reference "…" is ambiguous`; a column added to a joined table
    later can break a query that used to work.

    ## Example
    ```sql
    SELECT id FROM jobs j JOIN chunks c ON c.job_id = j.id;
    ```

    ## Use instead
    ```sql
    SELECT j.id FROM jobs j JOIN chunks c ON c.job_id = j.id;
    ```
    """
