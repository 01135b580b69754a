"""PGD230 missing-extension."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class MissingExtension(Rule, code="PGD230", name="missing-extension"):
    """## What it does
    Reports an installed extension that the snapshot (`expected_schema/`) defines but the live database does not have.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Code written against the snapshot fails at run time in that database; a deploy step was skipped or something was dropped by hand.

    ## Example
    ```sql
    -- expected_schema has it:
    CREATE EXTENSION pgcrypto;
    -- the database does not
    ```

    ## Use instead
    CREATE EXTENSION pgcrypto;
    """
