"""The rule registry. Rules register themselves by subclassing :class:`Rule` with a code,
the way psycopg's error classes register their SQLSTATE::

    class UnknownColumn(Rule, code="PGD101", name="unknown-column"):
        '''## What it does
        ...'''

A rule's docstring is its documentation (What it does / Why is this bad? / Example /
Use instead); ``pgdrift rule PGD101`` prints it. Codes are never reused.
"""

from __future__ import annotations

import inspect
from typing import ClassVar

from pgdrift.diagnostic import Diagnostic, Severity
from pgdrift.source import Span

REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.ERROR

    def __init_subclass__(
        cls, code: str = "", name: str = "", severity: Severity = Severity.ERROR, **kw: object
    ) -> None:
        super().__init_subclass__(**kw)
        if not code:
            return
        if code in REGISTRY and REGISTRY[code] is not cls:
            raise RuntimeError(f"rule code {code} registered twice")
        cls.code, cls.name, cls.severity = code, name, severity
        REGISTRY[code] = cls

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def diagnostic(
        cls,
        message: str,
        span: Span | None,
        *,
        help: str | None = None,
        notes: tuple[str, ...] = (),
        context: str | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=cls.code,
            name=cls.name,
            severity=severity or cls.severity,
            message=message,
            span=span,
            help=help,
            notes=notes,
            context=context,
        )


def get_rule(code_or_name: str) -> type[Rule] | None:
    key = code_or_name.strip()
    if key.upper() in REGISTRY:
        return REGISTRY[key.upper()]
    for rule in REGISTRY.values():
        if rule.name == key.lower():
            return rule
    return None
