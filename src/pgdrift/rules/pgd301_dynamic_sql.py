"""PGD301 dynamic-sql."""

from __future__ import annotations

from pgdrift.diagnostic import Severity
from pgdrift.rules.base import Rule


class DynamicSql(Rule, code="PGD301", name="dynamic-sql", severity=Severity.INFO):
    """## What it does
    Notes an `EXECUTE` (also `RETURN QUERY EXECUTE`, `FOR … IN EXECUTE`,
    `OPEN … FOR EXECUTE`) whose SQL text is built at run time. Its table and column
    references cannot be checked statically. `EXECUTE` of a constant string is checked like
    any other statement and is not reported.

    ## Why is this bad?
    It is not wrong in itself, but a misspelt column in dynamic SQL is only found when the
    statement runs; this info diagnostic says which statements pgdrift did not check.

    ## Example
    ```sql
    EXECUTE format('UPDATE %I SET done = true WHERE id = $1', p_table) USING p_id;
    ```

    ## Use instead
    Prefer static SQL when the table is fixed:
    ```sql
    UPDATE jobs SET done = true WHERE id = p_id;
    ```
    """
