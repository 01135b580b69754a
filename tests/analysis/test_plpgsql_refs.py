"""resolve() with PL/pgSQL variables: record fields, conflicts, labels, modes, output."""

from __future__ import annotations

import pytest

from pgdrift.analysis.env import Env, Variable
from pgdrift.analysis.resolve import resolve

from .schema import CATALOG, CHUNK_FIELDS, plpgsql_env


def found(text: str, mode: str = "statement", env: Env | None = None) -> list[tuple[str, str]]:
    res = resolve(text, env or plpgsql_env(), mode)
    assert res.unanalysed is None, res.unanalysed
    return [(f.rule.code, text[f.start : f.end]) for f in res.findings]


CASES = [
    # record fields
    ("expression", "jsonb_build_object('chunk_index', v_chunk.chunk_index)", []),
    (
        "expression",
        "jsonb_build_object('chunk_index', v_chunk.chunk_number,\n"
        "  'estimated_emails', v_chunk.email_count_estimate)",
        [("PGD103", "v_chunk.chunk_number"), ("PGD103", "v_chunk.email_count_estimate")],
    ),
    ("expression", "v_any.whatever + 1", []),  # unknown shape: accepted
    ("expression", "v_count > 0 AND found", []),
    ("expression", "v_cont > 0", [("PGD101", "v_cont")]),
    ("expression", "(v_chunk).status = 'pending'", []),
    ("expression", "(v_chunk).stat IS NULL", [("PGD103", "(v_chunk).stat")]),
    ("expression", "( v_any ).whatever", []),
    ("expression", "v_chunk.status = 'complete'", [("PGD107", "'complete'")]),
    ("expression", "(SELECT count(*) FROM chunked_sync_jobs WHERE job_id = p_job_id)", []),
    (
        "expression",
        "EXISTS (SELECT 1 FROM chunked_sync_jobs WHERE jobid = p_job_id)",
        [("PGD101", "jobid")],
    ),
    ("expression", "count(*) FROM chunked_sync_jobs WHERE job_id = p_job_id", []),
    ("expression", "coalesce(p_ms, 0) * 2", []),
    # assignments
    ("assignment", "v_count := v_count + 1", []),
    ("assignment", "v_count = v_chunk.chunk_index", []),
    ("assignment", "v_count := v_chunk.chunk_nr", [("PGD103", "v_chunk.chunk_nr")]),
    ("assignment", "v_chunk.status := 'pending'", []),
    ("assignment", "v_chunk.state := 'pending'", [("PGD103", "v_chunk.state")]),
    ("assignment", "v_arr[v_count] := v_count", []),
    ("assignment", "v_arr[v_cnt] := 1", [("PGD101", "v_cnt")]),
    ("assignment", "v_any.x := 1", []),
    ("assignment", "v_state := 'runing'", [("PGD107", "'runing'")]),
    ("assignment", "v_state := CASE WHEN found THEN 'done' ELSE 'queued' END", []),
    ("assignment", "v_chunk.status := 'complete'", [("PGD107", "'complete'")]),
    ("assignment", "v_chunk.status := 'completed'", []),
    ("expression", "v_state = 'donee'", [("PGD107", "'donee'")]),
    ("expression", "v_state IN ('queued', 'running')", []),
    # variables vs columns in statements
    ("statement", "SELECT count(*) FROM chunked_sync_jobs WHERE job_id = p_job_id", []),
    (
        "statement",
        "UPDATE chunked_sync_jobs SET processing_time_ms = p_ms WHERE id = v_chunk.id",
        [],
    ),
    (
        "statement",
        "UPDATE chunked_sync_jobs SET status = 'failed' WHERE id = v_chunk.idd",
        [("PGD103", "v_chunk.idd")],
    ),
    (
        "statement",
        "SELECT * FROM chunked_sync_jobs WHERE id = v_nothing",
        [("PGD101", "v_nothing")],
    ),
    ("statement", "SELECT $1, $2::int", []),
    # unnest of a composite array: the composite's columns; of an unknown type: anything
    ("statement", "SELECT s.street, s.city FROM unnest(v_addrs) s", []),
    ("statement", "SELECT s.town FROM unnest(v_addrs) s", [("PGD101", "s.town")]),
    ("statement", "SELECT s.x FROM unnest(v_mystery) s", []),
    ("statement", "SELECT n FROM unnest(v_arr) AS n WHERE n > 0", []),
    ("statement", "SELECT n.x FROM unnest(v_arr) AS n", [("PGD101", "n.x")]),
    ("statement", "SELECT s.city FROM unnest($1::address[]) s", []),
]


