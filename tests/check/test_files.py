from pgdrift.parse.files import split_file
from pgdrift.source import SourceFile

TEXT = """-- héllo
CREATE FUNCTION f(a int) RETURNS int AS 'select ''x'', a' LANGUAGE 'sql';
create view v as select 1 from t with check option;
CREATE FUNCTION g() RETURNS int LANGUAGE sql
BEGIN ATOMIC select 1; select case when true then 1 end; END;
DO $x$ begin perform 'é'; end $x$;
selec 1;
insert into t values ('é');
"""


def test_split_keeps_going_after_a_syntax_error() -> None:
    f = split_file(SourceFile("a.sql", TEXT))
    assert [s.kind for s in f.statements] == ["function", "view", "function", "do", "dml"]
    assert len(f.errors) == 1
    assert f.source.position(f.errors[0].offset) == (7, 1)
    assert f.statements[-1].text == "insert into t values ('é')"


def test_bodies_map_to_file_offsets() -> None:
    for text in (TEXT, TEXT.replace("selec 1", "select 1")):
        f = split_file(SourceFile("a.sql", text))
        fn, view, atomic, do = f.statements[:4]
        assert fn.body is not None and fn.body.text == "select 'x', a"
        assert text[fn.body.file_offset(12)] == "a"
        assert text[fn.body.file_offset(8)] == "x"
        assert view.body is not None and view.body.text == "select 1 from t"
        assert text[view.body.offset :].startswith("select 1 from t with")
        assert [b.text for b in atomic.atomic] == ["select 1", "select case when true then 1 end"]
        for b in atomic.atomic:
            assert text[b.offset : b.offset + len(b.text)] == b.text
        assert do.body is not None and text[do.body.offset :].startswith(" begin perform 'é'")
