"""Baselines: adopt a strict gate on a legacy codebase gradually.

``pgdrift check --write-baseline FILE`` records every current finding by a fingerprint;
``pgdrift check --baseline FILE`` then reports only findings whose fingerprint is not in
the file. A fingerprint hashes what identifies a finding independently of where the file's
lines happen to be: the rule code, the file (relative to the project root), the enclosing
object (``context``), the text of the finding's first line with whitespace collapsed, and
the occurrence index among findings that share all of those (a function's argument list
is left out of the enclosing object, so adding a parameter keeps its findings matched). Adding or removing unrelated
lines, re-indenting, or moving the function within its file keeps the fingerprint; editing
the offending line itself produces a new finding (which is the point).

>>> from pgdrift.diagnostic import Diagnostic, Severity
>>> from pgdrift.source import SourceFile
>>> a = SourceFile("a.sql", "select nope from t;\\n")
>>> b = SourceFile("a.sql", "-- new comment\\n  select nope from t;\\n")
>>> da = Diagnostic("PGD101", "unknown-column", Severity.ERROR, "m", a.span(7, 11))
>>> db = Diagnostic("PGD101", "unknown-column", Severity.ERROR, "m", b.span(24, 28))
>>> fingerprints([da], {"a.sql": a}) == fingerprints([db], {"a.sql": b})
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from pgdrift import __version__
from pgdrift.diagnostic import Diagnostic
from pgdrift.source import SourceFile

BASELINE_VERSION = 1


class BaselineError(Exception):
    """An unreadable or malformed baseline file (exit code 2)."""


def relative_path(path: str, root: Path | None = None) -> str:
    """``path`` (absolute, or relative to the current directory) relative to ``root``
    (default: the current directory) with ``/`` separators; unchanged but ``/``-separated
    when it lies outside ``root``.

    >>> relative_path("/repo/sql/a.sql", Path("/repo"))
    'sql/a.sql'
    """
    p = PurePath(path)
    base = os.path.abspath(root) if root is not None else os.getcwd()
    full = os.path.abspath(path)
    with contextlib.suppress(ValueError):
        rel = os.path.relpath(full, base)
        if rel != os.pardir and not rel.startswith(os.pardir + os.sep):
            return PurePath(rel).as_posix()
    return p.as_posix()


def _line_key(d: Diagnostic, sources: Mapping[str, SourceFile]) -> str:
    if d.span is None:
        return d.message
    src = sources.get(d.span.path)
    if src is None:
        try:
            src = SourceFile.read(d.span.path)
        except (OSError, UnicodeDecodeError):
            return d.message
    return " ".join(src.line_text(d.span.line).split())


def _object_name(context: str | None) -> str:
    """``function public.f(text, integer)`` -> ``function public.f``: a changed signature
    is not a reason to report the old findings inside the function as new."""
    return re.sub(r"\(.*\)\s*$", "", context or "").strip()


def fingerprints(
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile],
    root: Path | None = None,
) -> list[str]:
    """One stable fingerprint per diagnostic, in the order given."""
    keys = []
    for d in diagnostics:
        path = relative_path(d.span.path, root) if d.span is not None else ""
        keys.append((d.code, path, _object_name(d.context), _line_key(d, sources)))
    order = sorted(range(len(diagnostics)), key=lambda i: diagnostics[i].sort_key)
    seen: Counter[tuple[str, str, str, str]] = Counter()
    result = [""] * len(diagnostics)
    for i in order:
        occurrence = seen[keys[i]]
        seen[keys[i]] += 1
        raw = "\x00".join((*keys[i], str(occurrence)))
        result[i] = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]
    return result


@dataclass
class BaselineResult:
    new: list[Diagnostic] = field(default_factory=list)
    baselined: list[Diagnostic] = field(default_factory=list)
    stale: int = 0  # baseline entries that no longer occur (fixed findings)


def write_baseline(
    path: Path,
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile],
    root: Path | None = None,
) -> int:
    """Record ``diagnostics`` in ``path``; returns how many were written."""
    prints = fingerprints(diagnostics, sources, root)
    entries = sorted(
        (
            {
                "fingerprint": fp,
                "code": d.code,
                "filename": relative_path(d.span.path, root) if d.span else None,
                "line": d.span.line if d.span else None,
                "message": d.message,
            }
            for fp, d in zip(prints, diagnostics, strict=True)
        ),
        key=lambda e: (e["filename"] or "", e["line"] or 0, e["code"], e["fingerprint"]),
    )
    doc = {"version": BASELINE_VERSION, "tool": f"pgdrift {__version__}", "findings": entries}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write baseline: {exc.strerror or exc}") from exc
    return len(entries)


def read_baseline(path: Path) -> Counter[str]:
    """The fingerprints recorded in ``path`` (with multiplicity)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a pgdrift baseline (invalid JSON: {exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise BaselineError(f'{path}: not a pgdrift baseline (no "findings" list)')
    if doc.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: unsupported baseline version {doc.get('version')!r}")
    prints: Counter[str] = Counter()
    for i, entry in enumerate(doc["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"{path}: finding #{i + 1} has no fingerprint")
        prints[entry["fingerprint"]] += 1
    return prints


def apply_baseline(
    path: Path,
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile],
    root: Path | None = None,
) -> BaselineResult:
    """Split ``diagnostics`` into new ones and ones recorded in the baseline at ``path``."""
    known = read_baseline(path)
    result = BaselineResult()
    for fp, d in zip(fingerprints(diagnostics, sources, root), diagnostics, strict=True):
        if known[fp] > 0:
            known[fp] -= 1
            result.baselined.append(d)
        else:
            result.new.append(d)
    result.stale = sum(known.values())
    return result