@pytest.mark.parametrize(("mode", "text", "expected"), CASES, ids=[c[1][:50] for c in CASES])
def test_plpgsql_case(mode: str, text: str, expected: list[tuple[str, str]]) -> None:
    env = plpgsql_env(
        v_arr=Variable("v_arr", "integer[]"),
        v_addrs=Variable("v_addrs", "public.address[]"),
        v_mystery=Variable("v_mystery", None),
        v_state=Variable("v_state", "public.job_state"),
    )
    assert sorted(found(text, mode, env)) == sorted(expected)


def test_record_field_message_and_help() -> None:
    text = "jsonb_build_object('chunk_index', v_chunk.chunk_number)"
    (f,) = resolve(text, plpgsql_env(), "expression").findings
    assert f.rule.code == "PGD103"
    assert f.message == (
        'column "chunk_number" does not exist in record v_chunk (public.chunked_sync_jobs)'
    )
    assert f.help == 'did you mean "chunk_index"?'


def test_set_target_message_and_help() -> None:
    text = "UPDATE chunked_sync_jobs SET actual_duration_ms = p_ms, error = p_error"
    f1, f2 = resolve(text, plpgsql_env(), "statement").findings
    assert (
        f1.message == 'column "actual_duration_ms" of relation "chunked_sync_jobs" does not exist'
    )
    assert f1.help == 'did you mean "processing_time_ms"?'
    assert f2.help == 'did you mean "error_message"?'


CONFLICTS = [
    # a variable named like a column: ambiguous in PL/pgSQL
    ("SELECT status FROM chunked_sync_jobs WHERE chunk_index = 1", [("PGD106", "status")]),
    ("SELECT c.status FROM chunked_sync_jobs c WHERE c.id = p_job_id", []),
    ("SELECT c.status FROM chunked_sync_jobs c WHERE c.id = status", [("PGD106", "status")]),
    ("INSERT INTO chunked_sync_jobs (status) VALUES (status)", []),
    ("UPDATE chunked_sync_jobs SET status = status", [("PGD106", "status")]),
    ("UPDATE chunked_sync_jobs c SET status = 'pending' WHERE c.status = 'failed'", []),
    (
        "INSERT INTO chunked_sync_jobs (id, status) VALUES (1, 'pending') "
        "ON CONFLICT (id) DO NOTHING",
        [("PGD106", "id")],
    ),
    (
        "INSERT INTO chunked_sync_jobs (id) VALUES (1) RETURNING id",
        [("PGD106", "id")],
    ),
    ("SELECT r.a FROM jsonb_to_recordset('[]') AS r(status text, a int)", []),
    ("SELECT count(*) AS status FROM chunked_sync_jobs c ORDER BY status", []),
    # an alias named like a record variable: the record wins in PL/pgSQL
    ("SELECT v_chunk.status FROM chunked_sync_jobs v_chunk", [("PGD106", "v_chunk.status")]),
    ("SELECT v_chunk.state FROM sync_jobs v_chunk", [("PGD103", "v_chunk.state")]),
    ("SELECT v_chunk.chunk_index FROM sync_jobs v_chunk", []),  # only the record has it
    ("SELECT c.status AS status FROM chunked_sync_jobs c GROUP BY status", [("PGD106", "status")]),
    ("SELECT c.job_id AS id FROM chunked_sync_jobs c GROUP BY c.job_id ORDER BY id", []),
]


@pytest.mark.parametrize(("text", "expected"), CONFLICTS, ids=[c[0][:50] for c in CONFLICTS])
def test_variable_conflict(text: str, expected: list[tuple[str, str]]) -> None:
    env = plpgsql_env(status=Variable("status", "text"), id=Variable("id", "bigint"))
    assert sorted(found(text, "statement", env)) == sorted(expected)


def test_no_conflict_outside_plpgsql() -> None:
    env = plpgsql_env(status=Variable("status", "text"))
    env.plpgsql = False
    assert found("SELECT status FROM chunked_sync_jobs", env=env) == []
    env = plpgsql_env(status=Variable("status", "text"))
    env.params_lose_to_columns = True
    assert found("SELECT status FROM chunked_sync_jobs", env=env) == []


