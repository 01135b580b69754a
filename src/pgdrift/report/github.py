"""``--format github``: GitHub Actions workflow commands, one annotation per finding::

    ::error file=sql/a.sql,line=3,col=8,endLine=3,endColumn=12,title=PGD101 unknown-column::msg

Severity maps to ``error``/``warning``/``notice``. Messages carry the help line and notes;
``%``, CR and LF are escaped in the message, and also ``:`` and ``,`` in properties.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pgdrift.baseline import relative_path
from pgdrift.diagnostic import Diagnostic
from pgdrift.report._common import location_fields

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_annotation(d: Diagnostic, root: Path | None = None) -> str:
    """One workflow command; ``file`` is relative to ``root`` (the repository root that
    GitHub resolves it against) when the path lies below it."""
    props: list[tuple[str, object]] = []
    loc = location_fields(d)
    if d.span is not None and loc is not None:
        line, col, end_line, end_col = loc
        props += [
            ("file", relative_path(d.span.path, root) if root is not None else d.span.path),
            ("line", line),
            ("col", col),
            ("endLine", end_line),
            ("endColumn", end_col),
        ]
    props.append(("title", f"{d.code} {d.name}"))
    body = d.message
    for note in d.notes:
        body += f"\nnote: {note}"
    if d.context and not any(n.startswith(f"in {d.context}") for n in d.notes):
        body += f"\nnote: in {d.context}"
    if d.help:
        body += f"\nhelp: {d.help}"
    level = _LEVEL.get(str(d.severity), "error")
    joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props)
    return f"::{level} {joined}::{escape_data(body)}"


def render_github(
    diagnostics: Sequence[Diagnostic], stream: TextIO, root: Path | None = None
) -> None:
    for d in diagnostics:
        stream.write(format_annotation(d, root) + "\n")
