"""CREATE FUNCTION / PROCEDURE and CREATE TRIGGER applied to the catalog."""

from __future__ import annotations

import re
from typing import Any

from pglast import ast, parser
from pglast.enums import FunctionParameterMode

from pgdrift.catalog.ddl_context import DdlContext
from pgdrift.catalog.model import (
    IN,
    INOUT,
    OUT,
    TABLE_COLUMN,
    VARIADIC,
    Function,
    FunctionParam,
    Trigger,
)
from pgdrift.catalog.names import deparse, is_node, str_list

_MODES = {
    FunctionParameterMode.FUNC_PARAM_IN: IN,
    FunctionParameterMode.FUNC_PARAM_DEFAULT: IN,
    FunctionParameterMode.FUNC_PARAM_OUT: OUT,
    FunctionParameterMode.FUNC_PARAM_INOUT: INOUT,
    FunctionParameterMode.FUNC_PARAM_VARIADIC: VARIADIC,
    FunctionParameterMode.FUNC_PARAM_TABLE: TABLE_COLUMN,
}
_DOLLAR = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z_0-9\x80-\uffff]*)?\$")

# CreateTrigStmt timing / event bits (pg's TRIGGER_TYPE_*)
_BEFORE, _INSTEAD = 1 << 1, 1 << 6
_EVENTS = ((1 << 2, "insert"), (1 << 4, "update"), (1 << 3, "delete"), (1 << 5, "truncate"))


def _split(names: list[str]) -> tuple[str | None, str]:
    return (names[-2], names[-1]) if len(names) >= 2 else (None, names[-1])


def function_params(ctx: DdlContext, params: Any) -> tuple[FunctionParam, ...]:
    out = []
    for p in params or ():
        mode = _MODES.get(p.mode, IN)
        out.append(FunctionParam(p.name or None, ctx.fmt(p.argType), mode, p.defexpr is not None))
    return tuple(out)


def create_function(ctx: DdlContext, stmt: Any, raw: Any) -> None:
    schema_q, name = _split(str_list(stmt.funcname))
    schema = ctx.schema_of(schema_q)
    params = function_params(ctx, stmt.parameters)
    opts: dict[str, Any] = {}
    as_elem = None
    for opt in stmt.options or ():
        opts[opt.defname] = opt.arg
        if opt.defname == "as":
            as_elem = opt
    language = _sval(opts.get("language")) or "sql"
    body, body_offset = _body(ctx, stmt, raw, as_elem)
    returns_set = False
    return_type: str | None = None
    if stmt.returnType is not None:
        returns_set = bool(stmt.returnType.setof)
        return_type = ctx.fmt(stmt.returnType)
    elif not stmt.is_procedure:
        outs = [p for p in params if p.is_output]
        return_type = outs[0].type if len(outs) == 1 else "record"
    volatility = _sval(opts.get("volatility"))
    security = opts.get("security")
    definition = None
    if ctx.source is not None and raw is not None:
        start = ctx.char_offset(raw.stmt_location)
        end = ctx.char_offset(raw.stmt_location + raw.stmt_len) if raw.stmt_len else None
        definition = ctx.source.text[start:end].strip()
    fn = Function(
        schema=schema,
        name=name,
        params=params,
        return_type=return_type,
        returns_set=returns_set,
        kind="procedure" if stmt.is_procedure else "function",
        language=language.lower(),
        body=body,
        definition=definition,
        volatility=volatility,
        security_definer=bool(getattr(security, "boolval", False)),
        source_path=ctx.source.path if ctx.source is not None else None,
        body_offset=body_offset,
    )
    ctx.catalog.schemas.add(schema)
    ctx.catalog.add_function(fn)


def _sval(node: Any) -> str | None:
    if is_node(node, ast.String):
        return str(node.sval)
    if isinstance(node, str):
        return node
    return None


def _body(ctx: DdlContext, stmt: Any, raw: Any, as_elem: Any) -> tuple[str | None, int | None]:
    """Body text and the character offset of its first character in the source file."""
    if as_elem is not None:
        parts = as_elem.arg
        strings = str_list(parts) if isinstance(parts, (list, tuple)) else [_sval(parts) or ""]
        body = strings[0] if strings else None
        if len(strings) > 1:  # C function: AS 'obj_file', 'link_symbol'
            return body, None
        loc = getattr(as_elem, "arg_location", None)
        if body is None or ctx.source is None or loc is None or loc < 0:
            return body, None
        start = ctx.char_offset(loc)
        text = ctx.source.text
        m = _DOLLAR.match(text, start)
        if m is not None:
            return body, m.end()
        if text.startswith(("E'", "e'"), start):
            return body, start + 2
        if text.startswith("'", start):
            return body, start + 1
        return body, None
    if stmt.sql_body is not None and ctx.source is not None and raw is not None:
        return _sql_body(ctx, raw)
    if stmt.sql_body is not None:
        return deparse_body(stmt.sql_body), None
    return None, None


def deparse_body(node: Any) -> str | None:
    try:
        if is_node(node, ast.ReturnStmt):
            return "RETURN " + deparse(node.returnval)
        return None
    except Exception:
        return None


