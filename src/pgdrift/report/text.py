"""Terminal output in the style of ruff: a header, a code frame, notes, a help line.

::

    error[PGD101]: column "chunk_number" does not exist in record v_chunk
      --> sql/020_queue_functions.sql:41:20
       |
    41 |     'chunk_index', v_chunk.chunk_number,
       |                    ^^^^^^^^^^^^^^^^^^^^
       = note: in function public.claim_next_chunk_job_safe(text), body line 17
    help: did you mean "chunk_index"?

Colour (rich) only when asked for or when writing to a terminal, and never with ``NO_COLOR``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from pgdrift.diagnostic import Diagnostic
from pgdrift.report._common import summary_line
from pgdrift.source import SourceFile

TAB_WIDTH = 4
MAX_FRAME_LINES = 6  # a longer span shows its first and last lines around a "..."

_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
_GUTTER = "bold blue"


def use_color(stream: TextIO, color: bool | None) -> bool:
    """Colour when forced, else never with ``NO_COLOR``, always with ``FORCE_COLOR``, and
    otherwise only on a terminal."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


def make_console(stream: TextIO, color: bool | None) -> Console:
    on = use_color(stream, color)
    return Console(
        file=stream,
        force_terminal=on,
        color_system="standard" if on else None,
        no_color=not on,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        width=10_000,
    )


def render_text(
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile],
    stats: Any | None,
    stream: TextIO,
    color: bool | None,
    *,
    summary: str | None = None,
    quiet: bool = False,
) -> None:
    """Print each diagnostic with its code frame, a blank line between, then the summary."""
    console = make_console(stream, color)
    cache: dict[str, SourceFile | None] = {}
    for d in diagnostics:
        source = _source_for(d, sources, cache)
        console.print(format_diagnostic(d, source))
        console.print()
    if not quiet:
        console.print(
            Text(
                summary if summary is not None else summary_line(stats, len(diagnostics)),
                style="bold",
            )
        )


def format_diagnostic(d: Diagnostic, source: SourceFile | None) -> Text:
    """One diagnostic as styled text (no trailing newline)."""
    sev_style = _SEVERITY_STYLE.get(str(d.severity), "bold")
    out = Text()
    out.append(str(d.severity), style=sev_style)
    out.append(f"[{d.code}]", style=sev_style)
    out.append(": ", style="bold")
    out.append(d.message, style="bold")
    notes = list(d.notes)
    if d.context and not any(n.startswith(f"in {d.context}") for n in notes):
        notes.insert(0, f"in {d.context}")
    span = d.span
    frame: list[tuple[int, str, int, int]] = []  # (line number, text, caret start, caret end)
    if span is not None and source is not None:
        frame = _frame_lines(source, span.line, span.col, span.end_line, span.end_col)
    width = len(str(max((n for n, *_ in frame), default=span.line if span else 1)))
    pad = " " * (width + 1)
    if span is not None:
        out.append("\n")
        out.append(" " * width + "--> ", style=_GUTTER)
        out.append(f"{span.path}:{span.line}:{span.col}")
    if frame:
        out.append("\n" + pad + "|", style=_GUTTER)
        previous = None
        for number, line, start, end in frame:
            if previous is not None and number > previous + 1:
                out.append("\n" + " " * width, style=_GUTTER)
                out.append("...", style=_GUTTER)
            previous = number
            out.append("\n")
            out.append(f"{number:>{width}} |", style=_GUTTER)
            if line:
                out.append(" " + line)
            out.append("\n" + pad + "|", style=_GUTTER)
            out.append(" " + " " * start)
            out.append("^" * max(1, end - start), style=sev_style)
    for note in notes:
        out.append("\n" + pad)
        out.append("= note", style="bold")
        out.append(": " + note)
    if d.help:
        out.append("\n")
        out.append("help", style="bold cyan")
        out.append(": " + d.help)
    return out


def _frame_lines(
    source: SourceFile, line: int, col: int, end_line: int, end_col: int
) -> list[tuple[int, str, int, int]]:
    """The displayed lines of a span with the caret range on each (tabs expanded)."""
    if (end_line, end_col) < (line, col):
        end_line, end_col = line, col
    numbers = list(range(line, end_line + 1))
    if len(numbers) > MAX_FRAME_LINES:
        half = MAX_FRAME_LINES // 2
        numbers = numbers[:half] + numbers[-half:]
    rows = []
    for n in numbers:
        raw = source.line_text(n)
        first = col - 1 if n == line else len(raw) - len(raw.lstrip())
        last = end_col - 1 if n == end_line else len(raw)
        first = max(0, min(first, len(raw)))
        last = max(first, min(last, len(raw)))
        if n == end_line and n != line and last == 0:
            continue  # a span ending at column 1 does not underline that line
        # terminal cells, not characters: wide (CJK) characters take two
        start = cell_len(raw[:first].expandtabs(TAB_WIDTH))
        end = cell_len(raw[:last].expandtabs(TAB_WIDTH))
        rows.append((n, raw.expandtabs(TAB_WIDTH), start, max(end, start + 1)))
    return rows


def _source_for(
    d: Diagnostic, sources: Mapping[str, SourceFile], cache: dict[str, SourceFile | None]
) -> SourceFile | None:
    if d.span is None:
        return None
    path = d.span.path
    if path in sources:
        return sources[path]
    if path not in cache:
        try:
            cache[path] = SourceFile.read(Path(path), display=path)
        except (OSError, UnicodeDecodeError):
            cache[path] = None
    return cache[path]
