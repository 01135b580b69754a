from __future__ import annotations

import pytest

from pgdrift.config import Config
from pgdrift.diagnostic import Diagnostic, Severity
from pgdrift.source import SourceFile
from pgdrift.suppress import apply_suppressions, parse_suppressions


def _diag(src: SourceFile, needle: str, code: str = "PGD101") -> Diagnostic:
    start = src.text.index(needle)
    return Diagnostic(
        code, "x", Severity.ERROR, f"{code} at {needle}", src.span(start, start + len(needle))
    )


def test_same_line_suppression_silences_only_its_code_and_line() -> None:
    src = SourceFile(
        "a.sql",
        "select bad1 from t; -- pgdrift: ignore[PGD101]\n"
        "select bad2 from t;\n"
        "select bad3 from t; -- pgdrift: ignore[unknown-relation]\n",
    )
    d1, d2, d3 = _diag(src, "bad1"), _diag(src, "bad2"), _diag(src, "bad3")
    rel = _diag(src, "t; -- pgdrift: ignore[unknown-relation]", "PGD102")
    res = apply_suppressions([d1, d2, d3, rel], {src.path: src})
    assert res.suppressed == [d1, rel]
    assert [d.code for d in res.diagnostics] == ["PGD101", "PGD101"]
    assert {d.message for d in res.diagnostics} == {"PGD101 at bad2", "PGD101 at bad3"}


def test_line_above_does_not_suppress_and_is_reported_unused() -> None:
    src = SourceFile("a.sql", "-- pgdrift: ignore[PGD101]\nselect bad from t;\n")
    d = _diag(src, "bad")
    res = apply_suppressions([d], [src])
    assert res.suppressed == []
    codes = sorted(x.code for x in res.diagnostics)
    assert codes == ["PGD101", "PGD901"]
    unused = next(x for x in res.diagnostics if x.code == "PGD901")
    assert unused.span is not None and (unused.span.line, unused.span.col) == (1, 20)


def test_file_level_suppression() -> None:
    src = SourceFile(
        "a.sql",
        "select bad from t;\nselect worse from t;\n-- pgdrift: ignore-file[PGD101, PGD103]\n",
    )
    res = apply_suppressions([_diag(src, "bad"), _diag(src, "worse")], [src])
    assert len(res.suppressed) == 2
    assert [d.message for d in res.diagnostics] == [
        "unused suppression: no PGD103 finding in this file"
    ]


@pytest.mark.parametrize(
    ("comment", "fragment"),
    [
        ("-- pgdrift: ignore PGD101", "without a [CODE"),
        ("-- pgdrift: ignore[PGD101", "unclosed"),
        ("-- pgdrift: ignore[]", "empty code list"),
        ("-- pgdrift: ignore[PGD11]", 'unknown rule "PGD11"'),
        ("-- pgdrift: noqa[PGD101]", 'unknown pgdrift directive "noqa"'),
        ("-- PGDRIFT: ignore[no-such-rule]", 'unknown rule "no-such-rule"'),
    ],
)
def test_malformed_suppressions(comment: str, fragment: str) -> None:
    src = SourceFile("a.sql", f"select 1; {comment}\n")
    sups, bad = parse_suppressions(src)
    assert sups == []
    assert len(bad) == 1 and bad[0].code == "PGD902" and fragment in bad[0].message
    assert bad[0].span is not None and bad[0].span.line == 1


def test_prose_after_pgdrift_colon_is_not_a_directive() -> None:
    src = SourceFile(
        "a.sql", "-- pgdrift: this file is checked in CI\nselect 1; -- pgdrift: ignor\n"
    )
    sups, bad = parse_suppressions(src)
    assert sups == [] and [d.message for d in bad] == ['unknown pgdrift directive "ignor"']


def test_disabled_rules_are_not_reported_unused_and_meta_rules_obey_config() -> None:
    src = SourceFile(
        "a.sql", "select 1; -- pgdrift: ignore[PGD102]\nselect 2; -- pgdrift: ignore[PGD11]\n"
    )
    res = apply_suppressions([], [src], Config(ignore=("PGD102",)))
    assert [d.code for d in res.diagnostics] == ["PGD902"]
    res = apply_suppressions([], [src], Config(ignore=("PGD9",)))
    assert res.diagnostics == []


def test_multi_line_span_suppressed_on_its_last_line() -> None:
    src = SourceFile("a.sql", "update t\n   set x = 1; -- pgdrift: ignore[PGD102]\n")
    d = Diagnostic("PGD102", "x", Severity.WARNING, "m", src.span(0, len(src.text) - 1))
    assert apply_suppressions([d], [src]).suppressed == [d]


def test_per_file_ignored_rule_is_not_reported_unused() -> None:
    src = SourceFile("sql/legacy/a.sql", "select 1; -- pgdrift: ignore[PGD101]\n")
    config = Config(per_file_ignores=(("sql/legacy/*", ("PGD101",)),))
    assert apply_suppressions([], [src], config).diagnostics == []
    assert [d.code for d in apply_suppressions([], [src], Config()).diagnostics] == ["PGD901"]
