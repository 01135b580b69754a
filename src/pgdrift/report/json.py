"""``--format json``: a JSON array of findings, one object each (ruff's shape).

Each object: ``code``, ``name``, ``severity``, ``message``, ``filename``, ``location``
(``row``, ``column``), ``end_location``, ``help``, ``url``, ``context``, ``notes``.
Rows and columns are 1-based; ``end_location`` is exclusive. A finding without a file
position has ``filename``/``location``/``end_location`` null.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from pgdrift.diagnostic import Diagnostic
from pgdrift.report._common import location_fields, rule_url


def diagnostic_to_dict(d: Diagnostic) -> dict[str, Any]:
    loc = location_fields(d)
    return {
        "code": d.code,
        "name": d.name,
        "severity": str(d.severity),
        "message": d.message,
        "filename": d.span.path if d.span is not None else None,
        "location": {"row": loc[0], "column": loc[1]} if loc else None,
        "end_location": {"row": loc[2], "column": loc[3]} if loc else None,
        "help": d.help,
        "url": rule_url(d.code),
        "context": d.context,
        "notes": list(d.notes),
    }


def render_json(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    json.dump([diagnostic_to_dict(d) for d in diagnostics], stream, indent=2, ensure_ascii=False)
    stream.write("\n")
