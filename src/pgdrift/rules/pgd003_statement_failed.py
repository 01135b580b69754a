"""PGD003 statement-failed."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class StatementFailed(Rule, code="PGD003", name="statement-failed"):
    """## What it does
    Reported by `pgdrift verify` when Postgres refuses a statement of a file while loading
    the files, in order, into a throwaway server — for a reason no more specific rule
    covers (a duplicate object, a missing type, a constraint violated by inserted rows…).
    The message is Postgres's own; the position is the failing statement's (or the exact
    spot Postgres points at).

    ## Why is this bad?
    The same files fail the same way when they are deployed: a migration stops half-way, a
    function or view is missing, and everything after it runs against a different schema
    than intended.

    ## Example
    ```sql
    CREATE TABLE jobs (id int PRIMARY KEY);
    CREATE TABLE jobs (id int PRIMARY KEY, status text);  -- relation "jobs" already exists
    ```

    ## Use instead
    ```sql
    CREATE TABLE jobs (id int PRIMARY KEY);
    ALTER TABLE jobs ADD COLUMN status text;
    ```
    """
