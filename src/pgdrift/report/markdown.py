"""A Markdown summary of a run, for GitHub's job summary (``$GITHUB_STEP_SUMMARY``).

The ``github`` format writes annotations to the log; on GitHub Actions the CLI also appends
this summary (the counts per rule and the first findings as a table) to the page of the job.

>>> from pgdrift.diagnostic import Diagnostic, Severity
>>> print(markdown_summary([], "1 file checked; 0 findings"))
### pgdrift
<BLANKLINE>
1 file checked; 0 findings
<BLANKLINE>
No findings.
<BLANKLINE>
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pgdrift.diagnostic import Diagnostic

MAX_ROWS = 50


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown_summary(
    diagnostics: Sequence[Diagnostic], summary: str, title: str = "pgdrift"
) -> str:
    lines = [f"### {title}", "", summary, ""]
    if not diagnostics:
        return "\n".join([*lines, "No findings.", ""])
    counts = Counter((d.code, d.name, str(d.severity)) for d in diagnostics)
    lines += ["| Rule | Severity | Findings |", "| --- | --- | ---: |"]
    for (code, name, severity), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| `{code}` {name} | {severity} | {n} |")
    lines += ["", "| Location | Rule | Message |", "| --- | --- | --- |"]
    for d in sorted(diagnostics, key=lambda d: d.sort_key)[:MAX_ROWS]:
        where = f"`{d.span.path}:{d.span.line}:{d.span.col}`" if d.span else ""
        message = _cell(d.message) + (f" — {_cell(d.help)}" if d.help else "")
        lines.append(f"| {where} | `{d.code}` | {message} |")
    if len(diagnostics) > MAX_ROWS:
        lines.append(f"\n… and {len(diagnostics) - MAX_ROWS} more (see the annotations).")
    return "\n".join(lines) + "\n"
