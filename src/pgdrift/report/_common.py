"""Helpers shared by the renderers."""

from __future__ import annotations

from typing import Any, Protocol

from pgdrift.diagnostic import Diagnostic

#: Where each rule's documentation lives (``pgdrift rule CODE`` prints the same text).
RULES_URL = "https://github.com/pgdrift/pgdrift/blob/main/README.md#rules"


class Stats(Protocol):
    """What the summary line reads; :class:`pgdrift.check.CheckStats` satisfies it."""

    files: int


def rule_url(code: str) -> str:
    """The documentation address of rule ``code``: the README's rule list (the full text of
    each rule is ``pgdrift rule CODE``)."""
    del code
    return RULES_URL


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def summary_line(stats: Any | None, findings: int, extra: str = "") -> str:
    """``N files, N functions, N statements checked, N unanalysed; N findings``.

    Counts the ``stats`` object does not have are left out; ``views`` appears when non-zero.
    """
    parts: list[str] = []
    if stats is not None:
        for attr, word in (("files", "file"), ("functions", "function"), ("views", "view")):
            value = getattr(stats, attr, None)
            if isinstance(value, int) and (value or attr != "views"):
                parts.append(plural(value, word))
        statements = getattr(stats, "statements", None)
        if isinstance(statements, int):
            parts.append(plural(statements, "statement"))
    head = ", ".join(parts)
    if head:
        head += " checked"
        unanalysed = getattr(stats, "unanalysed", None)
        if unanalysed is not None:
            head += f", {unanalysed} unanalysed"
        head += "; "
    return f"{head}{plural(findings, 'finding')}{extra}"


def location_fields(d: Diagnostic) -> tuple[int, int, int, int] | None:
    """(row, column, end_row, end_column), 1-based, end exclusive; ``None`` without a span."""
    s = d.span
    if s is None:
        return None
    end_line, end_col = s.end_line, s.end_col
    if (end_line, end_col) < (s.line, s.col):
        end_line, end_col = s.line, s.col
    return s.line, s.col, end_line, end_col
