from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgdrift.baseline import BaselineError, apply_baseline, fingerprints, write_baseline
from pgdrift.diagnostic import Diagnostic, Severity
from pgdrift.source import SourceFile

BODY = """\
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE jobs SET actual_duration_ms = 1 WHERE id = 1;
    UPDATE jobs SET error = 'x' WHERE id = 2;
END $$;
"""


def _find(src: SourceFile, needle: str, nth: int = 0, code: str = "PGD101") -> Diagnostic:
    start = -1
    for _ in range(nth + 1):
        start = src.text.index(needle, start + 1)
    return Diagnostic(
        code,
        "unknown-column",
        Severity.ERROR,
        f'column "{needle}" does not exist',
        src.span(start, start + len(needle)),
        context="function public.f()",
    )


def test_unrelated_line_added_above_keeps_findings_baselined(tmp_path: Path) -> None:
    before = SourceFile("sql/a.sql", BODY)
    found = [_find(before, "actual_duration_ms"), _find(before, "error")]
    base = tmp_path / "baseline.json"
    assert write_baseline(base, found, {before.path: before}) == 2

    edited = BODY.replace("BEGIN\n", "BEGIN\n    -- a new comment\n    PERFORM 1;\n")
    edited = "-- header added later\n\n" + edited.replace(
        "    UPDATE jobs SET error", "  UPDATE jobs SET  error"
    )
    after = SourceFile("sql/a.sql", edited)
    moved = [_find(after, "actual_duration_ms"), _find(after, "error")]
    assert moved[0].span.line != found[0].span.line  # type: ignore[union-attr]
    result = apply_baseline(base, moved, {after.path: after})
    assert result.new == [] and len(result.baselined) == 2 and result.stale == 0


def test_new_finding_is_reported_and_fixed_ones_are_stale(tmp_path: Path) -> None:
    before = SourceFile("sql/a.sql", BODY)
    base = tmp_path / "baseline.json"
    write_baseline(
        base, [_find(before, "actual_duration_ms"), _find(before, "error")], {before.path: before}
    )

    after = SourceFile(
        "sql/a.sql",
        BODY.replace("SET error =", "SET error_message =") + "SELECT bogus FROM jobs;\n",
    )
    new = _find(after, "bogus")
    result = apply_baseline(base, [_find(after, "actual_duration_ms"), new], {after.path: after})
    assert result.new == [new]
    assert result.stale == 1


def test_identical_lines_are_told_apart_by_occurrence(tmp_path: Path) -> None:
    text = "select nope from t;\nselect nope from t;\n"
    src = SourceFile("a.sql", text)
    first, second = _find(src, "nope", 0), _find(src, "nope", 1)
    prints = fingerprints([first, second], {src.path: src})
    assert prints[0] != prints[1]
    base = tmp_path / "b.json"
    write_baseline(base, [first], {src.path: src})
    assert apply_baseline(base, [first, second], {src.path: src}).new == [second]


def test_fingerprint_ignores_the_message_but_not_the_code() -> None:
    src = SourceFile("a.sql", "select nope from t;\n")
    d = _find(src, "nope")
    other_message = Diagnostic(d.code, d.name, d.severity, "reworded", d.span, context=d.context)
    other_code = Diagnostic("PGD105", d.name, d.severity, d.message, d.span, context=d.context)
    sources = {src.path: src}
    assert fingerprints([d], sources) == fingerprints([other_message], sources)
    assert fingerprints([d], sources) != fingerprints([other_code], sources)


def test_fingerprints_use_paths_relative_to_the_root(tmp_path: Path) -> None:
    src_rel = SourceFile("sql/a.sql", "select nope from t;\n")
    src_abs = SourceFile(str(tmp_path / "sql" / "a.sql"), "select nope from t;\n")
    a = fingerprints([_find(src_rel, "nope")], {src_rel.path: src_rel}, tmp_path)
    b = fingerprints([_find(src_abs, "nope")], {src_abs.path: src_abs}, tmp_path)
    assert a == b


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "invalid JSON"),
        ('{"version": 1}', 'no "findings" list'),
        ('{"version": 9, "findings": []}', "unsupported baseline version"),
    ],
)
def test_bad_baseline_files(tmp_path: Path, content: str, message: str) -> None:
    base = tmp_path / "b.json"
    base.write_text(content)
    with pytest.raises(BaselineError, match=message):
        apply_baseline(base, [], {})
    with pytest.raises(BaselineError, match="cannot read baseline"):
        apply_baseline(tmp_path / "missing.json", [], {})


def test_baseline_file_is_readable_and_sorted(tmp_path: Path) -> None:
    src = SourceFile("sql/a.sql", BODY)
    base = tmp_path / "b.json"
    write_baseline(base, [_find(src, "error"), _find(src, "actual_duration_ms")], {src.path: src})
    doc = json.loads(base.read_text())
    assert doc["version"] == 1
    assert [e["line"] for e in doc["findings"]] == [3, 4]
    assert {e["filename"] for e in doc["findings"]} == {"sql/a.sql"}


def test_signature_change_keeps_findings_matched(tmp_path: Path) -> None:
    src = SourceFile("sql/a.sql", BODY)
    d = _find(src, "error")
    changed = Diagnostic(
        d.code, d.name, d.severity, d.message, d.span, context="function public.f(integer)"
    )
    other = Diagnostic(d.code, d.name, d.severity, d.message, d.span, context="function public.g()")
    sources = {src.path: src}
    assert fingerprints([d], sources) == fingerprints([changed], sources)
    assert fingerprints([d], sources) != fingerprints([other], sources)
