"""PGD001 syntax-error."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class InvalidSyntax(Rule, code="PGD001", name="syntax-error"):
    """## What it does
    Reports a statement, or a PL/pgSQL body, that Postgres's own grammar (libpg_query, via
    pglast) rejects, at the location of the offending token. The rest of the file and the
    other files are still checked.

    ## Why is this bad?
    The statement fails when the file is applied: the migration stops there and every object
    after it is missing. A PL/pgSQL body that does not compile is rejected by
    `CREATE FUNCTION` (or, with `check_function_bodies = off`, fails on first call).

    ## Example
    ```sql
    SELEC id FROM jobs;
    ```

    ## Use instead
    ```sql
    SELECT id FROM jobs;
    ```
    """
