"""Diagnostics: what every layer reports and every renderer prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pgdrift.source import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding.

    ``code``/``name`` identify the rule (``PGD101``/``unknown-column``). ``span`` is the
    location in the *file* (never the body); ``None`` only for findings that have no file
    position (for example drift of an object that exists only in the live database).
    ``context`` names the enclosing object, e.g. ``function public.f(text)``.
    """

    code: str
    name: str
    severity: Severity
    message: str
    span: Span | None = None
    help: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    context: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        if self.span is None:
            return ("", 0, 0, self.code, self.message)
        return (self.span.path, self.span.line, self.span.col, self.code, self.message)
