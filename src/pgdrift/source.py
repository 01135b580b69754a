"""Source files and spans: offsets <-> 1-based line/column, body positions -> file positions.

>>> src = SourceFile("a.sql", "select 1;\\nselect x;\\n")
>>> src.position(17)
(2, 8)
>>> src.span(17, 18).line, src.span(17, 18).col
(2, 8)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file. Lines and columns are 1-based; ``col`` counts characters.

    ``end_line``/``end_col`` point just past the last character (exclusive), like ruff's
    ``end_location``.
    """

    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    start: int = 0  # character offset in the file
    end: int = 0


@dataclass(slots=True)
class SourceFile:
    """The text of one SQL file with a line index for offset/position conversion."""

    path: str
    text: str
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._line_starts = starts

    @classmethod
    def read(cls, path: str | Path, display: str | None = None) -> SourceFile:
        """Read a file as UTF-8 (a BOM is dropped). Raises ``OSError``/``UnicodeDecodeError``."""
        text = Path(path).read_text(encoding="utf-8-sig")
        return cls(display if display is not None else str(path), text)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its newline."""
        starts = self._line_starts
        if line < 1 or line > len(starts):
            return ""
        begin = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[begin:end].rstrip("\r")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        idx = bisect.bisect_right(self._line_starts, offset) - 1
        return idx + 1, offset - self._line_starts[idx] + 1

    def offset(self, line: int, col: int) -> int:
        """Character offset of a 1-based (line, column)."""
        line = max(1, min(line, len(self._line_starts)))
        return self._line_starts[line - 1] + col - 1

    def span(self, start: int, end: int) -> Span:
        """The span of ``text[start:end]``."""
        if end < start:
            end = start
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        return Span(self.path, line, col, end_line, end_col, start, end)


def byte_to_char_offset(text: str, byte_offset: int) -> int:
    """Convert a UTF-8 byte offset (what libpg_query/pglast report) to a character offset."""
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
