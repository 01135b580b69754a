"""PGD106 variable-conflict."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class VariableConflict(Rule, code="PGD106", name="variable-conflict"):
    """## What it does
    Reports an unqualified name in a PL/pgSQL query that is both a column of the
    statement's relations and a PL/pgSQL variable or parameter (including OUT parameters
    and `RETURNS TABLE` columns).

    ## Why is this bad?
    Under the default `plpgsql.variable_conflict = error`, Postgres raises
    `column reference "…" is ambiguous` when the statement runs. A classic case is
    `RETURNS TABLE (id bigint)` with `ON CONFLICT (id)` or `SELECT id FROM …` in the body.

    ## Example
    ```sql
    CREATE FUNCTION claim(status text) RETURNS SETOF jobs LANGUAGE plpgsql AS $$
    BEGIN
      RETURN QUERY SELECT * FROM jobs WHERE jobs.status = status;
    END $$;
    ```

    ## Use instead
    ```sql
    CREATE FUNCTION claim(p_status text) RETURNS SETOF jobs LANGUAGE plpgsql AS $$
    BEGIN
      RETURN QUERY SELECT * FROM jobs WHERE jobs.status = p_status;
    END $$;
    ```
    """
