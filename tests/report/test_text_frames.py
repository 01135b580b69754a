"""Code-frame edge cases of the text renderer."""

from __future__ import annotations

from pgdrift.diagnostic import Diagnostic, Severity
from pgdrift.report.text import format_diagnostic
from pgdrift.source import SourceFile, Span


def _frame(src: SourceFile, span: Span, **kw) -> str:
    d = Diagnostic("PGD101", "unknown-column", Severity.ERROR, "m", span, **kw)
    return format_diagnostic(d, src).plain


def test_zero_width_span_gets_one_caret() -> None:
    src = SourceFile("a.sql", "select from t;\n")
    out = _frame(src, src.span(7, 7))
    assert out.splitlines()[-1] == "  |        ^"


def test_span_past_the_end_of_line_is_clipped() -> None:
    src = SourceFile("a.sql", "select x\r\nfrom t;\r\n")
    span = Span("a.sql", 1, 8, 1, 40)
    lines = _frame(src, span).splitlines()
    assert lines[3] == "1 | select x" and lines[4] == "  |        ^"


def test_long_multi_line_span_is_elided() -> None:
    text = "".join(f"line{i}\n" for i in range(1, 21))
    src = SourceFile("a.sql", text)
    out = _frame(src, src.span(0, len(text) - 1))
    assert "line1" in out and "line20" in out and "line10" not in out
    assert "\n  ...\n" in out


def test_gutter_width_follows_the_line_number() -> None:
    src = SourceFile("a.sql", "\n" * 999 + "select nope;\n")
    out = _frame(src, src.span(999 + 7, 999 + 11), help="did you mean?")
    assert out.splitlines()[1:5] == [
        "    --> a.sql:1000:8",
        "     |",
        "1000 | select nope;",
        "     |        ^^^^",
    ]
    assert out.endswith("\nhelp: did you mean?")


def test_context_note_is_not_repeated() -> None:
    src = SourceFile("a.sql", "select nope;\n")
    out = _frame(
        src,
        src.span(7, 11),
        context="function public.f()",
        notes=("in function public.f(), body line 3",),
    )
    assert out.count("= note:") == 1
    out = _frame(src, src.span(7, 11), context="view public.v")
    assert "   = note: in view public.v" not in out and "  = note: in view public.v" in out


def test_carets_align_under_wide_characters() -> None:
    src = SourceFile("a.sql", "select '漢字', nope;\n")
    start = src.text.index("nope")
    lines = _frame(src, src.span(start, start + 4)).splitlines()
    assert lines[3] == "1 | select '漢字', nope;"
    assert lines[4] == "  |                ^^^^"
