"""PGD104 unknown-function."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class UnknownFunction(Rule, code="PGD104", name="unknown-function"):
    """## What it does
    Reports a call of a function that is neither a Postgres built-in nor defined in the
    schema (taking the search_path and the schema qualification into account), including
    other dialects' functions (`ifnull`, `nvl`, `len`, `group_concat`, …) with the Postgres
    way to write them, and extension functions whose `CREATE EXTENSION` is missing. A call
    pgdrift cannot judge (a schema it has not seen, any name while extensions are
    installed) is not reported.

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
