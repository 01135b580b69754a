"""Renderers, one module per output format, behind one entry point: :func:`render`.

``pgdrift check``, ``pgdrift diff`` and ``pgdrift verify`` all print through it::

    from pgdrift.report import render
    render(diagnostics, "text", sources=result.sources, stats=result.stats)

Formats: ``text`` (ruff-style code frames), ``json``, ``sarif`` (2.1.0), ``github``
(workflow commands) and ``junit``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from pgdrift.diagnostic import Diagnostic
from pgdrift.report._common import RULES_URL, Stats, rule_url, summary_line
from pgdrift.source import SourceFile

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github", "junit")


def render(
    diagnostics: Sequence[Diagnostic],
    fmt: str = "text",
    sources: Mapping[str, SourceFile] | None = None,
    stats: Stats | None = None,
    stream: TextIO | None = None,
    color: bool | None = None,
    *,
    root: Path | None = None,
    summary: str | None = None,
    quiet: bool = False,
    tool_name: str = "pgdrift",
    anchor: str | None = None,
) -> None:
    """Write ``diagnostics`` to ``stream`` in format ``fmt``.

    Args:
        diagnostics: the findings, in any order (renderers sort them by file and position).
        fmt: one of :data:`FORMATS`.
        sources: file texts by ``Span.path`` (code frames in ``text``, fingerprints in
            ``sarif``); a missing file is read from disk if it exists, else shown without
            a frame.
        stats: counts for the summary line (``text``) and run properties (``sarif``,
            ``json`` ignores them): a :class:`pgdrift.check.CheckStats` or any object with
            some of ``files``/``functions``/``views``/``statements``/``unanalysed``.
        stream: where to write; default ``sys.stdout``.
        color: ``True``/``False`` forces colour on/off in ``text``; ``None`` = only on a tty.
        root: the directory that relative uris (``sarif``) and fingerprints are based on;
            default the current directory.
        summary: replace the ``text`` summary line (``diff``/``verify`` say what they counted).
        quiet: ``text`` only: print the diagnostics and nothing else.
        tool_name: the tool/suite name written by ``sarif`` and ``junit``.
        anchor: ``sarif`` only: the file a finding without a position is attached to
            (GitHub rejects results without a location); default ``root/pyproject.toml``,
            else the first source file.

    Raises:
        ValueError: for an unknown format.
    """
    out = stream if stream is not None else sys.stdout
    srcs: Mapping[str, SourceFile] = sources or {}
    base = root or Path.cwd()
    ordered = sorted(diagnostics, key=lambda d: d.sort_key)
    # Each renderer is imported when its format is asked for (rich only for text).
    if fmt == "text":
        from pgdrift.report.text import render_text

        render_text(ordered, srcs, stats, out, color, summary=summary, quiet=quiet)
    elif fmt == "json":
        from pgdrift.report.json import render_json

        render_json(ordered, out)
    elif fmt == "sarif":
        from pgdrift.report.sarif import render_sarif

        render_sarif(ordered, srcs, stats, out, root=base, tool_name=tool_name, anchor=anchor)
    elif fmt == "github":
        from pgdrift.report.github import render_github

        render_github(ordered, out, root)
    elif fmt == "junit":
        from pgdrift.report.junit import render_junit

        render_junit(ordered, srcs, out, tool_name=tool_name)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "RULES_URL", "Stats", "render", "rule_url", "summary_line"]
