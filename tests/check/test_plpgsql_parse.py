"""The PL/pgSQL layer: pglast workarounds and exact offsets of embedded expressions."""

from __future__ import annotations

import doctest

import pytest

import pgdrift.analysis.plpgsql_support as support
import pgdrift.parse.files as files
import pgdrift.parse.plpgsql as plpgsql
from pgdrift.analysis.plpgsql_support import string_constant
from pgdrift.parse.plpgsql import parse_do, parse_function


def _fn(header: str, body: str, **kw: object) -> plpgsql.PlFunction:
    text = f"{header} AS $$" + body + "$$;"
    return parse_function(text, len(header) + len(" AS $$"), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "header",
    [
        "CREATE FUNCTION f(VARIADIC a text[]) RETURNS int LANGUAGE plpgsql",
        "CREATE FUNCTION f(a mytype[], b int) RETURNS int LANGUAGE plpgsql",
        "CREATE FUNCTION f() RETURNS mytype[] LANGUAGE plpgsql",
        "CREATE FUNCTION f(OUT a mytype[]) LANGUAGE plpgsql",
    ],
)
def test_headers_pglast_refuses_are_rewritten(header: str) -> None:
    fn = _fn(header, "\nBEGIN\n  NULL;\nEND ")
    assert fn.error is None and fn.tree is not None and fn.rewritten


def test_declarations_pglast_refuses_are_rewritten() -> None:
    body = "\nDECLARE\n  v mytype[] := '{}';\n  w t%ROWTYPE;\n  m mood;\nBEGIN\n  w.x := 1;\n  SELECT a, b INTO m, v FROM t;\nEND "
    fn = _fn(
        "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql",
        body,
        scalar_type=lambda t: t == "mood",
    )
    assert fn.error is None, fn.error
    assert fn.declared_types == {"w": "t%ROWTYPE", "m": "mood", "v": "mytype[]"}
    assert fn.body == body  # the rewrite never changes the text offsets refer to


def test_real_errors_keep_a_location() -> None:
    body = "\nBEGIN\n  UPDATE t SET a = 1\n  selec 2;\nEND "
    fn = _fn("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql", body)
    assert fn.tree is None and fn.error is not None
    assert body[fn.error_offset :].startswith("selec")


def test_expressions_are_located_with_into_blanked() -> None:
    body = (
        "\nDECLARE v int;\nBEGIN\n  SELECT a\n    INTO STRICT v\n    FROM t;\n  PERFORM g(v);\nEND "
    )
    fn = _fn("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql", body + "", scalar_type=None)
    assert fn.tree is not None
    stmts = fn.tree["action"]["PLpgSQL_stmt_block"]["body"]
    select = stmts[0]["PLpgSQL_stmt_execsql"]
    query = select["sqlstmt"]["PLpgSQL_expr"]["query"]
    place = fn.locate(query, select["lineno"])
    assert place.exact and body[place.body_offset(query.index("FROM")) :].startswith("FROM t")
    perform = stmts[1]["PLpgSQL_stmt_perform"]
    query = perform["expr"]["PLpgSQL_expr"]["query"]
    assert query == "SELECT g(v)"
    place = fn.locate(query, perform["lineno"], skip=len("SELECT "))
    assert body[place.body_offset(query.index("g(")) :].startswith("g(v)")


def test_do_blocks_parse_with_body_offsets() -> None:
    fn = parse_do("\nBEGIN\n  PERFORM 1;\nEND ")
    assert fn.tree is not None and fn.line_start(3) == fn.body.index("  PERFORM")


def test_string_constants() -> None:
    text, _mapping = string_constant("  E'a\\nb''c'") or ("", [])
    assert text == "a\nb'c"
    assert string_constant("$q$select 1$q$") == ("select 1", list(range(3, 12)))
    assert string_constant("'a' || 'b'") is None


def test_doctests() -> None:
    import pgdrift.analysis.routine as routine
    import pgdrift.check as check
    import pgdrift.checker.ddl_refs as ddl_refs

    for module in (plpgsql, files, support, routine, check, ddl_refs):
        assert doctest.testmod(module).failed == 0
