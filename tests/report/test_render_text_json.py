from __future__ import annotations

import io
import json

import pytest

from pgdrift.diagnostic import Diagnostic
from pgdrift.report import FORMATS, render
from pgdrift.source import SourceFile

from .conftest import assert_snapshot


def _render(fmt: str, diagnostics, sources, stats, **kw) -> str:
    out = io.StringIO()
    render(diagnostics, fmt, sources, stats, out, **kw)
    return out.getvalue()


def test_text_snapshot(diagnostics, sources, stats) -> None:
    assert_snapshot("text.txt", _render("text", diagnostics, sources, stats, color=False))


def test_text_colour_snapshot(diagnostics, sources, stats) -> None:
    out = _render("text", diagnostics, sources, stats, color=True)
    assert "\x1b[" in out
    assert_snapshot("text_color.txt", out)


def test_text_no_colour_when_not_a_tty(diagnostics, sources, stats) -> None:
    out = _render("text", diagnostics, sources, stats)  # StringIO is not a tty
    assert "\x1b[" not in out


def test_text_matches_design_example() -> None:
    text = "\n" * 40 + "    'chunk_index', v_chunk.chunk_number,\n"
    src = SourceFile("sql/020_queue_functions.sql", text)
    start = text.index("v_chunk.chunk_number")
    d = Diagnostic(
        "PGD101",
        "unknown-column",
        "error",  # type: ignore[arg-type]
        'column "chunk_number" does not exist in record v_chunk (public.chunked_sync_jobs)',
        src.span(start, start + len("v_chunk.chunk_number")),
        help='did you mean "chunk_index"?',
        notes=("in function public.claim_next_chunk_job_safe(text), body line 17",),
    )
    out = _render("text", [d], {src.path: src}, None, quiet=True, color=False)
    assert out == (
        'error[PGD101]: column "chunk_number" does not exist in record v_chunk'
        " (public.chunked_sync_jobs)\n"
        "  --> sql/020_queue_functions.sql:41:20\n"
        "   |\n"
        "41 |     'chunk_index', v_chunk.chunk_number,\n"
        "   |                    ^^^^^^^^^^^^^^^^^^^^\n"
        "   = note: in function public.claim_next_chunk_job_safe(text), body line 17\n"
        'help: did you mean "chunk_index"?\n'
        "\n"
    )


def test_text_summary_line(stats) -> None:
    out = _render("text", [], {}, stats, color=False)
    assert out == "2 files, 1 function, 1 view, 4 statements checked, 1 unanalysed; 0 findings\n"


def test_text_reads_a_source_missing_from_sources(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.sql").write_text("select nope from t;\n")
    src = SourceFile("a.sql", "select nope from t;\n")
    d = Diagnostic("PGD101", "unknown-column", "error", "m", src.span(7, 11))  # type: ignore[arg-type]
    out = _render("text", [d], None, None, color=False)
    assert "1 | select nope from t;" in out and "  |        ^^^^" in out


def test_json_snapshot(diagnostics, sources, stats) -> None:
    out = _render("json", diagnostics, sources, stats)
    assert_snapshot("json.json", out)
    data = json.loads(out)
    assert [d["code"] for d in data] == ["PGD201", "PGD103", "PGD103", "PGD001", "PGD101", "PGD101"]
    first = data[1]
    assert first["location"] == {"row": 8, "column": 20}
    assert first["end_location"] == {"row": 8, "column": 40}
    assert set(first) >= {"code", "name", "severity", "message", "filename", "help", "url"}
    assert data[0]["location"] is None and data[0]["filename"] is None


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown output format"):
        render([], "xml", stream=io.StringIO())
    assert "text" in FORMATS and "json" in FORMATS


def test_colour_environment(monkeypatch, diagnostics, sources, stats) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in _render("text", diagnostics, sources, stats)
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in _render("text", diagnostics, sources, stats)
    assert "\x1b[" in _render("text", diagnostics, sources, stats, color=True)
