"""``pgdrift rules`` lists every rule; ``pgdrift rule CODE|NAME`` prints its documentation."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import click

from pgdrift.cli.base import cli
from pgdrift.cli.output import fail
from pgdrift.rules import get_rule, load_all
from pgdrift.rules.base import Rule

FAMILIES = {
    "0": "input",
    "1": "resolution",
    "2": "drift",
    "3": "PL/pgSQL",
    "9": "meta",
}


def rule_rows() -> list[type[Rule]]:
    """Every registered rule, by code."""
    return [rule for _, rule in sorted(load_all().items())]


def rule_markdown(rule: type[Rule]) -> str:
    """A rule's documentation as ``pgdrift rule`` prints it (Markdown)."""
    return f"# {rule.name} ({rule.code})\n\nSeverity: {rule.severity}\n\n{rule.doc()}\n"


def rules_markdown() -> str:
    """The README's rule list, generated from the registry (``pgdrift rules --format
    markdown``)."""
    lines = ["| Code | Name | Severity | Family |", "| --- | --- | --- | --- |"]
    for r in rule_rows():
        family = FAMILIES.get(r.code[3:4], "other")
        lines.append(f"| `{r.code}` | `{r.name}` | {r.severity} | {family} |")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- rules:begin -->\n", "<!-- rules:end -->"


def write_readme_table(path: Path) -> bool:
    """Rewrite the rule table between the markers in ``path``; True when it changed."""
    text = path.read_text("utf-8")
    try:
        a = text.index(BEGIN) + len(BEGIN)
        b = text.index(END, a)
    except ValueError:
        fail(f"{path}: no {BEGIN.strip()} … {END} markers")
    new = text[:a] + rules_markdown() + text[b:]
    if new != text:
        path.write_text(new, "utf-8")
    return new != text


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.option(
    "--update-readme",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Rewrite the rule table between <!-- rules:begin/end --> in this file.",
)
def rules_command(fmt: str, update_readme: Path | None) -> None:
    """List every rule: code, name, severity."""
    rows = rule_rows()
    if update_readme is not None:
        changed = write_readme_table(update_readme)
        click.echo(f"{update_readme}: {'updated' if changed else 'up to date'}")
        return
    if fmt == "markdown":
        click.echo(rules_markdown(), nl=False)
        return
    if fmt == "json":
        data = [
            {"code": r.code, "name": r.name, "severity": str(r.severity), "doc": r.doc()}
            for r in rows
        ]
        click.echo(json.dumps(data, indent=2))
        return
    width = max((len(r.name) for r in rows), default=4)
    family = None
    for r in rows:
        digit = r.code[3:4]
        if digit != family:
            family = digit
            click.echo(f"{'' if r is rows[0] else chr(10)}{FAMILIES.get(digit, 'other')}:")
        click.echo(f"  {r.code}  {r.name:<{width}}  {r.severity}")


@cli.command("rule")
@click.argument("code_or_name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rule_command(code_or_name: str, fmt: str) -> None:
    """Print the documentation of a rule, by code (PGD101) or name (unknown-column)."""
    load_all()
    rule = get_rule(code_or_name)
    if rule is None:
        candidates = [r.code for r in rule_rows()] + [r.name for r in rule_rows()]
        close = difflib.get_close_matches(code_or_name, candidates, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `pgdrift rules` lists them"
        fail(f'no rule "{code_or_name}"{hint}')
    if fmt == "json":
        data = {
            "code": rule.code,
            "name": rule.name,
            "severity": str(rule.severity),
            "doc": rule.doc(),
        }
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(rule_markdown(rule), nl=False)
