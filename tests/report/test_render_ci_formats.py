from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

from pgdrift.diagnostic import Diagnostic, Severity
from pgdrift.report import render
from pgdrift.report.github import format_annotation

from .conftest import assert_snapshot

SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


def _render(fmt: str, diagnostics, sources, stats, **kw) -> str:
    out = io.StringIO()
    render(diagnostics, fmt, sources, stats, out, **kw)
    return out.getvalue()


FIXED_RULES = {
    "PGD101": (
        "unknown-column",
        "error",
        "## What it does\nChecks that every column reference resolves. Reports the rest.\n\n"
        "## Why is this bad?\nPostgres fails at run time.",
    ),
    "PGD901": ("unused-suppression", "warning", ""),
}


def test_sarif_snapshot_and_schema(diagnostics, sources, stats, tmp_path, monkeypatch) -> None:
    # the snapshot must not change whenever a rule is added to the registry
    monkeypatch.setattr("pgdrift.report.sarif._registered_rules", lambda: dict(FIXED_RULES))
    out = _render("sarif", diagnostics, sources, stats, root=tmp_path)
    assert_snapshot("sarif.json", out)
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text("utf-8")))
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        for loc in result.get("locations", []):
            art = loc["physicalLocation"]["artifactLocation"]
            assert art["uriBaseId"] == "%SRCROOT%" and not art["uri"].startswith("/")
    assert all(r["help"]["text"] for r in rules)
    # GitHub rejects a SARIF file with any result lacking a location
    assert all(r.get("locations") for r in run["results"])
    by_id = {r["id"]: r for r in rules}
    assert (
        by_id["PGD101"]["shortDescription"]["text"]
        == "Checks that every column reference resolves."
    )


def test_sarif_anchors_positionless_findings(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    d = Diagnostic("PGD201", "missing-relation", Severity.ERROR, "only live")
    doc = json.loads(_render("sarif", [d], {}, None, root=tmp_path))
    loc = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "pyproject.toml", "uriBaseId": "%SRCROOT%"}
    doc = json.loads(_render("sarif", [d], {}, None, root=tmp_path, anchor="schema/x.sql"))
    loc = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "schema/x.sql"


def test_sarif_lists_every_registered_rule(tmp_path) -> None:
    from pgdrift.rules import load_all

    doc = json.loads(_render("sarif", [], {}, None, root=tmp_path))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text("utf-8")))
    ids = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
    assert ids == sorted(load_all())


def test_sarif_uri_is_relative_to_root_for_absolute_paths(tmp_path) -> None:
    from pgdrift.source import SourceFile

    path = tmp_path / "sql dir" / "a.sql"
    src = SourceFile(str(path), "select x;\n")
    d = Diagnostic("PGD101", "unknown-column", Severity.ERROR, "m", src.span(7, 8))
    doc = json.loads(_render("sarif", [d], {src.path: src}, None, root=tmp_path))
    art = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert art == {"uri": "sql%20dir/a.sql", "uriBaseId": "%SRCROOT%"}


def test_github_snapshot(diagnostics, sources, stats) -> None:
    out = _render("github", diagnostics, sources, stats)
    assert_snapshot("github.txt", out)
    lines = out.splitlines()
    assert len(lines) == len(diagnostics)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_github_escapes_newlines_and_percent() -> None:
    d = Diagnostic("PGD001", "x", Severity.WARNING, "50% done\nnext, line: here", help="a\r\nb")
    line = format_annotation(d)
    assert "\n" not in line and "\r" not in line
    assert line == "::warning title=PGD001 x::50%25 done%0Anext, line: here%0Ahelp: a%0D%0Ab"


def test_junit_snapshot(diagnostics, sources, stats) -> None:
    out = _render("junit", diagnostics, sources, stats)
    assert_snapshot("junit.xml", out)
    root = ET.fromstring(out.split("\n", 1)[1])
    assert root.tag == "testsuites"
    assert int(root.get("failures", "0")) == len(diagnostics)
    failures = root.findall(".//failure")
    assert len(failures) == len(diagnostics)


def test_junit_clean_file_is_a_passing_case(sources) -> None:
    out = _render("junit", [], sources, None)
    root = ET.fromstring(out.split("\n", 1)[1])
    assert root.get("failures") == "0" and root.get("tests") == str(len(sources))