def _sql_body(ctx: DdlContext, raw: Any) -> tuple[str | None, int | None]:
    """BEGIN ATOMIC … END / RETURN expr: the text from that keyword to the statement end."""
    assert ctx.source is not None
    start = ctx.char_offset(raw.stmt_location)
    end = ctx.char_offset(raw.stmt_location + raw.stmt_len) if raw.stmt_len else None
    text = ctx.source.text[start:end]
    try:
        tokens = parser.scan(text)
    except Exception:
        return None, None
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.name == "ASCII_40":
            depth += 1
        elif tok.name == "ASCII_41":
            depth -= 1
        elif depth == 0 and (
            (tok.name == "BEGIN_P" and i + 1 < len(tokens) and tokens[i + 1].name == "ATOMIC")
            or tok.name == "RETURN"
        ):
            char_start = tok.start  # pglast's scanner reports character offsets
            body = text[char_start:].rstrip().rstrip(";").rstrip()
            return body, start + char_start
    return None, None


def create_trigger(ctx: DdlContext, stmt: Any, raw: Any) -> None:
    rel = ctx.find_rangevar(stmt.relation)
    if rel is not None:
        schema, table = rel.schema, rel.name
    else:
        schema, table = ctx.schema_of(stmt.relation.schemaname), stmt.relation.relname
    fschema, fname = _split(str_list(stmt.funcname))
    if fschema is None:
        fschema = ctx.create_schema
        for s in ctx.path:
            if (s, fname) in ctx.catalog.functions:
                fschema = s
                break
    timing = int(stmt.timing or 0)
    timing_word = "before" if timing & _BEFORE else "instead of" if timing & _INSTEAD else "after"
    events = tuple(word for bit, word in _EVENTS if int(stmt.events or 0) & bit)
    node = _canonical_trigger(stmt, schema, table)
    ctx.catalog.add_trigger(
        Trigger(
            schema=schema,
            table=table,
            name=stmt.trigname,
            function=(fschema, fname),
            timing=timing_word,
            events=events,
            for_each_row=bool(stmt.row),
            when=deparse(stmt.whenClause) if stmt.whenClause is not None else None,
            definition=deparse(node),
            origin=ctx.origin(raw.stmt_location if raw is not None else 0),
        )
    )


def _canonical_trigger(stmt: Any, schema: str, table: str) -> Any:
    import copy

    node = copy.copy(stmt)
    node.replace = False
    node.relation = ast.RangeVar(schemaname=schema, relname=table, inh=True)
    return node


def create_aggregate(ctx: DdlContext, stmt: Any, raw: Any) -> None:
    """CREATE AGGREGATE: a function of kind ``aggregate`` (its arity is what callers need)."""
    schema_q, name = _split(str_list(stmt.defnames))
    schema = ctx.schema_of(schema_q)
    params: tuple[FunctionParam, ...] = ()
    if stmt.oldstyle:
        for opt in stmt.definition or ():
            if opt.defname == "basetype" and opt.arg is not None:
                base = ctx.fmt(opt.arg)
                params = () if base in ('"any"', "any") else (FunctionParam(None, base),)
    elif stmt.args:
        params = function_params(ctx, stmt.args[0])
    state = None
    for opt in stmt.definition or ():
        if opt.defname == "stype" and opt.arg is not None:
            state = ctx.fmt(opt.arg)
    ctx.catalog.schemas.add(schema)
    ctx.catalog.add_function(
        Function(
            schema=schema,
            name=name,
            params=params,
            return_type=state,  # the final function's type when there is one; not modelled
            kind="aggregate",
            language="internal",
            source_path=ctx.source.path if ctx.source is not None else None,
        )
    )


def create_range(ctx: DdlContext, stmt: Any, raw: Any) -> None:
    """CREATE TYPE … AS RANGE: the range and multirange constructor functions."""
    schema_q, name = _split(str_list(stmt.typeName))
    schema = ctx.schema_of(schema_q)
    subtype = "unknown"
    multirange = (
        f"{name.removesuffix('range')}multirange" if "range" in name else f"{name}_multirange"
    )
    for opt in stmt.params or ():
        if opt.defname == "subtype" and opt.arg is not None:
            subtype = ctx.fmt(opt.arg)
        elif opt.defname == "multirange_type_name" and opt.arg is not None:
            multirange = str_list(getattr(opt.arg, "names", None) or [opt.arg])[-1]
    ctx.catalog.schemas.add(schema)
    range_type = f"{schema}.{name}"
    bound = (FunctionParam(None, subtype), FunctionParam(None, subtype))
    ctx.catalog.add_function(Function(schema, name, bound, range_type, language="internal"))
    ctx.catalog.add_function(
        Function(
            schema, name, (*bound, FunctionParam(None, "text")), range_type, language="internal"
        )
    )
    ctx.catalog.add_function(
        Function(
            schema,
            multirange,
            (FunctionParam(None, f"{range_type}[]", "v"),),
            f"{schema}.{multirange}",
            language="internal",
        )
    )
