from __future__ import annotations

import io

from pgdrift.report.progress import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    with Progress("checking", stream=stream) as progress:
        progress(1, 3, "a.sql")
    assert not progress.enabled and stream.getvalue() == ""


def test_progress_draws_on_a_terminal_and_can_be_disabled() -> None:
    stream = Tty()
    with Progress("checking", stream=stream) as progress:
        for i in range(1, 4):
            progress(i, 3, f"file{i}.sql")
    assert progress.enabled
    assert "checking" in stream.getvalue()
    off = Tty()
    with Progress("checking", stream=off, enabled=False) as progress:
        progress(1, 1, "x")
    assert off.getvalue() == ""
