"""``pgdrift check`` end to end through click's CliRunner, on a project with the incident's
four wrong references."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from pgdrift.cli import cli

from .conftest import FIXED_SQL

SARIF_SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"
EXPECTED = {
    ("chunk_number", "chunk_index"),
    ("email_count_estimate", "estimated_emails"),
    ("actual_duration_ms", "processing_time_ms"),
    ("error", "error_message"),
}


def run(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


def _json(*args: str) -> list[dict]:
    result = run("--format", "json", *args)
    assert result.exit_code in (0, 1), result.output + result.stderr
    return json.loads(result.stdout)


def test_text_output_and_exit_code(project: Path) -> None:
    result = run()
    assert result.exit_code == 1, result.output + result.stderr
    out = result.stdout
    assert out.count("error[PGD") == 4
    assert "\n --> sql/020_functions.sql:8:" in out
    for _, suggestion in EXPECTED:
        assert f'help: did you mean "{suggestion}"?' in out
    summary = out.rstrip().splitlines()[-1]
    assert re.fullmatch(
        r"2 files, 2 functions, \d+ statements checked, 0 unanalysed; 4 findings", summary
    ), summary
    assert "\x1b[" not in out  # not a terminal: no colour


def test_json_output(project: Path) -> None:
    data = _json()
    assert len(data) == 4
    for item in data:
        assert item["severity"] == "error" and item["filename"] == "sql/020_functions.sql"
        assert (
            item["location"]["row"] >= 8
            and item["end_location"]["column"] > item["location"]["column"]
        )
    got = {(re.search(r'"(\w+)"', d["message"]).group(1), d["help"].split('"')[1]) for d in data}  # type: ignore[union-attr]
    assert got == EXPECTED


def test_clean_project_exits_0(project: Path) -> None:
    (project / "sql" / "020_functions.sql").write_text(FIXED_SQL)
    result = run()
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("; 0 findings")


def test_sarif_output_validates(project: Path) -> None:
    result = run("--format", "sarif", "--output", "out/report.sarif")
    assert result.exit_code == 1 and result.stdout == ""
    doc = json.loads((project / "out" / "report.sarif").read_text())
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    results = doc["runs"][0]["results"]
    assert len(results) == 4
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"sql/020_functions.sql"}


def test_github_and_junit_output(project: Path) -> None:
    lines = run("--format", "github").stdout.splitlines()
    assert len(lines) == 4
    assert all(line.startswith("::error file=sql/020_functions.sql,line=") for line in lines)
    junit = run("--format", "junit").stdout
    root = ET.fromstring(junit.split("\n", 1)[1])
    assert root.get("failures") == "4"


def test_select_ignore_and_fail_on(project: Path) -> None:
    assert run("--select", "PGD9").exit_code == 0
    assert run("--ignore", "PGD1").exit_code == 0
    assert run("--fail-on", "never").exit_code == 0
    codes = {d["code"] for d in _json()}
    narrowed = _json("--ignore", ",".join(sorted(codes)[:1]))
    assert {d["code"] for d in narrowed} == codes - set(sorted(codes)[:1])


def test_statistics(project: Path) -> None:
    result = run("--statistics")
    assert result.exit_code == 1
    total = sum(int(line.split("\t")[0]) for line in result.stdout.splitlines())
    assert total == 4


def test_inline_suppression_and_unused_suppression(project: Path) -> None:
    path = project / "sql" / "020_functions.sql"
    text = path.read_text()
    first = next(d for d in _json() if "actual_duration_ms" in d["message"])
    lines = text.splitlines()
    row = first["location"]["row"] - 1
    lines[row] += f"  -- pgdrift: ignore[{first['code']}]"
    lines[0] += "  -- pgdrift: ignore[PGD101]"  # nothing to silence there
    path.write_text("\n".join(lines) + "\n")
    data = _json()
    assert not any("actual_duration_ms" in d["message"] for d in data)
    unused = [d for d in data if d["code"] == "PGD901"]
    assert len(unused) == 1 and unused[0]["location"]["row"] == 1
    assert len(data) == 4  # 3 remaining + the unused suppression


def test_baseline_round_trip(project: Path) -> None:
    result = run("--write-baseline", ".pgdrift-baseline.json")
    assert result.exit_code == 0, result.output + result.stderr
    assert "wrote 4 finding(s)" in result.stderr
    # an unrelated line above the known findings: still baselined
    path = project / "sql" / "020_functions.sql"
    path.write_text("-- a comment added later\n\n" + path.read_text())
    result = run("--baseline", ".pgdrift-baseline.json")
    assert result.exit_code == 0, result.stdout
    assert "0 findings (4 more in the baseline)" in result.stdout
    # a new finding fails, and only it is reported
    path.write_text(
        path.read_text().replace("WHERE status = 'pending'", "WHERE statuz = 'pending'")
    )
    data = _json("--baseline", ".pgdrift-baseline.json")
    assert len(data) == 1 and "statuz" in data[0]["message"]
    assert run("--baseline", ".pgdrift-baseline.json").exit_code == 1


def test_baseline_from_config(project: Path) -> None:
    assert run("--write-baseline", "ci/baseline.json").exit_code == 0
    with (project / "pyproject.toml").open("a") as f:
        f.write('baseline = "ci/baseline.json"\n')
    sub = project / "sql"
    result = CliRunner().invoke(cli, ["check", str(project / "sql")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sub.is_dir()


def test_exclude(project: Path) -> None:
    assert run("--exclude", "020_functions.sql").exit_code == 0


def test_syntax_error_in_one_file_does_not_stop_the_others(project: Path) -> None:
    (project / "sql" / "030_broken.sql").write_text("SELEC 1;\n")
    data = _json()
    broken = [d for d in data if d["filename"] == "sql/030_broken.sql"]
    assert len(broken) == 1 and broken[0]["location"]["row"] == 1
    assert len([d for d in data if d["filename"] == "sql/020_functions.sql"]) == 4


@pytest.mark.parametrize("where", ["argument", "folder"])
def test_unreadable_file_exits_2(project: Path, where: str) -> None:
    link = project / "sql" / "099_dangling.sql"
    link.symlink_to(project / "nowhere.sql")
    result = run(str(link)) if where == "argument" else run()
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("pgdrift: error: ") and "099_dangling.sql" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_utf8_exits_2_or_is_reported(project: Path) -> None:
    (project / "sql" / "040_latin1.sql").write_bytes(b"SELECT 'caf\xe9';\n")
    result = run()
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code == 2:
        assert "040_latin1.sql" in result.stderr


def test_per_file_ignores_flag_and_config(project: Path) -> None:
    assert run("--per-file-ignores", "sql/020_*.sql:PGD101,PGD103").exit_code == 0
    assert run("--per-file-ignores", "sql/020_*.sql:PGD101").exit_code == 1
    bad = run("--per-file-ignores", "PGD101")
    assert bad.exit_code == 2 and "GLOB:CODE" in bad.stderr
    with (project / "pyproject.toml").open("a") as f:
        f.write('per-file-ignores = { "020_functions.sql" = ["PGD1"] }\nquiet = true\n')
    result = run()
    assert result.exit_code == 0 and result.stdout == ""


def test_github_format_writes_the_job_summary(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = project / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert run("--format", "github").exit_code == 1
    text = summary.read_text()
    assert text.startswith("### pgdrift check\n") and "; 4 findings" in text
    assert text.count("| `sql/020_functions.sql:") == 4
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    summary.unlink()
    run("--format", "github")
    assert not summary.exists()


def test_unexpected_exception_is_one_line_exit_2(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("pgdrift.check.check_paths", broken)
    result = run()
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "pgdrift: error: internal error: RuntimeError: boom (set PGDRIFT_DEBUG=1 for the traceback)"
    ]
    monkeypatch.setenv("PGDRIFT_DEBUG", "1")
    result = run()
    assert result.exit_code == 2 and "Traceback" in result.stderr
