"""PGD110 unknown-type."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class UnknownType(Rule, code="PGD110", name="unknown-type"):
    """## What it does
    Reports a type name in a statement — a cast (`x::job_state`, `CAST(x AS …)`), a column
    definition list (`AS r(a int, b mood)`) or a `CREATE TEMP TABLE` column — that is
    neither a Postgres built-in nor an enum, domain, composite type or table of the schema.

    ## Why is this bad?
    The statement fails with `type "…" does not exist` when it runs; in a PL/pgSQL body
    that is only at run time, on the code path that reaches it.

    ## Example
    ```sql
    UPDATE jobs SET state = 'done'::job_stat WHERE id = p_id;
    ```

    ## Use instead
    ```sql
    UPDATE jobs SET state = 'done'::job_state WHERE id = p_id;
    ```
    """
