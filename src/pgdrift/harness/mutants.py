"""Known-bad mutations of the queue's SQL, applied to a copy of ``sql/``.

Each :class:`Mutant` is a list of textual (regular-expression) replacements on named files
of the SQL directory. :func:`apply_mutant` copies the directory and applies them, and
raises :class:`MutationNotApplied` when a pattern matches fewer times than required -- a
refactor of ``sql/`` then fails loudly instead of silently testing the unmutated queue.

:data:`QUEUE_MUTANTS` are the bugs the property suite must catch (``expect``: the
properties any one of which exposes it).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path


class MutationNotApplied(Exception):
    """A replacement of a mutant matched nothing (the SQL it targets has changed)."""


@dataclass(frozen=True)
class Replacement:
    file: str  # file name inside the SQL directory
    pattern: str  # regular expression (re.S not set; \s matches newlines anyway)
    repl: str
    min_count: int = 1


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    replacements: tuple[Replacement, ...]
    expect: frozenset[str] = field(default_factory=frozenset)


def apply_mutant(mutant: Mutant, sql_dir: Path, dest: Path) -> dict[str, int]:
    """Copy ``sql_dir`` to ``dest`` and apply ``mutant``; returns how many times each
    pattern matched. Raises :class:`MutationNotApplied` if one matched too few times."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(sql_dir, dest)
    counts: dict[str, int] = {}
    for r in mutant.replacements:
        path = dest / r.file
        if not path.is_file():
            raise MutationNotApplied(f"{mutant.name}: {r.file} not found in {sql_dir}")
        text = path.read_text()
        new, n = re.subn(r.pattern, r.repl, text)
        key = f"{r.file}: {r.pattern}"
        counts[key] = counts.get(key, 0) + n
        if n < r.min_count:
            raise MutationNotApplied(
                f"{mutant.name}: /{r.pattern}/ matched {n} time(s) in {r.file}, expected at "
                f"least {r.min_count} -- the SQL changed; update the mutant"
            )
        path.write_text(new)
    return counts


_EARLY_OUTBOX = (
    r"\1INSERT INTO chunk_webhook_outbox"
    r" (event_type, sync_job_id, chunk_id, lease_token, payload, created_at)"
    r" SELECT 'chunk.completed', mq.sync_job_id, mq.chunk_id, NULL,"
    r" jsonb_build_object('early', true), p_now"
    r" FROM chunk_processing_queue AS mq WHERE mq.chunk_id = p_chunk_id;\1\2"
)

QUEUE_MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "claim-without-row-locking",
        "the claim picks its sync job without FOR NO KEY UPDATE SKIP LOCKED: two "
        "claimers can lease the same chunk",
        (Replacement("020_claim.sql", r"\s*FOR NO KEY UPDATE SKIP LOCKED;", ";"),),
        frozenset({"no-double-processing", "per-job-order", "legal-transitions"}),
    ),
    Mutant(
        "complete-without-lease-token-check",
        "a completion is accepted from any token while the chunk is processing: a zombie "
        "whose lease was reclaimed and handed on completes someone else's lease",
        (
            Replacement(
                "030_complete.sql",
                r"\s*OR v_queue\.lease_token IS DISTINCT FROM p_lease_token",
                "",
            ),
        ),
        frozenset({"only-lease-holder-completes", "no-double-processing"}),
    ),
    Mutant(
        "cleanup-ignores-lease-expiry",
        "cleanup_stuck_chunks() reclaims every processing chunk, live leases included",
        (
            Replacement("040_lease.sql", r"AND q\.lease_expires_at <= p_now", "AND true"),
            Replacement("040_lease.sql", r"OR v_queue\.lease_expires_at > p_now", "OR false"),
        ),
        frozenset({"no-early-reclaim"}),
    ),
    Mutant(
        "no-attempts-cap",
        "failures and expired leases are retried forever: max_attempts is never enforced "
        "(nor checked by the table's constraints)",
        (
            Replacement(
                "030_complete.sql",
                r"IF v_queue\.attempts >= v_queue\.max_attempts THEN",
                "IF false THEN",
            ),
            Replacement(
                "040_lease.sql",
                r"IF v_queue\.attempts >= v_queue\.max_attempts THEN",
                "IF false THEN",
            ),
            Replacement(
                "001_schema.sql", r"p_attempts BETWEEN 0 AND p_max_attempts", "p_attempts >= 0"
            ),
            Replacement("001_schema.sql", r"OR p_attempts >= p_max_attempts", "OR false"),
        ),
        frozenset({"attempts-within-limit"}),
    ),
    Mutant(
        "outbox-before-validation",
        "the webhook outbox row is written before the completion is validated, so it "
        "does not share the completion's fate: rejected completions fire webhooks too",
        (
            Replacement(
                "030_complete.sql",
                r"(\n\s*)(IF v_queue\.status <> 'processing' OR v_queue\.lease_token IS DISTINCT FROM p_lease_token THEN)",
                _EARLY_OUTBOX,
            ),
        ),
        frozenset({"outbox-exactly-once"}),
    ),
    Mutant(
        "batch-complete-without-lease-token-check",
        "the batch's set-based completion accepts any token while the chunk is processing "
        "and its lease is live: a rescued zombie completes the new holder's lease",
        (Replacement("035_complete_batch.sql", r"\s*AND q\.lease_token = x\.lease_token", ""),),
        frozenset({"only-lease-holder-completes", "no-double-processing"}),
    ),
    Mutant(
        "batch-claim-without-row-locking",
        "the batch's set-based claim picks its sync jobs without FOR NO KEY UPDATE SKIP "
        "LOCKED: two batches can lease the same chunk",
        (Replacement("035_complete_batch.sql", r"\s*FOR NO KEY UPDATE SKIP LOCKED", ""),),
        frozenset({"no-double-processing", "per-job-order", "legal-transitions"}),
    ),
)
