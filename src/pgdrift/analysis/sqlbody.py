"""Check LANGUAGE sql bodies (string bodies and BEGIN ATOMIC), view queries and file-level DML.

Parameters are visible by name; unlike PL/pgSQL, a column of the same name wins, so there
is no ambiguity to report (``Env.plpgsql = False``).
"""

from __future__ import annotations

from pglast import parser

from pgdrift.analysis.env import Env, Resolution, Variable
from pgdrift.analysis.plpgsql import BodyFinding, BodyResult, Resolver, _rules
from pgdrift.analysis.routine import RoutineInfo, relation_of_type
from pgdrift.catalog.model import Catalog


def sql_env(catalog: Catalog, search_path: tuple[str, ...], info: RoutineInfo | None) -> Env:
    env = Env(catalog, search_path, plpgsql=False, params_lose_to_columns=True)
    if info is not None:
        for p in info.params:
            if p.name and p.is_input:
                rel = relation_of_type(catalog, p.type, search_path)
                env.variables[p.name] = Variable(
                    p.name,
                    p.type,
                    is_record=rel is not None,
                    fields=rel.column_names if rel is not None else None,
                    relation=rel.qualified_name if rel is not None else None,
                )
        if info.params:
            env.labels[info.name] = dict(env.variables)
    return env


def check_statement(
    text: str, env: Env, resolver: Resolver, result: BodyResult, base: int, mode: str = "statement"
) -> Resolution:
    """Resolve one statement; findings go to ``result`` shifted by ``base``."""
    try:
        res = resolver(text, env, mode)
    except Exception as exc:  # the resolver promises not to raise
        res = Resolution(unanalysed=f"internal error: {type(exc).__name__}: {exc}")
    result.statements += 1
    for f in res.findings:
        result.findings.append(
            BodyFinding(f.rule, f.message, base + f.start, base + f.end, f.help, f.notes)
        )
    if res.unanalysed:
        unanalysed, _ = _rules()
        result.unanalysed += 1
        lead = len(text) - len(text.lstrip())
        result.findings.append(
            BodyFinding(
                unanalysed, f"statement not checked: {res.unanalysed}", base + lead, base + lead
            )
        )
    for rel in res.created_relations:
        env.temp_relations[rel.name] = rel
    return res


def check_sql_body(
    body: str, env: Env, resolver: Resolver
) -> tuple[BodyResult, tuple[str, int] | None]:
    """Check every statement of a string SQL body. Returns the result and a syntax error
    (message, body offset) if the body does not parse."""
    result = BodyResult()
    try:
        raws = parser.parse_sql(body)
    except parser.ParseError as exc:
        pos = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        return result, (str(exc.args[0]), pos)
    for raw in raws or ():
        start = raw.stmt_location or 0
        end = start + raw.stmt_len if raw.stmt_len else len(body)
        text = body[start:end]
        lead = len(text) - len(text.lstrip())
        check_statement(text.strip(), env, resolver, result, start + lead)
    return result, None
