"""CLI behaviour that does not depend on the checker: configuration, rules, usage errors."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgdrift.cli import cli
from pgdrift.config import Config, ConfigError, load_config
from pgdrift.rules import load_all


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "a.sql").write_text("create table t (id int);\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _pyproject(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.pgdrift]\n{body}\n")


def test_show_config_merges_file_and_flags(project: Path) -> None:
    _pyproject(
        project,
        'paths = ["sql"]\nselect = ["pgd1"]\nformat = "json"\nbaseline = "ci/baseline.json"\n'
        'per-file-ignores = {"sql/legacy/*.sql" = ["PGD101"]}\nfail-on = "error"',
    )
    result = CliRunner().invoke(cli, ["check", "--show-config", "--ignore", "PGD105,PGD106"])
    assert result.exit_code == 0, result.output
    shown = tomllib.loads(result.output)["tool"]["pgdrift"]
    assert shown["select"] == ["PGD1"]
    assert shown["ignore"] == ["PGD105", "PGD106"]
    assert shown["format"] == "json"
    assert shown["fail-on"] == "error"
    assert shown["baseline"] == str(project / "ci" / "baseline.json")
    assert shown["per-file-ignores"] == {"sql/legacy/*.sql": ["PGD101"]}


def test_every_config_field_is_a_documented_setting() -> None:
    settings = Config().settings()
    for key in (
        "paths",
        "schema",
        "search-path",
        "exclude",
        "select",
        "ignore",
        "dsn",
        "cache",
        "cache-dir",
        "jobs",
        "format",
        "baseline",
        "fail-on",
        "per-file-ignores",
        "output",
        "color",
        "progress",
    ):
        assert key in settings


def test_unknown_key_is_a_warning_with_a_suggestion(project: Path) -> None:
    _pyproject(project, 'paths = ["sql"]\nselct = ["PGD1"]')
    result = CliRunner().invoke(cli, ["check", "--show-config"])
    assert result.exit_code == 0
    assert 'unknown key "selct"' in result.stderr and 'did you mean "select"' in result.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("select = 1", "select must be a list of strings"),
        ('format = "xml"', "format must be one of"),
        ("jobs = -1", "jobs must be a whole number"),
        ('cache = "yes"', "cache must be true or false"),
        ("paths = [", "cannot read configuration"),
    ],
)
def test_bad_config_exits_2_with_the_file_named(project: Path, body: str, message: str) -> None:
    _pyproject(project, body)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert message in result.stderr and "pyproject.toml" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_missing_path_exits_2(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "sql", "does/not/exist.sql"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "pgdrift: error: path does not exist: does/not/exist.sql"


def test_missing_explicit_config_file_exits_2(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--config", "nope.toml", "sql"])
    assert result.exit_code == 2 and "nope.toml" in result.stderr


def test_load_config_finds_the_pyproject_above(project: Path) -> None:
    _pyproject(project, 'schema = "expected_schema"\nextra-thing = 1')
    sub = project / "sql"
    config = load_config(sub)
    assert config.root == project.resolve() and config.unknown_keys == ("extra-thing",)
    with pytest.raises(ConfigError):
        _pyproject(project, "jobs = true")
        load_config(sub)


def test_per_file_ignores() -> None:
    config = Config(per_file_ignores=(("sql/legacy/*", ("PGD101",)), ("*.gen.sql", ("PGD1",))))
    assert not config.rule_enabled_for("PGD101", "sql/legacy/old.sql")
    assert config.rule_enabled_for("PGD102", "sql/legacy/old.sql")
    assert not config.rule_enabled_for("PGD105", "sql/x/a.gen.sql")
    assert config.rule_enabled_for("PGD101", "sql/new.sql")


def test_rules_lists_every_registered_rule() -> None:
    result = CliRunner().invoke(cli, ["rules"])
    assert result.exit_code == 0
    listed = re.findall(r"^\s+(PGD\d{3})\s+(\S+)\s+(error|warning|info)$", result.output, re.M)
    registry = load_all()
    assert [c for c, _, _ in listed] == sorted(registry)
    for code, name, severity in listed:
        assert registry[code].name == name and str(registry[code].severity) == severity


def test_rules_json() -> None:
    data = json.loads(CliRunner().invoke(cli, ["rules", "--format", "json"]).output)
    assert {d["code"] for d in data} == set(load_all())


@pytest.mark.parametrize("key", ["PGD901", "pgd901", "unused-suppression"])
def test_rule_prints_its_documentation(key: str) -> None:
    result = CliRunner().invoke(cli, ["rule", key])
    assert result.exit_code == 0
    assert result.output.startswith("# unused-suppression (PGD901)\n")
    for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert f"## {section}" in result.output


def test_every_rule_is_documented_in_the_four_sections() -> None:
    for code, rule in load_all().items():
        doc = rule.doc()
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
            assert section in doc, f"{code} lacks {section}"
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), code


def test_unknown_rule_exits_2_with_suggestions() -> None:
    result = CliRunner().invoke(cli, ["rule", "unused-supression"])
    assert result.exit_code == 2
    assert "did you mean unused-suppression" in result.stderr


def test_rules_selected_by_name_prefix_or_all(project: Path) -> None:
    _pyproject(project, 'select = ["ALL"]\nignore = ["unknown-column", "pgd9"]')
    config = load_config(project)
    assert config.select == ("PGD",) and config.ignore == ("PGD101", "PGD9")
    assert config.rule_enabled("PGD103") and not config.rule_enabled("PGD101")
    result = CliRunner().invoke(cli, ["check", "--show-config", "--select", "unknown-record-field"])
    assert tomllib.loads(result.output)["tool"]["pgdrift"]["select"] == ["PGD103"]
    result = CliRunner().invoke(cli, ["check", "--ignore", "no-such-rule"])
    assert result.exit_code == 2 and "'no-such-rule' is neither a rule code" in result.stderr
