"""A small catalog and PL/pgSQL environments shared by the resolution tests."""

from __future__ import annotations

from pgdrift.analysis.env import Env, Variable
from pgdrift.catalog.model import (
    COMPOSITE_TYPE,
    OUT,
    TABLE_COLUMN,
    VIEW,
    Catalog,
    Column,
    EnumType,
    Function,
    FunctionParam,
    Relation,
)

STATUS = ("pending", "processing", "completed", "failed")
CHUNK_COLUMNS = (
    ("id", "bigint"),
    ("job_id", "bigint"),
    ("chunk_index", "integer"),
    ("status", "text"),
    ("estimated_emails", "integer"),
    ("processing_time_ms", "integer"),
    ("error_message", "text"),
    ("started_at", "timestamp with time zone"),
    ("completed_at", "timestamp with time zone"),
    ("created_at", "timestamp with time zone"),
    ("payload", "jsonb"),
)


def make_catalog() -> Catalog:
    cat = Catalog()
    cat.schemas.add("audit")
    cat.add_relation(
        Relation(
            "public",
            "chunked_sync_jobs",
            columns=tuple(
                Column(n, t, allowed_values=STATUS if n == "status" else None)
                for n, t in CHUNK_COLUMNS
            ),
        )
    )
    cat.add_relation(
        Relation(
            "public",
            "sync_jobs",
            columns=(
                Column("id", "bigint"),
                Column("account_id", "bigint"),
                Column("state", "public.job_state"),
                Column("total_chunks", "integer"),
                Column("created_at", "timestamp with time zone"),
            ),
        )
    )
    cat.add_relation(
        Relation(
            "public",
            "accounts",
            columns=(Column("id", "bigint"), Column("email", "text"), Column("Name", "text")),
        )
    )
    cat.add_relation(
        Relation("audit", "events", columns=(Column("id", "bigint"), Column("what", "text")))
    )
    cat.add_relation(
        Relation(
            "public",
            "active_jobs",
            VIEW,
            columns=(Column("id", "bigint"), Column("chunks", "bigint")),
        )
    )
    cat.add_relation(
        Relation(
            "public",
            "address",
            COMPOSITE_TYPE,
            columns=(Column("street", "text"), Column("city", "text")),
        )
    )
    cat.add_relation(
        Relation(
            "public", "people", columns=(Column("id", "bigint"), Column("home", "public.address"))
        )
    )
    cat.enums[("public", "job_state")] = EnumType(
        "public", "job_state", ("queued", "running", "done")
    )
    cat.add_function(
        Function(
            "public",
            "claim_chunk",
            (FunctionParam("p_worker", "text"),),
            "public.chunked_sync_jobs",
            returns_set=True,
            language="plpgsql",
        )
    )
    cat.add_function(
        Function(
            "public",
            "job_stats",
            (
                FunctionParam("p_job", "bigint"),
                FunctionParam("done", "integer", OUT),
                FunctionParam("failed", "integer", OUT),
            ),
            "record",
        )
    )
    cat.add_function(
        Function(
            "public",
            "list_chunks",
            (
                FunctionParam("p_job", "bigint"),
                FunctionParam("p_limit", "integer", has_default=True),
                FunctionParam("chunk_id", "bigint", TABLE_COLUMN),
                FunctionParam("idx", "integer", TABLE_COLUMN),
            ),
            "record",
            returns_set=True,
        )
    )
    cat.add_function(Function("public", "next_id", (), "bigint"))
    return cat


CATALOG = make_catalog()
CHUNK_FIELDS = tuple(n for n, _ in CHUNK_COLUMNS)


def plpgsql_env(**extra: Variable) -> Env:
    variables = {
        "v_chunk": Variable(
            "v_chunk",
            "record",
            True,
            fields=CHUNK_FIELDS,
            field_types=tuple(t for _, t in CHUNK_COLUMNS),
            relation="public.chunked_sync_jobs",
        ),
        "v_any": Variable("v_any", "record", True),
        "p_worker": Variable("p_worker", "text"),
        "p_job_id": Variable("p_job_id", "bigint"),
        "p_ms": Variable("p_ms", "integer"),
        "p_error": Variable("p_error", "text"),
        "v_count": Variable("v_count", "integer"),
        "found": Variable("found", "boolean"),
        **extra,
    }
    return Env(CATALOG, variables=variables)
