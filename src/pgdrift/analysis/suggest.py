"""Did-you-mean suggestions for misspelt names.

>>> did_you_mean("chunk_number", ["id", "chunk_index", "status"])
'did you mean "chunk_index"?'
>>> did_you_mean("zzz", ["id"]) is None
True
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.5) -> str | None:
    """The candidate closest to ``name`` (difflib ratio), or ``None`` when none is close."""
    pool = list(dict.fromkeys(c for c in candidates if c != name))
    if not pool:
        return None
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=cutoff)
    if matches:
        return matches[0]
    # Names sharing a word ("email_count_estimate" -> "estimated_emails",
    # "actual_duration_ms" -> "processing_time_ms"):
    words = _words(name)
    best: tuple[float, str] | None = None
    for cand in pool:
        shared = sum(1 for w in words for c in _words(cand) if _related(w, c))
        if shared:
            score = shared + difflib.SequenceMatcher(None, name, cand).ratio()
            if best is None or score > best[0]:
                best = (score, cand)
    return best[1] if best else None


_SYNONYMS = {
    frozenset(p)
    for p in (
        ("duration", "time"),
        ("number", "index"),
        ("num", "index"),
        ("count", "total"),
        ("error", "err"),
        ("msg", "message"),
        ("desc", "description"),
        ("qty", "quantity"),
        ("date", "at"),
        ("timestamp", "at"),
    )
}


def _words(name: str) -> set[str]:
    return {w for w in name.lower().split("_") if len(w) >= 2}


def _related(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) > 2 and len(b) > 2 and (a.startswith(b) or b.startswith(a)):
        return True
    return frozenset((a, b)) in _SYNONYMS


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """``did you mean "x"?`` for the closest candidate, or ``None``."""
    match = closest(name, candidates)
    return f'did you mean "{match}"?' if match else None
