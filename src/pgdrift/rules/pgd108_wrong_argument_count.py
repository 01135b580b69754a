"""PGD108 wrong-argument-count."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class WrongArgumentCount(Rule, code="PGD108", name="wrong-argument-count"):
    """## What it does
    Reports a call of a known function (built-in or defined in the schema) with a number
    of arguments that none of its overloads accepts (defaults and VARIADIC considered).

    ## Why is this bad?
    Postgres resolves functions by name *and* arguments: the call fails with
    `function …(…) does not exist` when the statement runs.

    ## Example
    ```sql
    SELECT complete_chunk_job_safe(p_id, p_ms);  -- defined with three parameters
    ```

    ## Use instead
    ```sql
    SELECT complete_chunk_job_safe(p_id, p_ms, NULL);
    ```
    """