def test_variable_conflict_option() -> None:
    env = plpgsql_env(status=Variable("status", "text"))
    env.variable_conflict = "use_column"
    assert found("SELECT status FROM chunked_sync_jobs", env=env) == []
    env.variable_conflict = "use_variable"
    assert found("SELECT status FROM chunked_sync_jobs WHERE chunk_index = 1", env=env) == []
    env.variable_conflict = "error"
    assert found("SELECT status FROM chunked_sync_jobs", env=env) == [("PGD106", "status")]


def test_labels_and_function_name_qualify_variables() -> None:
    v = Variable("v_total", "integer")
    env = plpgsql_env(v_total=v)
    env.labels = {"blk": {"v_total": v}, "claim": {"p_worker": Variable("p_worker", "text")}}
    assert found("blk.v_total + 1", "expression", env) == []
    assert found("claim.p_worker", "expression", env) == []
    assert found("blk.v_totl", "expression", env) == [("PGD101", "blk.v_totl")]


def test_output_columns_expand_star() -> None:
    res = resolve("SELECT * FROM chunked_sync_jobs WHERE id = 1", plpgsql_env(), "statement")
    assert res.output_columns == CHUNK_FIELDS
    assert res.output_types is not None and res.output_types[0] == "bigint"
    res = resolve(
        "SELECT c.id, j.state AS s, count(*) AS n, c.status::text, 1 "
        "FROM chunked_sync_jobs c JOIN sync_jobs j ON j.id = c.job_id GROUP BY 1, 2, 4",
        plpgsql_env(),
        "statement",
    )
    assert res.output_columns == ("id", "s", "n", "status", "?column?")
    assert res.output_types == ("bigint", "public.job_state", "bigint", "text", "integer")


def test_output_columns_of_returning_and_unknown_shape() -> None:
    res = resolve("DELETE FROM chunked_sync_jobs RETURNING id, job_id", plpgsql_env())
    assert res.output_columns == ("id", "job_id")
    res = resolve("SELECT * FROM some_unknown_srf() f", plpgsql_env())
    assert res.output_columns is None


def test_temp_table_created_and_visible() -> None:
    res = resolve("CREATE TEMP TABLE tmp_ids (id bigint, note text) ON COMMIT DROP", plpgsql_env())
    assert res.unanalysed is None
    (rel,) = res.created_relations
    assert rel.name == "tmp_ids" and rel.column_names == ("id", "note")
    env = plpgsql_env()
    env.temp_relations["tmp_ids"] = rel
    assert found("SELECT id, note FROM tmp_ids", env=env) == []
    assert found("SELECT idd FROM tmp_ids", env=env) == [("PGD101", "idd")]
    res = resolve("CREATE TEMP TABLE t2 AS SELECT id, status FROM chunked_sync_jobs", plpgsql_env())
    assert res.created_relations[0].column_names == ("id", "status")


def test_temp_table_like() -> None:
    res = resolve(
        "CREATE TEMP TABLE t3 (LIKE chunked_sync_jobs INCLUDING ALL, extra int)", plpgsql_env()
    )
    (rel,) = res.created_relations
    assert rel.column_names == (*CHUNK_FIELDS, "extra")
    res = resolve("CREATE TEMP TABLE t4 (LIKE nowhere)", plpgsql_env())
    assert res.created_relations == () and [f.rule.code for f in res.findings] == ["PGD102"]


def test_unparsable_and_opaque_statements_are_unanalysed() -> None:
    env = plpgsql_env()
    assert resolve("SELECT FROM WHERE (", env).unanalysed
    assert resolve(
        "CREATE RULE r AS ON INSERT TO chunked_sync_jobs DO INSTEAD NOTHING", env
    ).unanalysed
    assert resolve("SET LOCAL lock_timeout = '1s'", env).unanalysed is None
    assert resolve("SELECT 1", env, "bogus").unanalysed


def test_multiline_offsets_are_exact() -> None:
    text = "SELECT c.id,\n       c.chunk_numbr\n  FROM chunked_sync_jobs c\n WHERE c.stat = 'x'"
    got = found(text)
    assert got == [("PGD101", "c.chunk_numbr"), ("PGD101", "c.stat")]


