from __future__ import annotations

from pathlib import Path

from pgdrift.cli.rules import BEGIN, END, rules_markdown

README = Path(__file__).parents[2] / "README.md"


def test_readme_rule_table_matches_the_registry() -> None:
    text = README.read_text("utf-8")
    table = text[text.index(BEGIN) + len(BEGIN) : text.index(END)]
    assert table == rules_markdown(), (
        "README rule table is stale: run `pgdrift rules --update-readme README.md`"
    )


def test_readme_keeps_the_two_fresh_machine_commands_first() -> None:
    text = README.read_text("utf-8")
    first_fence = text.index("```sh")
    assert text.index("pgdrift check sql/") > first_fence
    assert text.index("python -m pytest") < text.index("## Quick start")


def _python_block_after(heading: str) -> str:
    text = README.read_text("utf-8")
    start = text.index("```python\n", text.index(heading)) + len("```python\n")
    return text[start : text.index("```", start)]


def test_readme_pytest_snippet_runs(tmp_path: Path, capsys) -> None:
    from .conftest import FIXED_SQL, make_project

    root = make_project(tmp_path / "proj")
    code = _python_block_after("### 3. From pytest")
    namespace: dict = {"__file__": str(root / "tests" / "test_schema_refs.py")}
    (root / "tests").mkdir()
    exec(compile(code, "README.md", "exec"), namespace)
    test = namespace["test_sql_references_resolve"]
    try:
        test()
    except AssertionError:
        pass
    else:
        raise AssertionError("the snippet passed on a project with four wrong references")
    assert 'did you mean "chunk_index"?' in capsys.readouterr().out
    (root / "sql" / "020_functions.sql").write_text(FIXED_SQL)
    test()


def test_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    from pgdrift.config import load_config

    text = README.read_text("utf-8")
    start = text.index("```toml\n") + len("```toml\n")
    (tmp_path / "pyproject.toml").write_text(text[start : text.index("```", start)])
    config = load_config(tmp_path)
    assert config.unknown_keys == ()
    assert config.fail_on == "warning" and config.per_file_ignores
