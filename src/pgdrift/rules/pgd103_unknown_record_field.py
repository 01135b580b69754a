"""PGD103 unknown-record-field."""

from __future__ import annotations

from pgdrift.rules.base import Rule


class UnknownRecordField(Rule, code="PGD103", name="unknown-record-field"):
    """## What it does
    Reports `rec.field` where `rec` is a PL/pgSQL record or row variable whose shape is
    known (a `%ROWTYPE`, or the last `SELECT … INTO rec` / `FOR rec IN query`) and has no
    field of that name.

    ## Why is this bad?
    Postgres raises `record "rec" has no field "…"` only when the statement runs.

    ## Example
    ```sql
    SELECT * INTO v_chunk FROM chunked_sync_jobs WHERE id = p_id;
    RETURN jsonb_build_object('chunk_index', v_chunk.chunk_number);
    ```

    ## Use instead
    ```sql
    RETURN jsonb_build_object('chunk_index', v_chunk.chunk_index);
    ```
    """
