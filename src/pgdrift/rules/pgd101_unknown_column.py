"""PGD101 unknown-column."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class UnknownColumn(Rule, code="PGD101", name="unknown-column"):
    """## What it does
    Reports a column reference that no relation of the statement provides: in a select
    list, a condition, an `UPDATE … SET` target, an `INSERT` column list, an `ON CONFLICT`
    key or a `RETURNING` list.

    ## Why is this bad?
    `CREATE FUNCTION` accepts a PL/pgSQL body without looking at its queries; Postgres only
    raises `column "…" does not exist` when the statement runs, in production.

    ## Example
    ```sql
    UPDATE chunked_sync_jobs SET actual_duration_ms = p_ms WHERE id = p_id;
    ```

    ## Use instead
    ```sql
    UPDATE chunked_sync_jobs SET processing_time_ms = p_ms WHERE id = p_id;
    ```
    """
