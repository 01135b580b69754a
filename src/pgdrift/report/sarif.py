"""``--format sarif``: SARIF 2.1.0, as GitHub code scanning accepts it.

Each rule that is registered (or appears in the results) becomes a ``reportingDescriptor``
with a stable ``id`` (the code), its help text (the rule's documentation) and a help URI;
each finding a ``result`` with ``ruleId``/``ruleIndex``, a level, a physical location whose
``uri`` is relative to ``%SRCROOT%`` (the repository root), and a ``partialFingerprints``
entry (the baseline fingerprint) so that alerts follow code that moves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path, PurePath
from typing import Any, TextIO
from urllib.parse import quote

from pgdrift import __version__
from pgdrift.baseline import fingerprints, relative_path
from pgdrift.diagnostic import Diagnostic
from pgdrift.report._common import RULES_URL, location_fields, rule_url
from pgdrift.source import SourceFile

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _section(doc: str, title: str) -> str:
    match = re.search(rf"^#+\s*{re.escape(title)}\s*\n(.*?)(?=^#+\s|\Z)", doc, re.M | re.S)
    return " ".join(match.group(1).split()) if match else ""


def rule_descriptor(code: str, name: str, severity: str, doc: str) -> dict[str, Any]:
    what = _section(doc, "What it does") or (doc.strip().split("\n\n")[0] if doc else "")
    what = " ".join(what.split()) or name.replace("-", " ")
    short = what.split(". ")[0].rstrip(".") + "."
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": what},
        "help": {"text": doc or what, "markdown": doc or what},
        "helpUri": rule_url(code),
        "defaultConfiguration": {"level": _LEVEL.get(severity, "error")},
        "properties": {"tags": ["pgdrift", name]},
    }


def _registered_rules() -> dict[str, tuple[str, str, str]]:
    from pgdrift.rules import load_all

    return {
        code: (rule.name, str(rule.severity), rule.doc())
        for code, rule in sorted(load_all().items())
    }


def _uri(path: str, root: Path) -> dict[str, str]:
    rel = relative_path(path, root)
    if PurePath(rel).is_absolute():
        return {"uri": Path(rel).as_uri()}
    return {"uri": quote(rel), "uriBaseId": "%SRCROOT%"}


def _default_anchor(sources: Mapping[str, SourceFile], root: Path) -> str | None:
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        return str(pyproject)
    return min(sources) if sources else None


def sarif_document(
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile],
    stats: Any | None,
    root: Path,
    tool_name: str = "pgdrift",
    anchor: str | None = None,
) -> dict[str, Any]:
    """The SARIF log. A finding without a file position is anchored at line 1 of
    ``anchor`` (default: ``pyproject.toml`` in ``root``, else the first source file), since
    GitHub code scanning rejects results without a location."""
    if anchor is None:
        anchor = _default_anchor(sources, root)
    rules = _registered_rules()
    for d in diagnostics:
        rules.setdefault(d.code, (d.name, str(d.severity), ""))
    codes = sorted(rules)
    index = {code: i for i, code in enumerate(codes)}
    descriptors = [rule_descriptor(c, *rules[c]) for c in codes]
    results = []
    for d, fp in zip(diagnostics, fingerprints(diagnostics, sources, root), strict=True):
        text = d.message
        if d.context and not any(n.startswith(f"in {d.context}") for n in d.notes):
            text += f"\nin {d.context}"
        for note in d.notes:
            text += f"\nnote: {note}"
        if d.help:
            text += f"\nhelp: {d.help}"
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _LEVEL.get(str(d.severity), "error"),
            "message": {"text": text},
            "partialFingerprints": {"pgdrift/v1": fp},
        }
        loc = location_fields(d)
        if d.span is not None and loc is not None:
            line, col, end_line, end_col = loc
            region = {"startLine": line, "startColumn": col, "endLine": end_line}
            region["endColumn"] = end_col if (end_line, end_col) != (line, col) else col + 1
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": _uri(d.span.path, root),
                        "region": region,
                    }
                }
            ]
        elif anchor is not None:
            # GitHub code scanning rejects the whole file when a result has no location
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": _uri(anchor, root),
                        "region": {"startLine": 1, "startColumn": 1},
                    },
                    "message": {"text": "no file position: anchored here"},
                }
            ]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": tool_name,
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": RULES_URL.split("#")[0],
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{"executionSuccessful": True}],
    }
    if stats is not None and is_dataclass(stats) and not isinstance(stats, type):
        run["properties"] = {"stats": asdict(stats)}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile],
    stats: Any | None,
    stream: TextIO,
    *,
    root: Path,
    tool_name: str = "pgdrift",
    anchor: str | None = None,
) -> None:
    json.dump(
        sarif_document(diagnostics, sources, stats, root, tool_name, anchor),
        stream,
        indent=2,
        ensure_ascii=False,
    )
    stream.write("\n")
