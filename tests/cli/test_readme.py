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
