"""Bad input never crashes the checker: mangled SQL gives diagnostics, not exceptions."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgdrift.check import check_paths
from pgdrift.config import Config

CASES = Path(__file__).resolve().parent.parent / "cases"
SAMPLE = (CASES / "realistic" / "shop_clean.sql").read_text("utf-8")
SNIPPETS = ["$$", "'", '"', ";", "(", ")", "BEGIN", "END;", "\\", "DECLARE", "--", "/*", "é", "\n"]


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(SAMPLE)),
            st.integers(min_value=0, max_value=40),
            st.sampled_from(SNIPPETS),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mangled_sql_never_raises(edits: list[tuple[int, int, str]]) -> None:
    text = SAMPLE
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut :]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mangled.sql"
        path.write_text(text, encoding="utf-8")
        result = check_paths([str(path)], Config(root=Path(tmp), cache=False, jobs=1))
    assert result.stats.files == 1
    for d in result.diagnostics:
        assert d.span is not None and 1 <= d.span.line <= text.count("\n") + 2
        assert "internal error" not in d.message, d.message
