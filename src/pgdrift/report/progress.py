"""A progress display for long runs (many files, verify, soak): a rich progress bar on
stderr, and nothing at all when stderr is not a terminal (CI logs stay clean).

>>> import io
>>> with Progress("checking", stream=io.StringIO()) as progress:
...     progress.update(1, 2, "a.sql")
>>> progress.enabled
False
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # rich is imported when a bar is shown (only on a terminal)
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID


class Progress:
    """``with Progress("checking") as p: p.update(done, total, current)``.

    Enabled only when ``enabled`` is true (the default) and ``stream`` is a terminal.
    ``update`` is also usable as a plain callback ``(done, total, label)``.
    """

    def __init__(self, description: str, *, stream: TextIO | None = None, enabled: bool = True):
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(enabled and isatty is not None and isatty())
        self.description = description
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress

            from pgdrift.report.text import use_color

            console = Console(file=self.stream, no_color=not use_color(self.stream, None))
            self._bar = RichProgress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[label]}"),
                console=console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=None, label="")
        return self

    def update(self, done: int, total: int | None = None, label: str | None = None) -> None:
        if self._bar is None or self._task is None:
            return
        self._bar.update(self._task, completed=done, total=total, label=label or "")

    def __call__(self, done: int, total: int | None = None, label: str | None = None) -> None:
        self.update(done, total, label)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
