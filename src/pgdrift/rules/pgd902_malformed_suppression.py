"""PGD902 malformed-suppression."""

from __future__ import annotations

from pgdrift.diagnostic import Severity
from pgdrift.rules.base import Rule


class MalformedSuppression(
    Rule, code="PGD902", name="malformed-suppression", severity=Severity.WARNING
):
    """## What it does
    Reports a `-- pgdrift:` comment that pgdrift cannot read: an unknown directive, a missing
    or unclosed `[…]` code list, an empty list, or a code or rule name that does not exist.

    ## Why is this bad?
    A suppression that does not parse suppresses nothing, so the finding it was meant to
    silence is still reported — or, worse, the author believes a rule is silenced when a
    typo (`PGD11` for `PGD101`) means it is not.

    ## Example
    ```sql
    SELECT legacy_col FROM t;  -- pgdrift: ignore PGD101
    SELECT legacy_col FROM t;  -- pgdrift: ignore[PGD11]
    ```

    ## Use instead
    ```sql
    SELECT legacy_col FROM t;  -- pgdrift: ignore[PGD101]
    SELECT legacy_col FROM t;  -- pgdrift: ignore[unknown-column]
    ```
    """
