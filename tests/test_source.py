from pgdrift.source import SourceFile, byte_to_char_offset


def test_position_and_offset_round_trip() -> None:
    src = SourceFile("a.sql", "select 1;\nselect x;\r\nlast")
    for offset in range(len(src.text)):
        line, col = src.position(offset)
        assert src.offset(line, col) == offset
    assert src.position(17) == (2, 8)
    assert src.line_text(2) == "select x;"
    assert src.line_text(3) == "last"


def test_span_is_exclusive_at_end() -> None:
    src = SourceFile("a.sql", "ab\ncd")
    span = src.span(3, 5)
    assert (span.line, span.col, span.end_line, span.end_col) == (2, 1, 2, 3)


def test_byte_offsets_of_multibyte_text() -> None:
    text = "-- é\nselect 1"
    assert byte_to_char_offset(text, len("-- é\n".encode())) == 5