def test_into_blanked_statement() -> None:
    text = "SELECT *                FROM chunked_sync_jobs WHERE id = p_job_id FOR UPDATE"
    res = resolve(text, plpgsql_env())
    assert res.findings == [] and res.output_columns == CHUNK_FIELDS


def test_every_reference_reported_not_the_first() -> None:
    text = "SELECT a1, a2, a3 FROM chunked_sync_jobs WHERE a4 = 1 ORDER BY a5"
    assert [s for _, s in found(text)] == ["a1", "a2", "a3", "a4", "a5"]


def test_sql_language_env_has_no_variable_conflicts() -> None:
    env = Env(CATALOG, variables={"id": Variable("id", "bigint")}, plpgsql=False)
    assert found("SELECT id FROM chunked_sync_jobs WHERE job_id = id", env=env) == []


def test_extension_functions_hint_or_pass() -> None:
    env = plpgsql_env()
    (f,) = resolve("SELECT crypt('a', 'b')", env).findings
    assert f.rule.code == "PGD104" and f.help is not None and "pgcrypto" in f.help
    env.catalog = CATALOG.__class__(**{**CATALOG.__dict__, "extensions": {"pgcrypto": "public"}})
    assert resolve("SELECT crypt('a', 'b'), pgp_sym_encrypt('a', 'k')", env).findings == []
    # every installed extension is known: other unknown names are still judged
    (f,) = resolve("SELECT jsonb_build_objekt('a', 1)", env).findings
    assert f.rule.code == "PGD104"
    env.catalog = CATALOG.__class__(**{**CATALOG.__dict__, "extensions": {"timescaledb": None}})
    assert resolve("SELECT time_bucket('1 day', now()), whatever_ext_fn(1)", env).findings == []


CONFLICT_DDL = """
CREATE TABLE chunks (id bigint PRIMARY KEY, job_id bigint, idx int, email text, state text,
    UNIQUE (job_id, idx));
CREATE UNIQUE INDEX chunks_email ON chunks (lower(email));
CREATE UNIQUE INDEX chunks_state_once ON chunks (state) WHERE state = 'running';
CREATE TABLE plain (a int);
"""

ARBITERS = [
    ("INSERT INTO chunks (id) VALUES (1) ON CONFLICT (id) DO NOTHING", []),
    ("INSERT INTO chunks (id) VALUES (1) ON CONFLICT (idx, job_id) DO NOTHING", []),
    ("INSERT INTO chunks (id) VALUES (1) ON CONFLICT (idx) DO NOTHING", [("PGD111", "idx")]),
    ("INSERT INTO chunks (id) VALUES (1) ON CONFLICT (id, idx) DO NOTHING", [("PGD111", "id")]),
    ("INSERT INTO chunks (id) VALUES (1) ON CONFLICT (lower(email)) DO NOTHING", []),
    ("INSERT INTO chunks (id) VALUES (1) ON CONFLICT (state) DO NOTHING", [("PGD111", "state")]),
    (
        "INSERT INTO chunks (id) VALUES (1) ON CONFLICT (state) WHERE state = 'running' DO NOTHING",
        [],
    ),
    ("INSERT INTO chunks (id) VALUES (1) ON CONFLICT ON CONSTRAINT chunks_pkey DO NOTHING", []),
    (
        "INSERT INTO chunks (id) VALUES (1) ON CONFLICT ON CONSTRAINT chunks_pk DO NOTHING",
        [("PGD111", "chunks_pk")],
    ),
    ("INSERT INTO chunks (id) VALUES (1) ON CONFLICT DO NOTHING", []),
    # no key known for the table: not judged (Postgres would reject it)
    ("INSERT INTO plain (a) VALUES (1) ON CONFLICT (a) DO NOTHING", []),
]


@pytest.mark.parametrize(("text", "expected"), ARBITERS, ids=[c[0][40:90] for c in ARBITERS])
def test_on_conflict_arbiters(text: str, expected: list[tuple[str, str]]) -> None:
    from pgdrift.catalog.ddl import catalog_from_files
    from pgdrift.source import SourceFile

    catalog, diags = catalog_from_files([SourceFile("schema.sql", CONFLICT_DDL)])
    assert diags == []
    assert found(text, env=Env(catalog, plpgsql=False)) == expected
