"""Inline suppressions, ruff's ``noqa`` convention for SQL comments.

* ``-- pgdrift: ignore[PGD101]`` silences findings of those codes whose span starts (or ends)
  on the comment's own line;
* ``-- pgdrift: ignore-file[PGD101, PGD102]`` anywhere in a file silences them in that file.

Codes may be given by code or by rule name (``ignore[unknown-column]``), separated by commas
or spaces; text after the closing ``]`` is a free-form reason. A suppression that silences
nothing is reported as PGD901 unused-suppression, one that cannot be read as PGD902
malformed-suppression.

>>> from pgdrift.source import SourceFile
>>> src = SourceFile("a.sql", "select x from t; -- pgdrift: ignore[PGD101] legacy\\n")
>>> [(s.line, s.codes) for s in parse_suppressions(src)[0]]
[(1, ('PGD101',))]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pgdrift.config import Config
from pgdrift.diagnostic import Diagnostic
from pgdrift.rules import get_rule, load_all
from pgdrift.source import SourceFile, Span

_DIRECTIVE = re.compile(r"--[ \t]*pgdrift[ \t]*:[ \t]*(?P<rest>[^\r\n]*)", re.IGNORECASE)
_FORM = re.compile(r"(?P<kind>ignore-file|ignore)(?P<ws>[ \t]*)(?P<open>\[)?", re.IGNORECASE)
_TOKEN = re.compile(r"[^\s,]+")
# one word, then a "[" or the end of the comment: a directive, possibly misspelt
_DIRECTIVE_LIKE = re.compile(r"[\w-]+[ \t]*(\[|$)")


@dataclass
class Suppression:
    """One parsed directive. ``codes[i]`` was written at ``spans[i]``."""

    path: str
    line: int
    file_level: bool
    codes: tuple[str, ...]
    spans: tuple[Span, ...]
    used: set[str] = field(default_factory=set)


@dataclass
class SuppressResult:
    diagnostics: list[Diagnostic]  # kept findings, plus PGD901/PGD902
    suppressed: list[Diagnostic]


def _rule_diag(code: str, message: str, span: Span, help: str) -> Diagnostic:
    rule = load_all()[code]
    return rule.diagnostic(message, span, help=help)


def parse_suppressions(source: SourceFile) -> tuple[list[Suppression], list[Diagnostic]]:
    """The suppressions written in ``source`` and PGD902 findings for malformed ones."""
    load_all()  # rule names and codes are looked up in the registry
    found: list[Suppression] = []
    malformed: list[Diagnostic] = []
    text = source.text
    for match in _DIRECTIVE.finditer(text):
        rest_start = match.start("rest")
        rest = match.group("rest")
        comment_span = source.span(match.start(), match.end())
        line = comment_span.line
        form = _FORM.match(rest)
        if form is None and not _DIRECTIVE_LIKE.match(rest):
            continue  # prose that happens to start with "pgdrift:", not a directive
        if form is None:
            word = rest.split("[")[0].strip() or "(nothing)"
            malformed.append(
                _rule_diag(
                    "PGD902",
                    f'unknown pgdrift directive "{word}"',
                    comment_span,
                    "write `-- pgdrift: ignore[CODE]` or `-- pgdrift: ignore-file[CODE]`",
                )
            )
            continue
        kind = form.group("kind").lower()
        if form.group("open") is None:
            malformed.append(
                _rule_diag(
                    "PGD902",
                    f"`{kind}` without a [CODE, …] list suppresses nothing",
                    comment_span,
                    f"name the codes: `-- pgdrift: {kind}[PGD101]`",
                )
            )
            continue
        list_start = form.end()
        close = rest.find("]", list_start)
        if close == -1:
            malformed.append(
                _rule_diag(
                    "PGD902",
                    "unclosed `[` in pgdrift suppression",
                    comment_span,
                    f"close the list: `-- pgdrift: {kind}[PGD101]`",
                )
            )
            continue
        codes: list[str] = []
        spans: list[Span] = []
        for token in _TOKEN.finditer(rest, list_start, close):
            start = rest_start + token.start()
            span = source.span(start, start + len(token.group()))
            rule = get_rule(token.group())
            if rule is None:
                malformed.append(
                    _rule_diag(
                        "PGD902",
                        f'unknown rule "{token.group()}" in pgdrift suppression',
                        span,
                        "`pgdrift rules` lists the codes and names",
                    )
                )
                continue
            if rule.code not in codes:
                codes.append(rule.code)
                spans.append(span)
        if not codes:
            if not _TOKEN.search(rest, list_start, close):
                malformed.append(
                    _rule_diag(
                        "PGD902",
                        "empty code list in pgdrift suppression",
                        comment_span,
                        f"name the codes: `-- pgdrift: {kind}[PGD101]`",
                    )
                )
            continue
        found.append(
            Suppression(source.path, line, kind == "ignore-file", tuple(codes), tuple(spans))
        )
    return found, malformed


def apply_suppressions(
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile] | Iterable[SourceFile],
    config: Config | None = None,
) -> SuppressResult:
    """Drop suppressed findings; add PGD901 for unused and PGD902 for malformed suppressions.

    ``config`` (optional) decides which rules are enabled: a suppression of a rule that is
    disabled (``select``/``ignore``/``per-file-ignores``) is not reported as unused, and
    PGD901/PGD902 obey those settings themselves.
    """
    files = list(sources.values()) if isinstance(sources, Mapping) else list(sources)

    def enabled(code: str, path: str | None) -> bool:
        return config is None or config.rule_enabled_for(code, path)

    by_line: dict[tuple[str, int], list[Suppression]] = {}
    by_file: dict[str, list[Suppression]] = {}
    extra: list[Diagnostic] = []
    for source in files:
        sups, bad = parse_suppressions(source)
        extra += bad
        for sup in sups:
            if sup.file_level:
                by_file.setdefault(sup.path, []).append(sup)
            else:
                by_line.setdefault((sup.path, sup.line), []).append(sup)
    kept: list[Diagnostic] = []
    suppressed: list[Diagnostic] = []
    for d in diagnostics:
        if d.span is None or not _silence(d, by_line, by_file):
            kept.append(d)
        else:
            suppressed.append(d)
    for sup in [s for group in (*by_line.values(), *by_file.values()) for s in group]:
        for code, span in zip(sup.codes, sup.spans, strict=True):
            if code in sup.used or not enabled(code, sup.path):
                continue
            where = "in this file" if sup.file_level else "on this line"
            extra.append(
                _rule_diag(
                    "PGD901",
                    f"unused suppression: no {code} finding {where}",
                    span,
                    f"remove {code} from the suppression",
                )
            )
    kept += [d for d in extra if enabled(d.code, d.span.path if d.span else None)]
    return SuppressResult(kept, suppressed)


def _silence(
    d: Diagnostic,
    by_line: dict[tuple[str, int], list[Suppression]],
    by_file: dict[str, list[Suppression]],
) -> bool:
    assert d.span is not None
    candidates = [
        *by_line.get((d.span.path, d.span.line), ()),
        *(
            by_line.get((d.span.path, d.span.end_line), ())
            if d.span.end_line != d.span.line
            else ()
        ),
        *by_file.get(d.span.path, ()),
    ]
    hit = False
    for sup in candidates:
        if d.code in sup.codes:
            sup.used.add(d.code)
            hit = True
    return hit
