"""PGD203 changed-relation."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedRelation(Rule, code="PGD203", name="changed-relation"):
    """## What it does
    Reports a relation whose kind (table, view, …), inheritance parent, partition bound or partitioning differs.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Queries and DDL written for one kind of relation behave differently on another.

    ## Example
    ```sql
    -- snapshot: a partition of events
    -- database: a detached table
    ```

    ## Use instead
    Restore the relation as the snapshot describes it, or refresh the snapshot.
    """
