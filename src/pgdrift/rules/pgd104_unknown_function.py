"""PGD104 unknown-function."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class UnknownFunction(Rule, code="PGD104", name="unknown-function"):
    """## What it does
    Reports a call of a function that is neither a Postgres built-in nor defined in the
    schema (taking the search_path and the schema qualification into account).

    ## Why is this bad?
    The statement fails with `function …(…) does not exist` when it runs.

    ## Example
    ```sql
    SELECT jsonb_build_objekt('id', id) FROM jobs;
    ```

    ## Use instead
    ```sql
    SELECT jsonb_build_object('id', id) FROM jobs;
    ```
    """
