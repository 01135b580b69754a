"""``pgdrift rules`` lists every rule; ``pgdrift rule CODE|NAME`` prints its documentation."""

from __future__ import annotations

import difflib
import json

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


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_command(fmt: str) -> None:
    """List every rule: code, name, severity."""
    rows = rule_rows()
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
