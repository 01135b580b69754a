"""``--format junit``: JUnit XML for CI systems that show test reports.

One ``<testsuite>`` per file; one failing ``<testcase>`` per finding (``name`` is
``CODE name at line:col``), and one passing test case for a checked file without findings.
Findings without a file position go to a suite named after the tool.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import TextIO

from pgdrift.diagnostic import Diagnostic
from pgdrift.source import SourceFile


def render_junit(
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, SourceFile],
    stream: TextIO,
    *,
    tool_name: str = "pgdrift",
) -> None:
    by_file: dict[str, list[Diagnostic]] = {path: [] for path in sorted(sources)}
    for d in diagnostics:
        by_file.setdefault(d.span.path if d.span else "", []).append(d)
    root = ET.Element("testsuites", name=tool_name)
    root.set("tests", "0")
    root.set("failures", str(len(diagnostics)))
    total = 0
    for path in sorted(by_file):
        found = by_file[path]
        suite = ET.SubElement(root, "testsuite", name=path or tool_name)
        cases = len(found)
        for d in found:
            where = f"{d.span.line}:{d.span.col}" if d.span else ""
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{d.code} {d.name}" + (f" at {where}" if where else ""),
                classname=path or tool_name,
            )
            if d.span is not None:
                case.set("file", path)
                case.set("line", str(d.span.line))
            failure = ET.SubElement(case, "failure", message=d.message, type=d.code)
            lines = [f"{path}:{where}: {d.code} {d.message}" if path else f"{d.code} {d.message}"]
            lines += [f"note: {n}" for n in d.notes]
            if d.context:
                lines.append(f"context: {d.context}")
            if d.help:
                lines.append(f"help: {d.help}")
            failure.text = "\n".join(lines)
        if not found:
            ET.SubElement(suite, "testcase", name=tool_name, classname=path)
            cases = 1
        suite.set("tests", str(cases))
        suite.set("failures", str(len(found)))
        total += cases
    root.set("tests", str(total))
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
