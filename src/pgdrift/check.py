"""files -> parse -> analysis -> rules -> suppressions -> diagnostics.

The public entry point is :func:`check_paths`; the CLI owns printing and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pgdrift.diagnostic import Diagnostic
from pgdrift.source import SourceFile


@dataclass
class CheckStats:
    files: int = 0
    functions: int = 0
    views: int = 0
    statements: int = 0
    unanalysed: int = 0
    cached_files: int = 0


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: CheckStats = field(default_factory=CheckStats)
    sources: dict[str, SourceFile] = field(default_factory=dict)
