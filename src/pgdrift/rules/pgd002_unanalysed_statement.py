"""PGD002 unanalysed-statement."""

from __future__ import annotations

from pgdrift.diagnostic import Severity
from pgdrift.rules.base import Rule


class UnanalysedStatement(
    Rule, code="PGD002", name="unanalysed-statement", severity=Severity.WARNING
):
    """## What it does
    Reports an embedded statement (in a function body, a view or at file level) that
    Postgres accepts but pgdrift could not analyse — sqlglot could not parse it, or parsed it
    into an opaque command. The statement is counted in the summary as unanalysed.

    ## Why is this bad?
    Nothing in it was checked: a wrong column or table name there goes unnoticed. The
    diagnostic makes the gap visible instead of silently passing the statement.

    ## Example
    ```sql
    CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IMPORT FOREIGN SCHEMA remote FROM SERVER s INTO local;  -- not analysed
    END $$;
    ```

    ## Use instead
    Nothing to change in the SQL if it is right; suppress with
    `-- pgdrift: ignore[PGD002]` once reviewed, or check it with `pgdrift verify`, which has
    Postgres itself analyse every statement.
    """
