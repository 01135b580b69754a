"""The command line. Owns printing and exit codes: 0 clean, 1 findings, 2 usage/internal error.

Each command lives in its own module here and attaches itself to :data:`cli`; importing this
package loads them all.
"""

from __future__ import annotations

import importlib
import pkgutil

from pgdrift.cli.base import cli

for _info in pkgutil.iter_modules(__path__):
    if _info.name != "base":
        importlib.import_module(f"{__name__}.{_info.name}")


def main() -> None:
    cli(prog_name="pgdrift")


__all__ = ["cli", "main"]
