"""PGD227 changed-type."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedType(Rule, code="PGD227", name="changed-type"):
    """## What it does
    Reports a domain whose base type, NOT NULL, default or CHECK constraints differ.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Values accepted by the snapshot's domain are rejected (or the reverse).

    ## Example
    ```sql
    -- snapshot: CREATE DOMAIN email AS text CHECK (VALUE ~ '@')
    -- database: CREATE DOMAIN email AS text
    ```

    ## Use instead
    Re-create the domain's constraints from the snapshot.
    """
