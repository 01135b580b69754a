"""PGD218 changed-function-signature."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class ChangedFunctionSignature(Rule, code="PGD218", name="changed-function-signature"):
    """## What it does
    Reports a function or procedure whose return type, parameters (names, modes, defaults), language, volatility or security differs; also a function whose only overload now takes other argument types.

    Reported by `pgdrift diff`, which compares `expected_schema/` with a live database
    structurally (after canonical printing), never as text files.

    ## Why is this bad?
    Callers written against the snapshot's signature fail, or get a different result shape.

    ## Example
    ```sql
    -- snapshot: claim_job(p_kind text) RETURNS SETOF jobs
    -- database: claim_job(p_kind text) RETURNS jsonb
    ```

    ## Use instead
    Deploy the snapshot's version, or refresh the snapshot.
    """
