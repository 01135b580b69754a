"""PGD901 unused-suppression."""

from __future__ import annotations

from pgdrift.diagnostic import Severity
from pgdrift.rules.base import Rule


class UnusedSuppression(Rule, code="PGD901", name="unused-suppression", severity=Severity.WARNING):
    """## What it does
    Reports a `-- pgdrift: ignore[CODE]` (or `ignore-file[CODE]`) comment that suppresses
    nothing: no finding with that code is reported on its line (or in its file).

    ## Why is this bad?
    A suppression outlives the problem it silenced: once the reference is fixed, the comment
    stays and would hide the next, unrelated finding of the same code on that line. Stale
    suppressions also make the code look more broken than it is.

    ## Example
    ```sql
    UPDATE jobs SET processing_time_ms = p_ms  -- pgdrift: ignore[PGD101]
     WHERE id = p_id;
    ```

    ## Use instead
    ```sql
    UPDATE jobs SET processing_time_ms = p_ms
     WHERE id = p_id;
    ```
    """
